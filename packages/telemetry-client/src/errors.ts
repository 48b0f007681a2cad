import type { IngestError } from './types';

/**
 * What happened to some reports, handed to `FleetOptions.onError`:
 * - `rejected`: the server (or the encoder) refused them; they are counted and never retried;
 * - `retry`: a POST failed in a retryable way; the batch is posted again after `delayMs`;
 * - `dropped`: they are lost (queue full, retries exhausted, left at close).
 */
export type FleetErrorKind = 'rejected' | 'retry' | 'dropped';

export interface FleetErrorDetails {
  /** Reports concerned (for a full queue: the first one; the count is in stats().dropped). */
  reports: number;
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
  readonly reports: number;
  readonly status?: number;
  readonly attempt?: number;
  readonly delayMs?: number;
  readonly errors?: IngestError[];

  constructor(kind: FleetErrorKind, message: string, details: FleetErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.reports = details.reports;
    this.status = details.status;
    this.attempt = details.attempt;
    this.delayMs = details.delayMs;
    this.errors = details.errors;
  }
}
