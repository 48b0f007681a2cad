import { INTERACTION_KINDS, type Interaction } from '@swarmscope/core';
import { ATTR_CALLER_AGENT_ID, TOKEN_METRIC_NAMES, type Pricing } from '@swarmscope/telemetry-client';
import type { ReportInput } from '../ingest-schema';
import { asId, resolve, resourceKey, type IdentityRules } from './identity';
import type { IndexedSpan, SpanIndex } from './span-index';
import {
  attributesAt,
  ItemProblem,
  listOf,
  readSpan,
  requestObject,
  SPAN_KIND,
  STATUS_ERROR,
  type Attributes,
  type OtlpSpan,
} from './otlp-wire';

/** GenAI attribute names read from spans (semantic conventions 1.37+, older names as fallbacks). */
export const GEN_AI = {
  operation: 'gen_ai.operation.name',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  /** Before semconv 1.27. */
  promptTokens: 'gen_ai.usage.prompt_tokens',
  completionTokens: 'gen_ai.usage.completion_tokens',
  cacheReadTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheWriteTokens: 'gen_ai.usage.cache_creation.input_tokens',
  reasoningTokens: 'gen_ai.usage.reasoning.output_tokens',
  /** Not in the conventions; OpenLIT and others send it. Wins over the price table when present. */
  cost: 'gen_ai.usage.cost',
  toolName: 'gen_ai.tool.name',
  errorType: 'error.type',
  agentId: 'gen_ai.agent.id',
  agentName: 'gen_ai.agent.name',
  /** Ours until the conventions name the caller of an agent (their draft: gen_ai.caller.*). */
  callerAgentId: ATTR_CALLER_AGENT_ID,
  draftCallerAgentId: 'gen_ai.caller.agent.id',
  /** What the SDK sent before it was renamed to the caller attribute. */
  legacyCaller: 'swarmscope.interaction.from',
  interactionKind: 'swarmscope.interaction.kind',
} as const;

/** Custom metric names of the token kinds the window has no field for (averaged per report in windows), as the SDK sends them. */
const TOKEN_METRICS = TOKEN_METRIC_NAMES;

export interface SpanMappingOptions {
  rules: IdentityRules;
  /** gen_ai.operation.name values whose spans are requests of their agent (latency, tokens, errors, cost). */
  requestOperations: ReadonlySet<string>;
  pricing: Pricing;
  index: SpanIndex<PendingEdge>;
  /** Receiver clock (ms): index ages. */
  now: number;
}

/** An edge whose calling agent is the nearest GenAI ancestor of a span, not known yet. */
export interface PendingEdge {
  to: string;
  /** The callee's identity came from its resource alone, and this is that resource (no edge to its own process's agent). */
  resourceOnly: string | undefined;
  /** For a CLIENT invoke_agent span: the edge is the span's own, whatever the ancestor's target. */
  client: boolean;
  kind: Interaction['kind'];
  outcome: Interaction['outcome'];
  latencySeconds: number;
  timestamp: number;
  traceId: string;
  spanId: string;
}

export type InteractionInput = Omit<Interaction, 'traceId' | 'spanId'> & { traceId?: string; spanId?: string };

export interface SpanMapping {
  /** One report per request or tool span, in span order, then one heartbeat per agent seen in other GenAI spans. */
  reports: ReportInput[];
  /** How many of `reports` came from spans (the rest are heartbeats). */
  spanReports: number;
  interactions: InteractionInput[];
  /** Spans in the request. */
  spans: number;
  /** Spans refused, and why (the first few). */
  rejected: number;
  problems: string[];
  /** Agents that sent request spans (their metrics are not counted again from gen_ai.client.* points). */
  requestAgents: Set<string>;
}

const MAX_PROBLEMS = 5;
const INTERACTION_KIND_SET: ReadonlySet<string> = new Set(INTERACTION_KINDS);

/** Maps an ExportTraceServiceRequest (decoded or OTLP/JSON) to reports and agent-to-agent interactions. */
export function mapSpans(body: unknown, options: SpanMappingOptions): SpanMapping {
  const request = requestObject(body, 'resourceSpans');
  const out: SpanMapping = {
    reports: [],
    spanReports: 0,
    interactions: [],
    spans: 0,
    rejected: 0,
    problems: [],
    requestAgents: new Set(),
  };
  const heartbeats = new Map<string, ReportInput>();
  const wanted = wantedKeys(options.rules);
  listOf(request, 'resourceSpans', 'resourceSpans').forEach((resourceSpans, r) => {
    const path = `resourceSpans.${r}`;
    let resource: Attributes = {};
    let resourceProblem: ItemProblem | undefined;
    try {
      const wireResource = resourceSpans.resource;
      resource =
        wireResource && typeof wireResource === 'object'
          ? attributesAt(wireResource as Record<string, unknown>, 'attributes', `${path}.resource`)
          : {};
    } catch (problem) {
      if (!(problem instanceof ItemProblem)) throw problem;
      resourceProblem = problem;
    }
    const key = resourceKey(resource);
    listOf(resourceSpans, 'scopeSpans', path).forEach((scopeSpans, s) => {
      const spans = itemListOr400(scopeSpans, `${path}.scopeSpans.${s}`);
      for (let i = 0; i < spans.length; i++) {
        out.spans++;
        try {
          if (resourceProblem) throw resourceProblem;
          const wire = spans[i];
          if (typeof wire !== 'object' || wire === null || Array.isArray(wire))
            throw new ItemProblem('', 'must be an object');
          // Paths in problems are relative to the span ('' is the span): its own is only spelled out when refused.
          mapSpan(readSpan(wire as Record<string, unknown>, resource, key, '', wanted), '', options, out, heartbeats);
        } catch (problem) {
          if (!(problem instanceof ItemProblem)) throw problem;
          out.rejected++;
          if (out.problems.length < MAX_PROBLEMS)
            out.problems.push(problem.messageUnder(`${path}.scopeSpans.${s}.spans.${i}`));
        }
      }
    });
  });
  out.spanReports = out.reports.length;
  for (const [agentId, heartbeat] of heartbeats) if (!out.requestAgents.has(agentId)) out.reports.push(heartbeat);
  fillModels(out.reports);
  return out;
}

const wantedByRules = new WeakMap<IdentityRules, ReadonlySet<string>>();

/** The span attributes the mapping reads: the GenAI ones and those the identity rules name. */
function wantedKeys(rules: IdentityRules): ReadonlySet<string> {
  let wanted = wantedByRules.get(rules);
  if (wanted === undefined) {
    wanted = new Set<string>([...Object.values(GEN_AI), ...[rules.agent, rules.pool, rules.model].flat(2)]);
    wantedByRules.set(rules, wanted);
  }
  return wanted;
}

/**
 * A tool span or a heartbeat names no model; the agent's model is the one of its latest request in the request (an
 * agent's model changes its registry entry, so "unknown" must not come and go between its own reports).
 */
function fillModels(reports: ReportInput[]): void {
  const latest = new Map<string, string>();
  for (const report of reports) if (report.model !== undefined) latest.set(report.agentId, report.model);
  for (const report of reports)
    if (report.model === undefined && latest.has(report.agentId)) report.model = latest.get(report.agentId)!;
}

function itemListOr400(scopeSpans: Record<string, unknown>, path: string): unknown[] {
  // A scope's span list that is not a list is a broken request, not one bad span.
  return listOf(scopeSpans, 'spans', path) as unknown[];
}

function mapSpan(
  span: OtlpSpan,
  path: string,
  options: SpanMappingOptions,
  out: SpanMapping,
  heartbeats: Map<string, ReportInput>,
): void {
  const { index, now, rules } = options;
  const operation = span.attributes[GEN_AI.operation];
  if (typeof operation !== 'string' || operation === '') {
    // Not a GenAI span: kept as a link between GenAI spans (an HTTP hop between two agents, say).
    const link: IndexedSpan = { agent: undefined, parent: span.parentSpanId, at: now };
    index.add(span.spanId, link);
    settleWaiting(span.spanId, link, options, out);
    return;
  }
  if (span.durationSeconds < 0) throw new ItemProblem(`${path}.endTimeUnixNano`, 'is before startTimeUnixNano');
  const isClientInvoke = operation === 'invoke_agent' && span.kind === SPAN_KIND.client;
  // A CLIENT invoke_agent span's gen_ai.agent.* describe the agent it calls; the caller is named apart or found above.
  const target = isClientInvoke ? agentFrom(resolve(rules.agent, span.attributes, undefined)?.value, path) : undefined;
  const identity = target !== undefined ? undefined : resolve(rules.agent, span.attributes, span.resource);
  const agent = target !== undefined ? callerOf(span, path, options) : agentFrom(identity?.value, path);
  if (agent === undefined && target === undefined) {
    throw new ItemProblem(
      path,
      `no agent identity: none of ${rules.agent.map((keys) => keys.join('+')).join(', ')} is set on the span or its resource`,
    );
  }
  const failed = span.statusCode === STATUS_ERROR || span.attributes[GEN_AI.errorType] !== undefined;
  const latencySeconds = span.durationSeconds;
  const timestamp = Math.floor(span.endMs);
  const pool = resolve(rules.pool, {}, span.resource)?.value;
  const base = { timestamp, ...(pool !== undefined ? { pool: asId(pool) ?? pool } : {}) };

  if (agent !== undefined) {
    if (options.requestOperations.has(operation)) {
      const model = resolve(rules.model, span.attributes, span.resource)?.value;
      out.reports.push({
        agentId: agent,
        ...base,
        ...(model !== undefined ? { model } : {}),
        metrics: requestMetrics(span, path, model, latencySeconds, failed, options.pricing),
      });
      out.requestAgents.add(agent);
    } else if (operation === 'execute_tool') {
      const tool = span.attributes[GEN_AI.toolName];
      if (typeof tool !== 'string' || tool === '')
        throw new ItemProblem(`${path}.attributes`, `${GEN_AI.toolName} is required on execute_tool spans`);
      const errors = failed ? 1 : 0;
      out.reports.push({
        agentId: agent,
        ...base,
        metrics: { tool_calls: 1, tool_errors: errors, tool_duration_seconds: latencySeconds },
        tools: { [tool]: { calls: 1, errors, durationSeconds: latencySeconds } },
      });
    } else if (!heartbeats.has(agent)) {
      // invoke_agent, create_agent, ...: the agent is alive (and listed), with no request of its own.
      heartbeats.set(agent, { agentId: agent, ...base, metrics: { requests: 0 } });
    }
  }

  const resource = span.resourceKey;
  const resourceOnly = identity?.fromResource ? resource : undefined;
  const indexed: IndexedSpan = { agent, parent: span.parentSpanId, target, resource, at: now };
  index.add(span.spanId, indexed);
  if (target !== undefined || span.parentSpanId !== '') {
    const edge: PendingEdge = {
      to: target ?? agent!,
      resourceOnly,
      client: target !== undefined,
      kind: interactionKind(span.attributes[GEN_AI.interactionKind]),
      outcome: failed ? 'error' : 'success',
      latencySeconds,
      timestamp,
      traceId: span.traceId,
      spanId: span.spanId,
    };
    if (target !== undefined && agent !== undefined) addEdge(out, agent, edge);
    else placeEdge(edge, span.parentSpanId, options, out);
  }
  settleWaiting(span.spanId, indexed, options, out);
}

/** The caller of a CLIENT invoke_agent span when the span names it; undefined: found from its ancestors. */
function callerOf(span: OtlpSpan, path: string, options: SpanMappingOptions): string | undefined {
  const named =
    span.attributes[GEN_AI.callerAgentId] ??
    span.attributes[GEN_AI.draftCallerAgentId] ??
    span.attributes[GEN_AI.legacyCaller];
  if (typeof named === 'string' && named !== '') return agentFrom(named, path);
  const above = options.index.ancestry(span.parentSpanId, options.now);
  if (above.kind === 'found') return above.span.agent;
  if (above.kind === 'root') return agentFrom(resolve(options.rules.agent, {}, span.resource)?.value, path);
  return undefined;
}

function agentFrom(value: string | undefined, path: string): string | undefined {
  if (value === undefined) return undefined;
  const id = asId(value);
  if (id === undefined)
    throw new ItemProblem(path, `agent identity "${value.slice(0, 32)}…" is longer than 128 characters`);
  return id;
}

/** Finds the edge's caller above `parentId`, or parks the edge until the missing ancestor arrives. */
function placeEdge(edge: PendingEdge, parentId: string, options: SpanMappingOptions, out: SpanMapping): void {
  const above = options.index.ancestry(parentId, options.now);
  if (above.kind === 'found') resolveEdge(edge, above.span, out);
  else if (above.kind === 'missing') options.index.wait(above.spanId, edge, options.now);
}

/** Span `spanId` arrived: what waited for it is settled against it (a GenAI span) or walks on (a link). */
function settleWaiting(spanId: string, arrived: IndexedSpan, options: SpanMappingOptions, out: SpanMapping): void {
  for (const { value: edge } of options.index.take(spanId)) {
    if (arrived.agent !== undefined || arrived.target !== undefined) resolveEdge(edge, arrived, out);
    else placeEdge(edge, arrived.parent, options, out);
  }
}

function resolveEdge(edge: PendingEdge, ancestor: IndexedSpan, out: SpanMapping): void {
  if (!edge.client) {
    // The callee of a CLIENT invoke_agent span: that span makes the edge.
    if (ancestor.target !== undefined && ancestor.target === edge.to) return;
    // A span named by its resource alone under a GenAI span of the same process: the same agent, not an edge.
    if (edge.resourceOnly !== undefined && ancestor.resource === edge.resourceOnly) return;
  }
  if (ancestor.agent !== undefined) addEdge(out, ancestor.agent, edge);
}

function addEdge(out: SpanMapping, from: string, edge: PendingEdge): void {
  if (from === edge.to) return;
  const interaction: InteractionInput = {
    from,
    to: edge.to,
    kind: edge.kind,
    outcome: edge.outcome,
    latencySeconds: edge.latencySeconds,
    timestamp: edge.timestamp,
  };
  if (edge.traceId !== '' && edge.spanId !== '') {
    interaction.traceId = edge.traceId;
    interaction.spanId = edge.spanId;
  }
  out.interactions.push(interaction);
}

const interactionKind = (value: unknown): Interaction['kind'] =>
  typeof value === 'string' && INTERACTION_KIND_SET.has(value) ? (value as Interaction['kind']) : 'delegation';

/** A token count attribute: a whole number ≥ 0, or absent. */
function tokens(attributes: Attributes, key: string, path: string): number | undefined {
  const value = attributes[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new ItemProblem(`${path}.attributes.${key}`, 'must be a whole number ≥ 0');
  return value;
}

function requestMetrics(
  span: OtlpSpan,
  path: string,
  model: string | undefined,
  latencySeconds: number,
  failed: boolean,
  pricing: Pricing,
): Record<string, number> {
  const a = span.attributes;
  const metrics: Record<string, number> = {
    response_time_seconds: latencySeconds,
    requests: 1,
    errors: failed ? 1 : 0,
  };
  const input = tokens(a, GEN_AI.inputTokens, path) ?? tokens(a, GEN_AI.promptTokens, path);
  const output = tokens(a, GEN_AI.outputTokens, path) ?? tokens(a, GEN_AI.completionTokens, path);
  const cacheRead = tokens(a, GEN_AI.cacheReadTokens, path);
  const cacheWrite = tokens(a, GEN_AI.cacheWriteTokens, path);
  const reasoning = tokens(a, GEN_AI.reasoningTokens, path);
  if (input !== undefined) metrics.input_tokens = input;
  if (output !== undefined) metrics.output_tokens = output;
  if (cacheRead !== undefined) metrics[TOKEN_METRICS.cacheRead] = cacheRead;
  if (cacheWrite !== undefined) metrics[TOKEN_METRICS.cacheWrite] = cacheWrite;
  if (reasoning !== undefined) metrics[TOKEN_METRICS.reasoning] = reasoning;
  const sent = a[GEN_AI.cost];
  if (sent !== undefined) {
    if (typeof sent !== 'number' || !Number.isFinite(sent) || sent < 0)
      throw new ItemProblem(`${path}.attributes.${GEN_AI.cost}`, 'must be a number ≥ 0 (USD)');
    metrics.cost_usd = sent;
  } else if (model !== undefined && (input !== undefined || output !== undefined)) {
    const cost = pricing.costOfUsage(model, {
      inputTokens: input ?? 0,
      outputTokens: output ?? 0,
      cacheReadTokens: cacheRead ?? 0,
      cacheWriteTokens: cacheWrite ?? 0,
    });
    if (cost !== undefined) metrics.cost_usd = cost;
  }
  return metrics;
}
