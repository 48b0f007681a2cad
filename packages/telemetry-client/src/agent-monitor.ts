import { context, SpanKind, trace, type Span, type SpanOptions } from '@opentelemetry/api';
import { Fleet } from './fleet';
import {
  ATTR_AGENT_ID,
  ATTR_AGENT_NAME,
  ATTR_CALLER_AGENT_ID,
  ATTR_CONVERSATION_ID,
  ATTR_ERROR_TYPE,
  ATTR_INTERACTION_KIND,
  ATTR_OPERATION_NAME,
  ATTR_PROVIDER_NAME,
  ATTR_RESPONSE_MODEL,
  ATTR_TOKEN_TYPE,
  ATTR_TOOL_NAME,
  ATTR_USAGE_CACHE_CREATION_TOKENS,
  ATTR_USAGE_CACHE_READ_TOKENS,
  ATTR_USAGE_INPUT_TOKENS,
  ATTR_USAGE_OUTPUT_TOKENS,
  ATTR_USAGE_REASONING_TOKENS,
  errorTypeOf,
  GEN_AI_OPERATIONS,
  genAiInstruments,
  genAiTracer,
  markSpanFailed,
  operationAttributes,
  runInSpan,
  sampledIds,
  TOKEN_METRIC_NAMES,
  type GenAiOperationName,
  type TraceIds,
} from './gen-ai-telemetry';
import { buildOperationProfile, type OperationProfile, type ProfileOwner } from './operation-profile';
import { costOfUsage, defaultPricing, Pricing } from './pricing';
import { inject, type TraceHeaders } from './propagation';
import { RequestState } from './request-scope';
import type { AgentMonitorOptions, AgentMonitorStartOptions } from './agent-monitor-options';
import type {
  Interaction,
  InteractionKind,
  InteractionOutcome,
  InteractionSample,
  QualityScores,
  Report,
  ReportMetrics,
  ReportQuality,
  RequestScope,
  RequestSample,
  ResourceSample,
  ToolCallSample,
  ToolUsage,
  TrackRequestOptions,
} from './types';
import type { ReportLimits } from '@swarmscope/protocol';
import { checkApiKey, checkEndpoint, checkInteger, checkNumber, checkString } from './validate';

// The wire contract's limits (@swarmscope/protocol, imported for its types only: the SDK ships without it), checked
// here so a mistake throws at the call instead of every report being refused later. Each constant is typed by the
// protocol's literal: a limit changed there and not here fails the build.
const AGENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const NAME = /^[a-z][a-z0-9_]{0,63}$/;
const IDENTITY_LENGTH: ReportLimits['idLength'] = 128;
const MAX_QUALITY_SCORES: ReportLimits['qualityPerReport'] = 32;
const MAX_LABELS: ReportLimits['labelsPerAgent'] = 32;
const LABEL_NAME_LENGTH: ReportLimits['nameLength'] = 64;
const LABEL_VALUE_LENGTH: ReportLimits['labelValueLength'] = 256;
const OPERATIONS = new Set<string>(GEN_AI_OPERATIONS);
// Records keyed by the protocol's enums: a kind or outcome added there and not here fails the build.
const INTERACTION_KINDS = new Set<string>(
  Object.keys({ delegation: true, message: true, tool_handoff: true } satisfies Record<InteractionKind, true>),
);
const INTERACTION_OUTCOMES = new Set<string>(
  Object.keys({ success: true, error: true } satisfies Record<InteractionOutcome, true>),
);
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/**
 * Reports one agent's work to Swarmscope, and traces it through OpenTelemetry's GenAI conventions.
 * Every report carries agentId/model/pool/type, so the server can register the agent from any of
 * them, even after it restarts.
 *
 * Nothing here throws because the platform is down, nor waits for it (beyond start()'s bounded
 * wait): reports are queued in a bounded Fleet and delivered when it is back. Methods throw only a
 * TypeError for an invalid argument.
 *
 * Many monitors should share one Fleet (one connection pool); a monitor given only an endpoint
 * owns a Fleet of its own and closes it on close().
 *
 * Spans and metrics go through `@opentelemetry/api`: with no OpenTelemetry SDK registered by the
 * application they are no-ops.
 */
export class AgentMonitor {
  readonly agentId: string;
  readonly model: string;
  readonly type: string;
  readonly pool: string;
  /** `gen_ai.agent.name`. */
  readonly name: string;
  /** `gen_ai.provider.name` of the agent's model calls, when known. */
  readonly provider?: string;
  /** Where the reports go; shared or owned. */
  readonly fleet: Fleet;

  private readonly ownsFleet: boolean;
  private readonly pricing: Pricing;
  /** Profiles of the monitor's own model and provider, one per operation, built on first use. */
  private readonly profiles = new Map<GenAiOperationName, OperationProfile>();
  private readonly owner: ProfileOwner;
  private readonly labels?: Readonly<Record<string, string>>;
  private readonly now: () => number;
  private readonly heartbeatIntervalMs: number;
  private heartbeat?: NodeJS.Timeout;
  /** Real (monotonic) time of the last report: liveness is about real time even when `now` is simulated. */
  private lastReportAt = performance.now();
  private closed = false;

  constructor(options: AgentMonitorOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('AgentMonitorOptions must be an object');
    if (typeof options.agentId !== 'string' || !AGENT_ID.test(options.agentId)) {
      throw new TypeError(
        `AgentMonitorOptions.agentId must be 1 to 128 characters of [A-Za-z0-9._:-], got ${JSON.stringify(options.agentId)}`,
      );
    }
    this.agentId = options.agentId;
    this.model = checkString(options.model, 'AgentMonitorOptions.model', IDENTITY_LENGTH);
    this.type = checkString(options.type ?? 'general', 'AgentMonitorOptions.type', IDENTITY_LENGTH);
    this.pool = checkString(options.pool ?? 'default', 'AgentMonitorOptions.pool', IDENTITY_LENGTH);
    this.labels = checkLabels(options.labels);
    this.name = checkString(options.name ?? this.agentId, 'AgentMonitorOptions.name', LABEL_VALUE_LENGTH);
    this.pricing = options.prices === undefined ? defaultPricing : new Pricing(options.prices);
    this.provider =
      options.provider === undefined
        ? this.pricing.lookup(this.model)?.provider
        : checkString(options.provider, 'AgentMonitorOptions.provider', IDENTITY_LENGTH);
    this.owner = { agentId: this.agentId, name: this.name, pricing: this.pricing };
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new TypeError('AgentMonitorOptions.now must be a function returning epoch milliseconds');
    }
    this.now = options.now ?? Date.now;
    this.heartbeatIntervalMs = checkNumber(
      options.heartbeatIntervalMs ?? 10_000,
      'AgentMonitorOptions.heartbeatIntervalMs',
      0,
      2 ** 31 - 1,
    );

    if (options.fleet !== undefined) {
      if (!(options.fleet instanceof Fleet)) throw new TypeError('AgentMonitorOptions.fleet must be a Fleet');
      if (options.endpoint !== undefined || options.apiKey !== undefined) {
        throw new TypeError('AgentMonitorOptions.endpoint and .apiKey belong to the Fleet when a fleet is given');
      }
      this.fleet = options.fleet;
      this.ownsFleet = false;
    } else {
      if (options.endpoint === undefined)
        throw new TypeError('AgentMonitorOptions.endpoint is required when no fleet is given');
      const endpoint = checkEndpoint(options.endpoint, 'AgentMonitorOptions.endpoint').href;
      const apiKey =
        options.apiKey === undefined ? undefined : checkApiKey(options.apiKey, 'AgentMonitorOptions.apiKey');
      this.fleet = new Fleet({ endpoint, apiKey });
      this.ownsFleet = true;
    }
    if (this.heartbeatIntervalMs > 0) this.scheduleHeartbeat(this.heartbeatIntervalMs);
  }

  /**
   * Constructs a monitor, registers the agent and resolves to the monitor once the registration
   * reached the server — or after `registerTimeoutMs` (default 1000) while the platform is
   * unreachable: the registration then stays queued and is retried, and start() still resolves.
   * Rejects only for invalid options (TypeError).
   *
   * ```ts
   * const monitor = await AgentMonitor.start({ agentId: 'support-7', model: 'gpt-4o', pool: 'support', endpoint: 'http://127.0.0.1:8080' });
   * ```
   */
  static async start(options: AgentMonitorStartOptions): Promise<AgentMonitor> {
    const timeoutMs = checkNumber(
      options?.registerTimeoutMs ?? 1000,
      'AgentMonitorStartOptions.registerTimeoutMs',
      0,
      2 ** 31 - 1,
    );
    const monitor = new AgentMonitor(options);
    monitor.register();
    if (timeoutMs > 0) await monitor.fleet.flush({ timeoutMs });
    return monitor;
  }

  /** Makes the agent appear on the server now: a report with its identity and `requests: 0`. */
  register(): void {
    this.emit({ requests: 0 }, undefined);
  }

  /**
   * Runs `fn` as one request of the agent and returns (or rethrows) what it does. Measures its
   * latency; counts it as an error when it throws or calls `req.fail(reason)`; takes token counts
   * from `options.inputTokens` and `req.setUsage()`/`setOutputTokens()`; prices them with the price
   * table. Reports `response_time_seconds`, `requests`, `errors`, tokens and `cost_usd`.
   *
   * With an OpenTelemetry SDK registered, `fn` runs inside a span named `"{operation} {model}"`
   * (`"invoke_agent {name}"` for that operation) with the GenAI attributes, and the call records the
   * `gen_ai.client.operation.duration` and `gen_ai.client.token.usage` histograms.
   *
   * ```ts
   * const answer = await monitor.trackRequest({ inputTokens: 512 }, async (req) => {
   *   const completion = await llm.chat(prompt);
   *   req.setOutputTokens(completion.usage.completion_tokens);
   *   return completion.text;
   * });
   * ```
   */
  async trackRequest<T>(options: TrackRequestOptions, fn: (req: RequestScope) => T | PromiseLike<T>): Promise<T> {
    if (typeof fn !== 'function') throw new TypeError('trackRequest needs a function');
    const profile = this.profileFor(options);
    const input = options.inputTokens === undefined ? undefined : checkInteger(options.inputTokens, 'inputTokens', 0);
    const parent = context.active();
    const conversationId =
      options.conversationId === undefined
        ? undefined
        : checkString(options.conversationId, 'conversationId', LABEL_VALUE_LENGTH);
    const span = genAiTracer().startSpan(profile.spanName, profile.spanOptions, parent);
    if (conversationId !== undefined && span.isRecording()) span.setAttribute(ATTR_CONVERSATION_ID, conversationId);
    const req = new RequestState(span, input);
    const started = performance.now();
    let error: unknown;
    let threw = false;
    try {
      return await runInSpan(span, parent, fn, req);
    } catch (thrown) {
      threw = true;
      error = thrown;
      throw thrown;
    } finally {
      const ended = performance.now();
      this.finishRequest(
        profile,
        span,
        req,
        ended,
        (ended - started) / 1000,
        threw ? errorTypeOf(error) : req.failure,
        error,
      );
    }
  }

  /**
   * Times a tool the agent runs: `fn`'s result is returned, its exception recorded and rethrown.
   * Reports `tool_calls: 1`, `tool_errors` (0 or 1) and `tool_duration_seconds`, and the same under
   * `tools[name]` so the platform counts calls by tool name; with an OpenTelemetry SDK, `fn` runs
   * inside an `execute_tool {name}` span. `name` (1..256 characters) becomes a label value: keep it
   * to a fixed set (function names, prompt templates), never ids or arguments.
   */
  recordToolCall<T>(name: string, fn: () => T | PromiseLike<T>): Promise<T>;
  /** Records a tool call that already happened (its span is back-dated by `durationSeconds`). */
  recordToolCall(name: string, sample: ToolCallSample): void;
  recordToolCall<T>(name: string, call: (() => T | PromiseLike<T>) | ToolCallSample): Promise<T> | void {
    const tool = checkString(name, 'tool name', LABEL_VALUE_LENGTH);
    if (typeof call === 'function') return this.timeToolCall(tool, call);
    if (typeof call !== 'object' || call === null)
      throw new TypeError('recordToolCall needs a function or { durationSeconds, error? }');
    const duration = checkNumber(call.durationSeconds, 'durationSeconds', 0);
    if (
      call.error !== undefined &&
      typeof call.error !== 'boolean' &&
      (typeof call.error !== 'string' || call.error === '')
    ) {
      throw new TypeError(`error must be a boolean or a non-empty string, got ${String(call.error)}`);
    }
    const errorType = call.error === true ? '_OTHER' : call.error || undefined;
    const startTime = Date.now() - duration * 1000;
    const span = genAiTracer().startSpan(
      `execute_tool ${tool}`,
      this.toolSpanOptions(tool, startTime),
      context.active(),
    );
    this.finishToolCall(span, tool, duration, errorType, undefined);
  }

  /**
   * Hands work to another agent: runs `fn(headers)` inside an `invoke_agent {toAgentId}` client span,
   * with `headers` holding the W3C trace context (`traceparent`, `tracestate`) to send along, so the
   * other agent's spans join the same trace (it calls `extract(headers)`). Measures the latency and
   * outcome, reports the edge to `/v1/interactions` through the Fleet, and returns or rethrows what
   * `fn` does.
   *
   * Trace context goes through the global propagator of `@opentelemetry/api`: the host application
   * must register the W3C one (the OpenTelemetry NodeSDK does by default); without an SDK `headers`
   * stays empty and the edge is still reported.
   */
  async delegate<T>(
    toAgentId: string,
    kind: InteractionKind,
    fn: (headers: Record<string, string>) => T | PromiseLike<T>,
  ): Promise<T> {
    const to = checkAgentId(toAgentId, 'toAgentId');
    checkInteractionKind(kind);
    if (typeof fn !== 'function') throw new TypeError('delegate needs a function');
    const parent = context.active();
    const span = genAiTracer().startSpan(
      `invoke_agent ${to}`,
      {
        kind: SpanKind.CLIENT,
        // gen_ai.agent.* of a CLIENT invoke_agent span describe the agent invoked: its id (its name is not known here).
        attributes: {
          [ATTR_OPERATION_NAME]: 'invoke_agent',
          ...(this.provider !== undefined ? { [ATTR_PROVIDER_NAME]: this.provider } : {}),
          [ATTR_AGENT_ID]: to,
          [ATTR_INTERACTION_KIND]: kind,
          [ATTR_CALLER_AGENT_ID]: this.agentId,
        },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    const headers = inject<Record<string, string>>({}, ctx);
    const started = performance.now();
    let outcome: InteractionOutcome = 'error';
    try {
      const result = await context.with(ctx, fn, undefined, headers);
      outcome = 'success';
      return result;
    } catch (error) {
      if (span.isRecording()) markSpanFailed(span, errorTypeOf(error), error);
      throw error;
    } finally {
      const latencySeconds = (performance.now() - started) / 1000;
      span.end();
      this.emitInteraction(to, kind, outcome, latencySeconds, sampledIds(span.spanContext()));
    }
  }

  /**
   * Reports an interaction by hand (a message sent, a tool's work handed over); delegate() reports
   * its own. Trace ids default to the active span's when it is sampled.
   */
  recordInteraction(sample: InteractionSample): void {
    if (typeof sample !== 'object' || sample === null)
      throw new TypeError('recordInteraction needs { to, kind, latencySeconds, outcome? }');
    const to = checkAgentId(sample.to, 'to');
    checkInteractionKind(sample.kind);
    const outcome = sample.outcome ?? 'success';
    if (!INTERACTION_OUTCOMES.has(outcome))
      throw new TypeError(`outcome must be success or error, got ${JSON.stringify(outcome)}`);
    const latencySeconds = checkNumber(sample.latencySeconds, 'latencySeconds', 0);
    let ids: TraceIds | undefined;
    if (sample.traceId !== undefined || sample.spanId !== undefined) {
      if (typeof sample.traceId !== 'string' || !TRACE_ID.test(sample.traceId))
        throw new TypeError('traceId must be 32 lowercase hex digits');
      if (typeof sample.spanId !== 'string' || !SPAN_ID.test(sample.spanId))
        throw new TypeError('spanId must be 16 lowercase hex digits');
      ids = { traceId: sample.traceId, spanId: sample.spanId };
    } else {
      const active = trace.getSpan(context.active());
      ids = active ? sampledIds(active.spanContext()) : undefined;
    }
    this.emitInteraction(to, sample.kind, outcome, latencySeconds, ids);
  }

  /**
   * Writes the active trace context into `headers` (`traceparent`, `tracestate`) and returns them: for
   * agent-to-agent calls made outside delegate(). Needs the host's W3C propagator, like delegate().
   */
  inject<H extends Record<string, string>>(headers: H): H & TraceHeaders {
    return inject(headers);
  }

  /**
   * One handled request; throws a TypeError naming the field when a number is not finite and ≥ 0,
   * or when a count (tokens, tool calls) is not a whole number.
   */
  recordRequest(sample: RequestSample): void {
    const metrics: ReportMetrics = {
      response_time_seconds: checkNumber(sample.latencySeconds, 'latencySeconds', 0),
      requests: 1,
      errors: checkError(sample.error) ? 1 : 0,
    };
    if (sample.inputTokens !== undefined) metrics.input_tokens = checkInteger(sample.inputTokens, 'inputTokens', 0);
    if (sample.outputTokens !== undefined) metrics.output_tokens = checkInteger(sample.outputTokens, 'outputTokens', 0);
    if (sample.costUsd !== undefined) metrics.cost_usd = checkNumber(sample.costUsd, 'costUsd', 0);
    if (sample.toolCalls !== undefined) metrics.tool_calls = checkInteger(sample.toolCalls, 'toolCalls', 0);
    this.emit(metrics, undefined);
  }

  /** Resource usage; cpuPercent may exceed 100 on several cores. Nothing is sent when both are absent. */
  recordResources(sample: ResourceSample): void {
    const metrics: ReportMetrics = {};
    let any = false;
    if (sample.cpuPercent !== undefined) {
      metrics.cpu_percent = checkNumber(sample.cpuPercent, 'cpuPercent', 0);
      any = true;
    }
    if (sample.memoryBytes !== undefined) {
      metrics.memory_bytes = checkNumber(sample.memoryBytes, 'memoryBytes', 0);
      any = true;
    }
    if (any) this.emit(metrics, undefined);
  }

  /**
   * Quality scores, each a finite number in [0, 1] (never clamped: a TypeError names the bad field).
   * Custom names must be snake_case (≤ 64 characters). Undefined values are skipped; 1 to 32 scores.
   */
  reportQuality(scores: QualityScores): void {
    if (typeof scores !== 'object' || scores === null) throw new TypeError('quality scores must be an object');
    const quality: ReportQuality = {};
    let count = 0;
    for (const name of Object.keys(scores)) {
      const value = scores[name];
      if (value === undefined) continue;
      if (!NAME.test(name))
        throw new TypeError(`quality score name ${JSON.stringify(name)} must be snake_case of at most 64 characters`);
      quality[name] = checkNumber(value, name, 0, 1);
      count++;
    }
    if (count === 0) throw new TypeError('reportQuality needs at least one score');
    if (count > MAX_QUALITY_SCORES)
      throw new TypeError(`reportQuality takes at most ${MAX_QUALITY_SCORES} scores, got ${count}`);
    this.emit(undefined, quality);
  }

  /** Stops the heartbeat; flushes and closes the Fleet if this monitor owns it. Later reports are ignored. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.heartbeat);
    this.heartbeat = undefined;
    if (this.ownsFleet) await this.fleet.close();
  }

  /** The monitor's own (operation, model, provider) are cached; anything else is built per call. */
  private profileFor(options: TrackRequestOptions): OperationProfile {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('trackRequest needs options ({} for none)');
    const operation = options.operation ?? 'chat';
    if (!OPERATIONS.has(operation))
      throw new TypeError(`operation must be one of ${GEN_AI_OPERATIONS.join(', ')}, got ${JSON.stringify(operation)}`);
    if (operation === 'execute_tool')
      throw new TypeError('execute_tool spans need gen_ai.tool.name: use recordToolCall(name, fn)');
    if (options.model === undefined && options.provider === undefined) {
      let profile = this.profiles.get(operation);
      if (profile === undefined) {
        profile = buildOperationProfile(this.owner, operation, this.model, this.provider);
        this.profiles.set(operation, profile);
      }
      return profile;
    }
    const model = options.model === undefined ? this.model : checkString(options.model, 'model', IDENTITY_LENGTH);
    const provider =
      options.provider === undefined
        ? model === this.model
          ? this.provider
          : this.pricing.lookup(model)?.provider
        : checkString(options.provider, 'provider', IDENTITY_LENGTH);
    return buildOperationProfile(this.owner, operation, model, provider);
  }

  private finishRequest(
    profile: OperationProfile,
    span: Span,
    req: RequestState,
    ended: number,
    latencySeconds: number,
    errorType: string | undefined,
    error: unknown,
  ): void {
    const { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens } = req;
    const metrics: ReportMetrics = {
      response_time_seconds: latencySeconds,
      requests: 1,
      errors: errorType === undefined ? 0 : 1,
    };
    if (inputTokens !== undefined) metrics.input_tokens = inputTokens;
    if (outputTokens !== undefined) metrics.output_tokens = outputTokens;
    if (cacheReadTokens !== undefined) metrics[TOKEN_METRIC_NAMES.cacheRead] = cacheReadTokens;
    if (cacheWriteTokens !== undefined) metrics[TOKEN_METRIC_NAMES.cacheWrite] = cacheWriteTokens;
    if (reasoningTokens !== undefined) metrics[TOKEN_METRIC_NAMES.reasoning] = reasoningTokens;
    if (profile.price !== undefined && (inputTokens !== undefined || outputTokens !== undefined)) {
      metrics.cost_usd = costOfUsage(profile.price, {
        inputTokens: inputTokens ?? 0,
        outputTokens: outputTokens ?? 0,
        cacheReadTokens: cacheReadTokens ?? 0,
        cacheWriteTokens: cacheWriteTokens ?? 0,
      });
    }
    this.emit(metrics, undefined, ended);

    // Attribute work only for spans an SDK records (the API's no-op span ignores it anyway).
    if (span.isRecording()) {
      if (req.responseModel !== undefined) span.setAttribute(ATTR_RESPONSE_MODEL, req.responseModel);
      if (inputTokens !== undefined) span.setAttribute(ATTR_USAGE_INPUT_TOKENS, inputTokens);
      if (outputTokens !== undefined) span.setAttribute(ATTR_USAGE_OUTPUT_TOKENS, outputTokens);
      if (cacheReadTokens !== undefined) span.setAttribute(ATTR_USAGE_CACHE_READ_TOKENS, cacheReadTokens);
      if (cacheWriteTokens !== undefined) span.setAttribute(ATTR_USAGE_CACHE_CREATION_TOKENS, cacheWriteTokens);
      if (reasoningTokens !== undefined) span.setAttribute(ATTR_USAGE_REASONING_TOKENS, reasoningTokens);
      if (errorType !== undefined) markSpanFailed(span, errorType, error);
    }
    span.end();

    const instruments = genAiInstruments();
    if (!profile.modelCall) {
      // An agent's own operation is no model call: its own duration, nothing in gen_ai.client.*.
      if (profile.operation === 'invoke_agent')
        instruments.invokeAgentDuration.record(latencySeconds, agentOperationAttributes(profile, errorType));
      return;
    }
    if (errorType === undefined && req.responseModel === undefined) {
      instruments.operationDuration.record(latencySeconds, profile.succeeded);
      if (inputTokens !== undefined) instruments.tokenUsage.record(inputTokens, profile.inputTokens);
      if (outputTokens !== undefined) instruments.tokenUsage.record(outputTokens, profile.outputTokens);
      return;
    }
    const { operation, provider, model } = profile;
    instruments.operationDuration.record(
      latencySeconds,
      operationAttributes(operation, provider, model, req.responseModel, errorType),
    );
    // error.type belongs to the duration only.
    const tokenAttributes = operationAttributes(operation, provider, model, req.responseModel, undefined);
    if (inputTokens !== undefined)
      instruments.tokenUsage.record(inputTokens, { ...tokenAttributes, [ATTR_TOKEN_TYPE]: 'input' });
    if (outputTokens !== undefined)
      instruments.tokenUsage.record(outputTokens, { ...tokenAttributes, [ATTR_TOKEN_TYPE]: 'output' });
  }

  private async timeToolCall<T>(tool: string, fn: () => T | PromiseLike<T>): Promise<T> {
    const parent = context.active();
    const span = genAiTracer().startSpan(`execute_tool ${tool}`, this.toolSpanOptions(tool, undefined), parent);
    const started = performance.now();
    let error: unknown;
    let threw = false;
    try {
      return await runInSpan(span, parent, fn, undefined);
    } catch (thrown) {
      threw = true;
      error = thrown;
      throw thrown;
    } finally {
      this.finishToolCall(
        span,
        tool,
        (performance.now() - started) / 1000,
        threw ? errorTypeOf(error) : undefined,
        error,
      );
    }
  }

  private toolSpanOptions(tool: string, startTime: number | undefined): SpanOptions {
    const options: SpanOptions = {
      kind: SpanKind.INTERNAL,
      attributes: {
        [ATTR_OPERATION_NAME]: 'execute_tool',
        [ATTR_TOOL_NAME]: tool,
        [ATTR_AGENT_ID]: this.agentId,
        [ATTR_AGENT_NAME]: this.name,
      },
    };
    if (startTime !== undefined) options.startTime = startTime;
    return options;
  }

  private finishToolCall(
    span: Span,
    tool: string,
    durationSeconds: number,
    errorType: string | undefined,
    error: unknown,
  ): void {
    const errors = errorType === undefined ? 0 : 1;
    const usage: ToolUsage = { calls: 1, errors, durationSeconds };
    // The totals for the agent's windows, the breakdown by name for the fleet's per-tool counters.
    this.emit(
      { tool_calls: 1, tool_errors: errors, tool_duration_seconds: durationSeconds },
      undefined,
      performance.now(),
      { [tool]: usage },
    );
    if (errorType !== undefined && span.isRecording()) markSpanFailed(span, errorType, error);
    span.end();
    // Tool names are a fixed set (see recordToolCall): a bounded attribute.
    const attributes: Record<string, string> = { [ATTR_OPERATION_NAME]: 'execute_tool', [ATTR_TOOL_NAME]: tool };
    if (errorType !== undefined) attributes[ATTR_ERROR_TYPE] = errorType;
    genAiInstruments().executeToolDuration.record(durationSeconds, attributes);
  }

  private emitInteraction(
    to: string,
    kind: InteractionKind,
    outcome: InteractionOutcome,
    latencySeconds: number,
    ids: TraceIds | undefined,
  ): void {
    if (this.closed) return;
    const interaction: Interaction = {
      from: this.agentId,
      to,
      kind,
      outcome,
      latencySeconds,
      timestamp: Math.floor(this.now()),
    };
    if (ids !== undefined) {
      interaction.traceId = ids.traceId;
      interaction.spanId = ids.spanId;
    }
    this.fleet.recordInteraction(interaction);
  }

  /** `monotonicNow`: a performance.now() the caller already has (a clock read costs ~50 ns, measured). */
  private emit(
    metrics: ReportMetrics | undefined,
    quality: ReportQuality | undefined,
    monotonicNow = performance.now(),
    tools?: Readonly<Record<string, ToolUsage>>,
  ): void {
    if (this.closed) return;
    this.lastReportAt = monotonicNow;
    // One object shape for every report; JSON leaves the undefined fields out.
    const report: Report = {
      agentId: this.agentId,
      // The server wants whole milliseconds; a custom clock may return fractions.
      timestamp: Math.floor(this.now()),
      model: this.model,
      pool: this.pool,
      type: this.type,
      labels: this.labels,
      metrics,
      quality,
      tools,
    };
    this.fleet.record(report);
  }

  /** The next check runs when the agent would have been quiet for a full interval. */
  private scheduleHeartbeat(delayMs: number): void {
    this.heartbeat = setTimeout(this.beat, delayMs);
    this.heartbeat.unref();
  }

  private readonly beat = (): void => {
    if (this.closed) return;
    const quietMs = performance.now() - this.lastReportAt;
    // 1 ms of slack: timers and the clock round differently.
    if (quietMs >= this.heartbeatIntervalMs - 1) {
      this.emit({ requests: 0 }, undefined);
      this.scheduleHeartbeat(this.heartbeatIntervalMs);
    } else {
      this.scheduleHeartbeat(this.heartbeatIntervalMs - quietMs);
    }
  };
}

/** Metric attributes of an agent's own operation (low cardinality: the agent's name, not its id). */
function agentOperationAttributes(profile: OperationProfile, errorType: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = { [ATTR_OPERATION_NAME]: profile.operation };
  if (profile.provider !== undefined) attributes[ATTR_PROVIDER_NAME] = profile.provider;
  if (errorType !== undefined) attributes[ATTR_ERROR_TYPE] = errorType;
  return attributes;
}

function checkAgentId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !AGENT_ID.test(value)) {
    throw new TypeError(`${field} must be 1 to 128 characters of [A-Za-z0-9._:-], got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkInteractionKind(kind: unknown): void {
  if (typeof kind !== 'string' || !INTERACTION_KINDS.has(kind)) {
    throw new TypeError(`kind must be one of delegation, message, tool_handoff, got ${JSON.stringify(kind)}`);
  }
}

function checkError(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(`error must be a boolean, got ${String(value)}`);
  return value;
}

function checkLabels(labels: unknown): Readonly<Record<string, string>> | undefined {
  if (labels === undefined) return undefined;
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    throw new TypeError('AgentMonitorOptions.labels must be an object of strings');
  }
  const entries = Object.entries(labels);
  if (entries.length > MAX_LABELS)
    throw new TypeError(`AgentMonitorOptions.labels holds at most ${MAX_LABELS} labels, got ${entries.length}`);
  const copy: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (name.length > LABEL_NAME_LENGTH) {
      throw new TypeError(
        `AgentMonitorOptions.labels: name ${JSON.stringify(name)} is longer than ${LABEL_NAME_LENGTH} characters`,
      );
    }
    if (typeof value !== 'string' || value.length > LABEL_VALUE_LENGTH) {
      throw new TypeError(
        `AgentMonitorOptions.labels.${name} must be a string of at most ${LABEL_VALUE_LENGTH} characters`,
      );
    }
    copy[name] = value;
  }
  // No labels: leave the field out of reports altogether.
  return Object.keys(copy).length > 0 ? Object.freeze(copy) : undefined;
}
