import { HttpError } from '@swarmscope/core';
import type { RequestHandler } from 'express';

/** Why an ingest request was shed: the label of `swarmscope_ingest_shed_requests_total`. */
export type ShedReason = 'in_flight' | 'bus_backlog';
export const SHED_REASONS: readonly ShedReason[] = ['in_flight', 'bus_backlog'];

export interface BusBacklog {
  /** `Bus.fullness`: how close the bus is to trimming entries its slowest reader never saw (0–1). */
  fullness: number;
  /** Reports the slowest reader has not yet read and acknowledged: how far the analysis is behind. */
  reports: number;
}

const NO_BACKLOG: BusBacklog = { fullness: 0, reports: 0 };

export interface AdmissionOptions {
  /** Ingest requests being handled at once (bodies arriving, batches waiting on the bus) beyond which new ones are shed. */
  maxInFlight: number;
  /** Bus fullness (`Bus.fullness` of the samples topic, 0–1) at which new ingest requests are shed. */
  maxBusFullness: number;
  /** Reports the slowest reader of the samples topic may owe (not yet analysed) before new ingest requests are shed. */
  maxBacklogReports: number;
  /** What `Retry-After` asks of a shed client, in seconds. */
  retryAfterSeconds: number;
  /** The samples topic's fullness and backlog in reports; read at most every `sampleEveryMs`, never awaited by a request. */
  busBacklog: () => Promise<BusBacklog>;
  sampleEveryMs: number;
  now: () => number;
  onShed: (reason: ShedReason) => void;
}

/**
 * Back-pressure instead of latency on the ingest paths: when the consumers of the bus fall behind (the embedded
 * detectors, or Redis readers in the distributed mode) or too many requests are already being handled, a new request
 * is answered 503 with `Retry-After` at once, before its body is read, and counted; the SDK waits that long. Without
 * it a slow analysis shows up as ever longer requests, and the in-memory bus trims entries its readers never saw.
 */
export class IngestAdmission {
  inFlight = 0;
  /** The last backlog read, and when. */
  private backlog = NO_BACKLOG;
  private sampledAt = Number.NEGATIVE_INFINITY;
  private sampling = false;

  constructor(private readonly options: AdmissionOptions) {}

  /** Why a request arriving now is shed, or undefined to take it. */
  refusal(): ShedReason | undefined {
    this.sampleBacklog();
    if (this.inFlight >= this.options.maxInFlight) return 'in_flight';
    if (this.backlog.reports >= this.options.maxBacklogReports || this.backlog.fullness >= this.options.maxBusFullness)
      return 'bus_backlog';
    return undefined;
  }

  /** Express middleware for the POSTs `guarded` names: counts a taken request until its answer is sent, sheds the rest. */
  middleware(guarded: (path: string) => boolean): RequestHandler {
    return (request, response, next) => {
      if (request.method !== 'POST' || !guarded(request.path)) return next();
      const reason = this.refusal();
      if (reason !== undefined) {
        this.options.onShed(reason);
        response.setHeader('Retry-After', String(this.options.retryAfterSeconds));
        return next(new HttpError('SWS_OVERLOADED', this.describe(reason)));
      }
      this.inFlight++;
      let done = false;
      const settle = () => {
        if (!done) {
          done = true;
          this.inFlight--;
        }
      };
      response.once('finish', settle);
      response.once('close', settle);
      next();
    };
  }

  private describe(reason: ShedReason): string {
    const { maxInFlight, maxBusFullness, maxBacklogReports, retryAfterSeconds } = this.options;
    const { fullness, reports } = this.backlog;
    const why =
      reason === 'in_flight'
        ? `${this.inFlight} ingest requests are being handled (INGEST_MAX_IN_FLIGHT=${maxInFlight})`
        : reports >= maxBacklogReports
          ? `the analysis is behind: its slowest reader has ${reports} reports not yet analysed (INGEST_MAX_BACKLOG_REPORTS=${maxBacklogReports})`
          : `the analysis is behind: its slowest reader has ${Math.round(fullness * 100)} % of the bus unread (INGEST_MAX_BUS_FULLNESS=${maxBusFullness})`;
    return `health-monitor is shedding load: ${why}; nothing of this request was read or kept, retry after ${retryAfterSeconds} s`;
  }

  private sampleBacklog(): void {
    const now = this.options.now();
    if (this.sampling || now - this.sampledAt < this.options.sampleEveryMs) return;
    this.sampling = true;
    this.sampledAt = now;
    this.options.busBacklog().then(
      (backlog) => {
        this.backlog = backlog;
        this.sampling = false;
      },
      // A bus that cannot answer is the publish's to report (503 SWS_UNAVAILABLE); it sheds nothing here.
      () => {
        this.backlog = NO_BACKLOG;
        this.sampling = false;
      },
    );
  }
}
