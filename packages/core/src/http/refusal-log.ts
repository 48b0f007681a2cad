import type { Logger } from 'pino';

/** Error codes that refuse a request because the service is busy: expected under load, not a fault of each request. */
export const REFUSAL_CODES: ReadonlySet<string> = new Set(['SWS_OVERLOADED', 'SWS_RATE_LIMITED']);

/** One line a code per interval at most. */
export const REFUSAL_LOG_INTERVAL_MS = 10_000;

interface Pending {
  /** Refusals of this code not yet logged. */
  count: number;
  path: string;
  message: string;
}

/**
 * Logs refused requests (back-pressure 503, rate-limit 429) without a line per request: the first refusal of a code
 * is logged at once; the ones after it within `intervalMs` are counted and logged as one line with their count when
 * the interval ends (then the next interval starts, so sustained shedding gives one line an interval). Under
 * back-pressure a busy ingest path refuses hundreds of requests a second.
 */
export class RefusalLog {
  private readonly byCode = new Map<string, Pending>();

  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly intervalMs = REFUSAL_LOG_INTERVAL_MS,
    /** Runs `flush` when an interval ends (a timer that does not keep the process alive; tests call it by hand). */
    private readonly schedule: (flush: () => void, ms: number) => void = (flush, ms) => setTimeout(flush, ms).unref(),
  ) {}

  refused(code: string, path: string, message: string): void {
    const pending = this.byCode.get(code);
    if (pending) {
      pending.count++;
      pending.path = path;
      pending.message = message;
      return;
    }
    this.logger.warn({ code, path }, message);
    this.byCode.set(code, { count: 0, path, message });
    this.schedule(() => this.flush(code), this.intervalMs);
  }

  private flush(code: string): void {
    const pending = this.byCode.get(code);
    if (!pending) return;
    if (pending.count === 0) {
      this.byCode.delete(code); // a quiet interval: the next refusal is logged at once
      return;
    }
    const seconds = this.intervalMs / 1000;
    this.logger.warn(
      { code, path: pending.path, refused: pending.count, intervalSeconds: seconds },
      `${pending.count} more requests refused (${code}) in the last ${seconds} s; the last one: ${pending.message}`,
    );
    pending.count = 0;
    this.schedule(() => this.flush(code), this.intervalMs);
  }
}
