import {
  context,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  metrics,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Histogram,
  type MeterProvider,
  type Span,
  type SpanContext,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { VERSION } from './version';

/**
 * The OpenTelemetry GenAI semantic conventions this package emits (spans and client metrics), through
 * `@opentelemetry/api` only: the application owns the SDK, its exporters and its sampling. With no SDK
 * registered every call below is the API's no-op.
 */

/** Instrumentation scope of the spans and metrics. */
export const INSTRUMENTATION_SCOPE = '@swarmscope/telemetry-client';

/** `gen_ai.operation.name` values of the conventions. */
export type GenAiOperationName =
  'chat' | 'text_completion' | 'generate_content' | 'embeddings' | 'invoke_agent' | 'create_agent' | 'execute_tool';

export const GEN_AI_OPERATIONS: readonly GenAiOperationName[] = [
  'chat',
  'text_completion',
  'generate_content',
  'embeddings',
  'invoke_agent',
  'create_agent',
  'execute_tool',
];

/** Operations that call a model: their spans are CLIENT spans and they feed the gen_ai.client.* metrics. */
export const MODEL_CALL_OPERATIONS: ReadonlySet<GenAiOperationName> = new Set([
  'chat',
  'text_completion',
  'generate_content',
  'embeddings',
]);

// Attribute names, spelled as in the conventions (semconv 1.37+; gen_ai.system, the older name of
// gen_ai.provider.name, is no longer emitted).
export const ATTR_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_CONVERSATION_ID = 'gen_ai.conversation.id';
export const ATTR_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_AGENT_ID = 'gen_ai.agent.id';
export const ATTR_AGENT_NAME = 'gen_ai.agent.name';
export const ATTR_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_USAGE_CACHE_READ_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_USAGE_CACHE_CREATION_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
export const ATTR_USAGE_REASONING_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
export const ATTR_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_TOKEN_TYPE = 'gen_ai.token.type';
export const ATTR_ERROR_TYPE = 'error.type';
/**
 * Swarmscope's own until the conventions adopt one: the kind of an agent-to-agent interaction, and the agent that
 * started it, named where their draft puts the caller (gen_ai.caller.*).
 */
export const ATTR_INTERACTION_KIND = 'swarmscope.interaction.kind';
export const ATTR_CALLER_AGENT_ID = 'swarmscope.caller.agent.id';

/**
 * Report metric names of the token kinds a window has no field of its own for (the OTLP receiver uses the same):
 * samples of their agent, averaged per report.
 */
export const TOKEN_METRIC_NAMES = {
  cacheRead: 'cache_read_tokens',
  cacheWrite: 'cache_write_tokens',
  reasoning: 'reasoning_tokens',
} as const;

export const METRIC_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_OPERATION_DURATION = 'gen_ai.client.operation.duration';
/** Agent invocations and tool executions have durations of their own, not counted as model calls. */
export const METRIC_INVOKE_AGENT_DURATION = 'gen_ai.invoke_agent.duration';
export const METRIC_EXECUTE_TOOL_DURATION = 'gen_ai.execute_tool.duration';

// Bucket boundaries the conventions advise for the two histograms.
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

export interface GenAiInstruments {
  /** `gen_ai.client.token.usage`, `{token}`, one record per token type. */
  tokenUsage: Histogram;
  /** `gen_ai.client.operation.duration`, seconds: model calls only. */
  operationDuration: Histogram;
  /** `gen_ai.invoke_agent.duration`, seconds. */
  invokeAgentDuration: Histogram;
  /** `gen_ai.execute_tool.duration`, seconds. */
  executeToolDuration: Histogram;
}

// Cached per global provider, so an SDK registered (or replaced) after this module loaded is
// picked up, and the steady state costs one global lookup and a comparison.
let tracerProvider: TracerProvider | undefined;
let tracer: Tracer | undefined;
let meterProvider: MeterProvider | undefined;
let instruments: GenAiInstruments | undefined;

/** The package's tracer from the global provider (a no-op one until the host registers an SDK). */
export function genAiTracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (provider !== tracerProvider || tracer === undefined) {
    tracer = provider.getTracer(INSTRUMENTATION_SCOPE, VERSION);
    tracerProvider = provider;
  }
  return tracer;
}

/** The two GenAI client histograms from the global meter provider. */
export function genAiInstruments(): GenAiInstruments {
  // Unlike traces, the metrics API has no proxy: a meter taken before the SDK is registered stays a no-op.
  const provider = metrics.getMeterProvider();
  if (provider !== meterProvider || instruments === undefined) {
    const meter = provider.getMeter(INSTRUMENTATION_SCOPE, VERSION);
    instruments = {
      tokenUsage: meter.createHistogram(METRIC_TOKEN_USAGE, {
        description: 'Number of input and output tokens used',
        unit: '{token}',
        advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
      }),
      operationDuration: meter.createHistogram(METRIC_OPERATION_DURATION, {
        description: 'GenAI operation duration',
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      }),
      invokeAgentDuration: meter.createHistogram(METRIC_INVOKE_AGENT_DURATION, {
        description: 'Duration of an agent invocation',
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      }),
      executeToolDuration: meter.createHistogram(METRIC_EXECUTE_TOOL_DURATION, {
        description: 'Duration of a tool execution',
        unit: 's',
        advice: { explicitBucketBoundaries: DURATION_BUCKETS },
      }),
    };
    meterProvider = provider;
  }
  return instruments;
}

/**
 * Marks a span failed: `error.type` (the exception's class name, or the caller's reason), status ERROR
 * and, for an exception, an `exception` event. Only for recording spans.
 */
export function markSpanFailed(span: Span, errorType: string, error?: unknown): void {
  span.setAttribute(ATTR_ERROR_TYPE, errorType);
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
  }
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : errorType });
}

/** `error.type` of a thrown value: its class name (`TypeError`, `RateLimitError`), or `_OTHER`. */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error)
    return error.name && error.name !== 'Error' ? error.name : error.constructor?.name || 'Error';
  return '_OTHER';
}

/** Metric attributes of one operation (low cardinality: no agent id). */
export function operationAttributes(
  operation: GenAiOperationName,
  provider: string | undefined,
  requestModel: string,
  responseModel: string | undefined,
  errorType: string | undefined,
): Attributes {
  const attributes: Attributes = { [ATTR_OPERATION_NAME]: operation, [ATTR_REQUEST_MODEL]: requestModel };
  if (provider !== undefined) attributes[ATTR_PROVIDER_NAME] = provider;
  if (responseModel !== undefined) attributes[ATTR_RESPONSE_MODEL] = responseModel;
  if (errorType !== undefined) attributes[ATTR_ERROR_TYPE] = errorType;
  return attributes;
}

/**
 * Runs `fn` with `span` active, so spans started inside (tools, HTTP clients, other agents) are its
 * children. Skipped for the API's no-op span: there is nothing to propagate, and a context costs a
 * Map copy (and ~0.2 µs more under an async context manager, measured).
 */
export function runInSpan<A, T>(
  span: Span,
  parent: Context,
  fn: (arg: A) => T | PromiseLike<T>,
  arg: A,
): T | PromiseLike<T> {
  const spanContext = span.spanContext();
  if (spanContext === INVALID_SPAN_CONTEXT || !(span.isRecording() || isSpanContextValid(spanContext))) return fn(arg);
  return context.with(trace.setSpan(parent, span), fn, undefined, arg);
}

export interface TraceIds {
  traceId: string;
  spanId: string;
}

/** Trace and span id of a sampled span (an unsampled one points at nothing a backend keeps). */
export function sampledIds(spanContext: SpanContext): TraceIds | undefined {
  if ((spanContext.traceFlags & TraceFlags.SAMPLED) === 0 || !isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}
