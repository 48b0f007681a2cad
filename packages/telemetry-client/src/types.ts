import type { FleetError } from './errors';
import type { Fleet } from './fleet';

/**
 * Metric samples of one report. Names are snake_case in base units (seconds, bytes, percent, USD);
 * every number is one sample. Names beyond the well-known ones are allowed.
 */
export interface ReportMetrics {
  response_time_seconds?: number;
  cpu_percent?: number;
  memory_bytes?: number;
  input_tokens?: number;
  output_tokens?: number;
  requests?: number;
  errors?: number;
  cost_usd?: number;
  tool_calls?: number;
  [name: string]: number | undefined;
}

/** Quality scores of one report, each in [0, 1]. Names beyond the well-known ones are allowed. */
export interface ReportQuality {
  accuracy?: number;
  coherence?: number;
  efficiency?: number;
  adaptability?: number;
  [name: string]: number | undefined;
}

/** One entry of `POST /v1/ingest` `{"reports": [...]}`. */
export interface Report {
  agentId: string;
  /** Epoch milliseconds; the server uses its own clock when absent. */
  timestamp?: number;
  /** model/pool/type register an agent the server has not seen yet. */
  model?: string;
  pool?: string;
  type?: string;
  /** Free-form agent labels (sent only when the agent has some). */
  labels?: Readonly<Record<string, string>>;
  metrics?: ReportMetrics;
  quality?: ReportQuality;
}

/** One refusal listed in a 200 answer. */
export interface IngestError {
  /** Index of the refused report within the posted body. */
  index: number;
  /** Where the problem is, e.g. `reports.3.metrics.cpu_percent`. */
  path: string;
  message: string;
}

/** The 200 answer of `POST /v1/ingest`. */
export interface IngestResponse {
  accepted: number;
  rejected: number;
  samples: number;
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
  /** Reports per POST, 1..5000 (server limit); default 1000. */
  batchSize?: number;
  /** Partial batches are sent at least this often; default 1000. */
  flushIntervalMs?: number;
  /** Reports waiting to be sent; beyond it the oldest are dropped. Default 100 000. */
  maxQueue?: number;
  /** Concurrent POSTs (and pooled connections); default 4. */
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

/**
 * Exact counters. Invariant: `recorded === queued + inFlight + sent + rejected + dropped`.
 */
export interface FleetStats {
  /** Every record() call, including the ones after close(). */
  recorded: number;
  /** Reports waiting in the queue. */
  queued: number;
  /** Reports taken into batches not yet settled (being posted or waiting for a retry). */
  inFlight: number;
  /** Reports the server acknowledged as accepted. */
  sent: number;
  /** Reports the server refused (or that could not be encoded): never retried. */
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

export interface AgentMonitorOptions {
  /** 1..128 characters of [A-Za-z0-9._:-]. */
  agentId: string;
  model: string;
  /** Default 'general'. */
  type?: string;
  /** Default 'default'. */
  pool?: string;
  labels?: Readonly<Record<string, string>>;
  /** Where to report when no fleet is given (the monitor then owns a Fleet it closes). */
  endpoint?: string;
  apiKey?: string;
  /** Shared carrier of many monitors; the monitor never closes it. */
  fleet?: Fleet;
  /** A `requests: 0` report is sent after this long without any report; 0 disables. Default 10 000. */
  heartbeatIntervalMs?: number;
  /** Clock for report timestamps (epoch ms); default Date.now. */
  now?: () => number;
}
