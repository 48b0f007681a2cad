import type { Pricing } from '@swarmscope/telemetry-client';
import type { ReportInput } from '../ingest-schema';
import { asId, resolve, resourceKey, type IdentityRules } from './identity';
import {
  attributesAt,
  doubleAt,
  int64At,
  intAt,
  ItemProblem,
  listOf,
  objectAt,
  requestObject,
  stringAt,
  type Attributes,
} from './otlp-wire';

export const GEN_AI_METRICS = {
  duration: 'gen_ai.client.operation.duration',
  tokens: 'gen_ai.client.token.usage',
} as const;

const TEMPORALITY_CUMULATIVE = 2;

/**
 * Running totals of cumulative streams (the JS and Python SDKs' default temporality): each export carries the total
 * since the stream started, and a sample is the difference from the last one seen. Bounded: the oldest stream goes.
 */
export class CumulativeStreams {
  private readonly last = new Map<string, { start: number; count: number; sum: number }>();
  constructor(readonly maxStreams: number) {}

  get size(): number {
    return this.last.size;
  }

  /** The increase since the stream's last point; a new stream or a restarted one (new start, lower count) counts whole. */
  delta(key: string, start: number, count: number, sum: number): { count: number; sum: number } {
    const previous = this.last.get(key);
    this.last.delete(key);
    this.last.set(key, { start, count, sum });
    if (this.last.size > this.maxStreams) this.last.delete(this.last.keys().next().value!);
    if (previous === undefined || previous.start !== start || count < previous.count || sum < previous.sum)
      return { count, sum };
    return { count: count - previous.count, sum: sum - previous.sum };
  }
}

/** Agents that sent GenAI request spans lately: their gen_ai.client.* points are not counted a second time. */
export class RecentAgents {
  private readonly seen = new Map<string, number>();
  constructor(
    readonly maxAgents: number,
    readonly ttlMs: number,
  ) {}

  mark(agents: Iterable<string>, now: number): void {
    for (const agent of agents) {
      this.seen.delete(agent);
      this.seen.set(agent, now);
      if (this.seen.size > this.maxAgents) this.seen.delete(this.seen.keys().next().value!);
    }
  }

  has(agent: string, now: number): boolean {
    const at = this.seen.get(agent);
    return at !== undefined && now - at <= this.ttlMs;
  }
}

export interface MetricMappingOptions {
  rules: IdentityRules;
  requestOperations: ReadonlySet<string>;
  pricing: Pricing;
  streams: CumulativeStreams;
  spanAgents: RecentAgents;
  now: number;
}

export interface MetricMapping {
  reports: ReportInput[];
  points: number;
  rejected: number;
  problems: string[];
  /** Points of GenAI metrics not counted because spans of the same agent are (spans win). */
  coveredBySpans: number;
}

const MAX_PROBLEMS = 5;

/** Maps an ExportMetricsServiceRequest (decoded or OTLP/JSON): the two GenAI client histograms become samples. */
export function mapMetrics(body: unknown, options: MetricMappingOptions): MetricMapping {
  const request = requestObject(body, 'resourceMetrics');
  const out: MetricMapping = { reports: [], points: 0, rejected: 0, problems: [], coveredBySpans: 0 };
  listOf(request, 'resourceMetrics', 'resourceMetrics').forEach((resourceMetrics, r) => {
    const path = `resourceMetrics.${r}`;
    let resource: Attributes = {};
    let resourceProblem: ItemProblem | undefined;
    try {
      const wire = objectAt(resourceMetrics, 'resource', path);
      resource = wire ? attributesAt(wire, 'attributes', `${path}.resource`) : {};
    } catch (problem) {
      if (!(problem instanceof ItemProblem)) throw problem;
      resourceProblem = problem;
    }
    listOf(resourceMetrics, 'scopeMetrics', path).forEach((scopeMetrics, s) => {
      listOf(scopeMetrics, 'metrics', `${path}.scopeMetrics.${s}`).forEach((metric, m) => {
        const metricPath = `${path}.scopeMetrics.${s}.metrics.${m}`;
        const name = typeof metric.name === 'string' ? metric.name : '';
        const data = metric.histogram ?? metric.sum ?? metric.gauge ?? metric.exponentialHistogram ?? metric.summary;
        const points =
          data && typeof data === 'object' && Array.isArray((data as Record<string, unknown>).dataPoints)
            ? ((data as Record<string, unknown>).dataPoints as unknown[])
            : [];
        for (let i = 0; i < points.length; i++) {
          out.points++;
          if (name !== GEN_AI_METRICS.duration && name !== GEN_AI_METRICS.tokens) continue;
          try {
            if (resourceProblem) throw resourceProblem;
            const point = points[i];
            const pointPath = `${metricPath}.dataPoints.${i}`;
            if (typeof point !== 'object' || point === null) throw new ItemProblem(pointPath, 'must be an object');
            mapPoint(name, metric, point as Record<string, unknown>, resource, pointPath, options, out);
          } catch (problem) {
            if (!(problem instanceof ItemProblem)) throw problem;
            out.rejected++;
            if (out.problems.length < MAX_PROBLEMS) out.problems.push(problem.message);
          }
        }
      });
    });
  });
  return out;
}

function mapPoint(
  name: string,
  metric: Record<string, unknown>,
  point: Record<string, unknown>,
  resource: Attributes,
  path: string,
  options: MetricMappingOptions,
  out: MetricMapping,
): void {
  const attributes = attributesAt(point, 'attributes', path);
  const identity = resolve(options.rules.agent, attributes, resource);
  const agentId = identity === undefined ? undefined : asId(identity.value);
  if (agentId === undefined) {
    throw new ItemProblem(
      path,
      `no agent identity: none of ${options.rules.agent.map((keys) => keys.join('+')).join(', ')} is set on the point or its resource`,
    );
  }
  if (options.spanAgents.has(agentId, options.now)) {
    out.coveredBySpans++;
    return;
  }
  const histogram = metric.histogram !== undefined && metric.histogram !== null;
  const sumMetric = metric.sum !== undefined && metric.sum !== null;
  if (!histogram && !(sumMetric && name === GEN_AI_METRICS.tokens))
    throw new ItemProblem(path, `${name} must be a histogram${name === GEN_AI_METRICS.tokens ? ' or a sum' : ''}`);
  const container = (histogram ? metric.histogram : metric.sum) as Record<string, unknown>;
  const temporality = intAt(container, 'aggregationTemporality', path);
  const start = int64At(point, 'startTimeUnixNano', path);
  const time = int64At(point, 'timeUnixNano', path);
  let count: number;
  let sum: number;
  if (histogram) {
    count = int64At(point, 'count', path);
    sum = doubleAt(point, 'sum', path) ?? 0;
  } else {
    // A sum point is a total, not a count of records: its increase is what counts.
    count = 0;
    sum = doubleAt(point, 'asDouble', path) ?? int64At(point, 'asInt', path);
  }
  if (count < 0 || sum < 0) throw new ItemProblem(path, 'count and sum must be ≥ 0');
  if (temporality === TEMPORALITY_CUMULATIVE) {
    const key = `${resourceKey(resource)}|${name}|${JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
    ({ count, sum } = options.streams.delta(key, start, count, sum));
  }
  if (histogram ? count === 0 : sum === 0) return;

  const model = resolve(options.rules.model, attributes, resource)?.value;
  const pool = resolve(options.rules.pool, {}, resource)?.value;
  const base: Omit<ReportInput, 'metrics'> = {
    agentId,
    timestamp: Math.floor(time / 1e6),
    ...(model !== undefined ? { model } : {}),
    ...(pool !== undefined ? { pool: asId(pool) ?? pool } : {}),
  };
  if (name === GEN_AI_METRICS.duration) {
    const operation = stringAt(attributes, 'gen_ai.operation.name', path);
    if (!options.requestOperations.has(operation)) return;
    // A histogram point keeps no single latency: its mean stands for the requests it counts.
    const errors = attributes['error.type'] !== undefined ? count : 0;
    out.reports.push({ ...base, metrics: { requests: count, errors, response_time_seconds: sum / count } });
    return;
  }
  const tokenType = attributes['gen_ai.token.type'];
  const tokens = Math.round(sum);
  if (tokenType !== 'input' && tokenType !== 'output')
    throw new ItemProblem(`${path}.attributes`, 'gen_ai.token.type must be input or output');
  const metrics: Record<string, number> = tokenType === 'input' ? { input_tokens: tokens } : { output_tokens: tokens };
  const cost =
    model === undefined
      ? undefined
      : options.pricing.cost(model, tokenType === 'input' ? tokens : 0, tokenType === 'output' ? tokens : 0);
  if (cost !== undefined) metrics.cost_usd = cost;
  out.reports.push({ ...base, metrics });
}
