/** One refusal listed in a 200 answer (of `/v1/ingest` or `/v1/interactions`). */
export interface IngestError {
  /** Index of the refused item within the posted body. */
  index: number;
  /** Where the problem is, e.g. `reports.3.metrics.cpu_percent`. */
  path: string;
  message: string;
}

/** The Fleet's two channels: reports (`/v1/ingest`) and interactions (`/v1/interactions`). */
export type FleetChannel = 'reports' | 'interactions';

/**
 * What happened to some items, handed to `FleetOptions.onError`:
 * - `rejected`: the server (or the encoder) refused them; they are counted and never retried;
 * - `retry`: a POST failed in a retryable way; the batch is posted again after `delayMs`;
 * - `dropped`: they are lost (queue full, retries exhausted, left at close).
 */
export type FleetErrorKind = 'rejected' | 'retry' | 'dropped';

export interface FleetErrorDetails {
  /** Items concerned (for a full queue: the first one; the count is in stats().dropped). */
  count: number;
  /** HTTP status, when there was an answer. */
  status?: number;
  /** Retry attempt about to be made (1-based), for `retry`. */
  attempt?: number;
  /** Wait before that attempt, for `retry`. */
  delayMs?: number;
  /** The server's list of refusals, for a partial 200. */
  errors?: IngestError[];
  cause?: unknown;
}

/** An event of delivery, not a thrown error: the Fleet keeps running. */
export class FleetError extends Error {
  override readonly name = 'FleetError';
  readonly kind: FleetErrorKind;
  /** Which queue the items came from. */
  readonly channel: FleetChannel;
  /** Reports or interactions concerned. */
  readonly count: number;
  readonly status?: number;
  readonly attempt?: number;
  readonly delayMs?: number;
  readonly errors?: IngestError[];

  constructor(kind: FleetErrorKind, channel: FleetChannel, message: string, details: FleetErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.channel = channel;
    this.count = details.count;
    this.status = details.status;
    this.attempt = details.attempt;
    this.delayMs = details.delayMs;
    this.errors = details.errors;
  }
}

/**
 * Codes of the client's own failures in the one-off calls (`quickRegisterAgent`, `quickUpdateMetrics`);
 * the server's codes (`SWS_INVALID_FIELD`, `SWS_NOT_FOUND`, …) are passed through as they come.
 */
export const CLIENT_ERROR_CODES = {
  /** No answer: connection refused or reset, DNS failure. */
  SWS_CLIENT_UNREACHABLE: 'no answer from the server',
  /** No answer within `timeoutMs`. */
  SWS_CLIENT_TIMEOUT: 'the server did not answer in time',
  /** An error status without the API's JSON error body (a proxy's page, say). */
  SWS_CLIENT_BAD_RESPONSE: 'the answer is not the API’s JSON',
} as const;
export type ClientErrorCode = keyof typeof CLIENT_ERROR_CODES;

/** One problem with one field, as the server lists it. */
export interface ApiIssue {
  path: string;
  message: string;
}

/**
 * A failed one-off API call. `code` is the server's (`SWS_NOT_FOUND`, `SWS_INVALID_FIELD`, …) or,
 * when no usable answer came, one of {@link CLIENT_ERROR_CODES}; `status` is the HTTP status (absent
 * without an answer); `message` is the server's, which names the field.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: string;
  readonly status?: number;
  readonly issues: ApiIssue[];

  constructor(code: string, message: string, details: { status?: number; issues?: ApiIssue[]; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.issues = details.issues ?? [];
  }
}
