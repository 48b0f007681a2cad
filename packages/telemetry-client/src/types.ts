import type { Span } from '@opentelemetry/api';
import type {
  AgentRecord as ProtocolAgentRecord,
  InteractionKind,
  InteractionOutcome,
  ReportQuality,
} from '@swarmscope/protocol';
import type { FleetError, IngestError } from './errors';
import type { GenAiOperationName } from './gen-ai-telemetry';

// The wire types are the protocol's (types only: nothing of it runs in the SDK).
export type { Report, ReportMetrics, ReportQuality, ToolUsage } from '@swarmscope/protocol';
export type { IngestError };

/** The 200 answer of `POST /v1/ingest`. */
export interface IngestResponse {
  accepted: number;
  rejected: number;
  samples: number;
  errors: IngestError[];
}

export type { Interaction, InteractionKind, InteractionOutcome } from '@swarmscope/protocol';

/** The 200 answer of `POST /v1/interactions`. */
export interface InteractionResponse {
  accepted: number;
  rejected: number;
  errors: IngestError[];
}

export interface BackoffOptions {
  /** First retry waits up to this long (full jitter); default 200. */
  baseMs?: number;
  /** No wait between attempts exceeds this, Retry-After included; default 30 000. */
  maxMs?: number;
}

export interface FleetOptions {
  /** Base URL of the health-monitor, e.g. `http://127.0.0.1:4318`; `/v1/ingest` is appended to its path. */
  endpoint: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Reports per POST, 1..5000 (server limit); default 256 (see DEFAULT_BATCH_SIZE). */
  batchSize?: number;
  /** Partial batches are sent at least this often; default 1000. */
  flushIntervalMs?: number;
  /** Reports waiting to be sent; beyond it the oldest are dropped. Default 100 000. */
  maxQueue?: number;
  /** Interactions waiting to be sent (their own queue); beyond it the oldest are dropped. Default 10 000. */
  maxInteractionQueue?: number;
  /** Concurrent POSTs (and pooled connections) per channel, reports and interactions; default 4. */
  maxInFlight?: number;
  /** Retries of one batch before its reports are dropped; default 8. */
  maxRetries?: number;
  backoff?: BackoffOptions;
  /** Default 'none': gzip costs about as much CPU as the JSON encoding and pays off over slow links. */
  compression?: 'none' | 'gzip';
  /** One POST, connect to answer; default 10 000. */
  requestTimeoutMs?: number;
  /** Told about refusals, retries and drops; never throws into the Fleet (exceptions are swallowed). */
  onError?: (error: FleetError) => void;
}

export interface CloseOptions {
  /** How long close() keeps trying to deliver before dropping what is left; default 5000. */
  timeoutMs?: number;
}

export interface FlushOptions {
  /**
   * Resolve after this long even if items are still waiting (they stay queued and keep being
   * retried). Default: no limit, which lasts as long as the retries while the endpoint is down.
   */
  timeoutMs?: number;
}

/**
 * Exact counters of one channel (reports or interactions).
 * Invariant: `recorded === queued + inFlight + sent + rejected + dropped`.
 */
export interface DeliveryStats {
  /** Every record call, including the ones after close(). */
  recorded: number;
  /** Items waiting in the queue. */
  queued: number;
  /** Items taken into batches not yet settled (being posted or waiting for a retry). */
  inFlight: number;
  /** Items the server acknowledged as accepted. */
  sent: number;
  /** Items the server refused (or that could not be encoded): never retried. */
  rejected: number;
  /** Queue overflow + retries exhausted + left at close + recorded after close. */
  dropped: number;
  /** Retry attempts (each re-post of a batch after a failure). */
  retries: number;
  /** POSTs answered with 2xx. */
  batchesSent: number;
  lastError?: string;
  /** Epoch ms of the last 2xx answer. */
  lastSuccessAt?: number;
}

/** The reports' counters at the top level (record()), the interactions' in their own block (recordInteraction()). */
export interface FleetStats extends DeliveryStats {
  interactions: DeliveryStats;
}

/** One call's worth of an agent's work. */
export interface RequestSample {
  latencySeconds: number;
  inputTokens?: number;
  outputTokens?: number;
  error?: boolean;
  costUsd?: number;
  toolCalls?: number;
}

export interface ResourceSample {
  cpuPercent?: number;
  memoryBytes?: number;
}

/** Scores in [0, 1]; custom names must be snake_case. */
export type QualityScores = ReportQuality;

/** What trackRequest() measures. */
export interface TrackRequestOptions {
  /** Prompt tokens, when known before the call (else set them through `req`). */
  inputTokens?: number;
  /** `gen_ai.operation.name`; default `chat`. */
  operation?: GenAiOperationName;
  /** `gen_ai.provider.name`; default the monitor's. */
  provider?: string;
  /** The model of this call when it is not the monitor's (for spans and cost). */
  model?: string;
  /** `gen_ai.conversation.id`: the session or thread this call belongs to (span attribute only). */
  conversationId?: string;
}

/** Usage of one call, as the model's answer reports it. */
export interface TokenUsage {
  /** All input tokens, cached ones included (`gen_ai.usage.input_tokens`). */
  inputTokens?: number;
  /** All output tokens, reasoning included (`gen_ai.usage.output_tokens`). */
  outputTokens?: number;
  /** Input tokens read from the provider's prompt cache (`gen_ai.usage.cache_read.input_tokens`). */
  cacheReadInputTokens?: number;
  /** Input tokens written to the prompt cache (`gen_ai.usage.cache_creation.input_tokens`). */
  cacheCreationInputTokens?: number;
  /** Output tokens spent reasoning (`gen_ai.usage.reasoning.output_tokens`). */
  reasoningOutputTokens?: number;
}

/**
 * The request being tracked, handed to trackRequest()'s function: what is known only once the model
 * answered. Setters throw a TypeError for a count that is not a whole number ≥ 0.
 */
export interface RequestScope {
  /** The request's span (a non-recording one without an OpenTelemetry SDK): add attributes or events. */
  readonly span: Span;
  setInputTokens(tokens: number): void;
  setOutputTokens(tokens: number): void;
  /** Sets the counts given; leaves the others. */
  setUsage(usage: TokenUsage): void;
  /** `gen_ai.response.model`, when the answer names a model other than the requested one. */
  setResponseModel(model: string): void;
  /**
   * Marks the request failed without throwing (a refusal, a filtered answer, a handled timeout): it counts
   * as an error, and the span gets `error.type` = `reason` — keep it short and low-cardinality
   * (`rate_limited`, `content_filter`, `timeout`).
   */
  fail(reason: string): void;
}

/** A tool call that already happened (for recordToolCall without a function). */
export interface ToolCallSample {
  /** ≥ 0. */
  durationSeconds: number;
  /** true, or an `error.type` such as `timeout`: the call failed. */
  error?: boolean | string;
}

/** An interaction reported by hand (delegate() reports its own). */
export interface InteractionSample {
  /** The other agent's id. */
  to: string;
  kind: InteractionKind;
  /** Default `success`. */
  outcome?: InteractionOutcome;
  latencySeconds: number;
  /** Default: the active span's, when it is sampled. */
  traceId?: string;
  spanId?: string;
}

/** An agent as the health-monitor answers `POST /agents/:id/register` (protocol's record; a newer server may add statuses). */
export interface AgentRecord extends Omit<ProtocolAgentRecord, 'status'> {
  status: ProtocolAgentRecord['status'] | (string & {});
}

/** The 200 answer of `POST /agents/:id/metrics`. */
export interface MetricsResponse {
  accepted: number;
  samples: number;
}

/** Options of the one-off calls. */
export interface QuickCallOptions {
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Connect to answer; default 10 000. */
  timeoutMs?: number;
}

/** The agent's identity for quickRegisterAgent. */
export interface AgentIdentity {
  model: string;
  type?: string;
  pool?: string;
  labels?: Readonly<Record<string, string>>;
}
