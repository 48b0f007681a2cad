import { backoffDelay, parseRetryAfter } from './backoff';
import { encodeBatch, MAX_REPORTS_PER_BODY, messageOf } from './encode';
import { FleetError, type FleetErrorDetails, type FleetErrorKind } from './errors';
import { RingQueue } from './ring-queue';
import { IngestTransport, type PostAnswer } from './transport';
import type { CloseOptions, FleetOptions, FleetStats, IngestError, IngestResponse, Report } from './types';
import { checkApiKey, checkEndpoint, checkInteger, checkNumber } from './validate';

/** Reports taken from the queue together: they stay in memory until each one is settled. */
interface Delivery {
  /** Sequence number of its first report: flush() waits for deliveries that started before its target. */
  readonly startSeq: number;
  /** Reports not yet counted as sent, rejected or dropped. */
  pending: number;
  /** Set by close(): whatever answer comes later is ignored, the pending reports are already counted. */
  cancelled: boolean;
  request?: AbortController;
  sleep?: { timer: NodeJS.Timeout; wake: () => void };
}

/** A slice of a delivery posted as one body (a 413 splits a part in two). */
interface Part {
  reports: Report[];
  /** Retries already made. */
  attempt: number;
}

/**
 * Carries many agents' reports to one health-monitor over a pool of keep-alive connections.
 *
 * record() only queues; batches leave when `batchSize` reports wait, every `flushIntervalMs`,
 * and on flush()/close(). Memory is bounded: queued + in flight ≤ maxQueue + maxInFlight × batchSize.
 * Delivery is at least once: a batch whose answer is lost is posted again.
 */
export class Fleet {
  /** The endpoint reports go to (`/v1/ingest` is appended to its path). */
  readonly endpoint: string;

  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly maxRetries: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly compression: 'none' | 'gzip';
  private readonly requestTimeoutMs: number;
  private readonly onError?: (error: FleetError) => void;

  private readonly queue: RingQueue<Report>;
  private readonly transport: IngestTransport;
  private readonly timer: NodeJS.Timeout;
  private readonly active = new Set<Delivery>();
  private waiters: Array<{ target: number; resolve: () => void }> = [];

  // Sequence numbers: `pushed` reports have entered the queue, `left` have left it (taken or evicted).
  private pushed = 0;
  private left = 0;
  /** Partial batches are sent while `left < drainUntil` (raised by the timer and by flush()). */
  private drainUntil = 0;
  private pumpScheduled = false;
  /** The queue-full warning is given once per episode, not once per evicted report. */
  private overflowing = false;
  /** No more record(); set by close(). */
  private closed = false;
  /** No more sending; set when close() gives up on what is left. */
  private terminated = false;
  private closing?: Promise<void>;

  private recorded = 0;
  private inFlight = 0;
  private sent = 0;
  private rejected = 0;
  private dropped = 0;
  private retries = 0;
  private batchesSent = 0;
  private lastError?: string;
  private lastSuccessAt?: number;

  constructor(options: FleetOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('FleetOptions must be an object');
    const url = checkEndpoint(options.endpoint, 'FleetOptions.endpoint');
    this.endpoint = url.href;
    const apiKey = options.apiKey === undefined ? undefined : checkApiKey(options.apiKey, 'FleetOptions.apiKey');
    this.batchSize = checkInteger(options.batchSize ?? 1000, 'FleetOptions.batchSize', 1, MAX_REPORTS_PER_BODY);
    const flushIntervalMs = checkNumber(options.flushIntervalMs ?? 1000, 'FleetOptions.flushIntervalMs', 1, 2 ** 31 - 1);
    const maxQueue = checkInteger(options.maxQueue ?? 100_000, 'FleetOptions.maxQueue', 1);
    this.maxInFlight = checkInteger(options.maxInFlight ?? 4, 'FleetOptions.maxInFlight', 1, 1024);
    this.maxRetries = checkInteger(options.maxRetries ?? 8, 'FleetOptions.maxRetries', 0);
    this.baseMs = checkNumber(options.backoff?.baseMs ?? 200, 'FleetOptions.backoff.baseMs', 0);
    this.maxMs = checkNumber(options.backoff?.maxMs ?? 30_000, 'FleetOptions.backoff.maxMs', this.baseMs, 2 ** 31 - 1);
    const compression = options.compression ?? 'none';
    if (compression !== 'none' && compression !== 'gzip') {
      throw new TypeError(`FleetOptions.compression must be 'none' or 'gzip', got ${JSON.stringify(compression)}`);
    }
    this.compression = compression;
    this.requestTimeoutMs = checkNumber(options.requestTimeoutMs ?? 10_000, 'FleetOptions.requestTimeoutMs', 1, 2 ** 31 - 1);
    if (options.onError !== undefined && typeof options.onError !== 'function') {
      throw new TypeError('FleetOptions.onError must be a function');
    }
    this.onError = options.onError;

    this.queue = new RingQueue<Report>(maxQueue);
    this.transport = new IngestTransport(url, {
      connections: this.maxInFlight,
      apiKey,
      compression,
      requestTimeoutMs: this.requestTimeoutMs,
    });
    this.timer = setInterval(this.tick, flushIntervalMs);
    this.timer.unref(); // telemetry must never keep a process alive
  }

  /**
   * Queues one report: O(1), never throws, never sends synchronously. When the queue is full the
   * oldest queued report is dropped (fresh data matters more to monitoring). After close() the
   * report is counted as dropped. The report must not be mutated afterwards.
   */
  record(report: Report): void {
    this.recorded++;
    if (this.closed) {
      this.dropped++;
      return;
    }
    this.pushed++;
    if (this.queue.push(report)) {
      this.left++;
      this.dropped++;
      if (!this.overflowing) this.overflow();
    }
    if (this.queue.length >= this.batchSize && !this.pumpScheduled && this.active.size < this.maxInFlight) {
      this.pumpScheduled = true;
      queueMicrotask(this.pumpTask);
    }
  }

  /**
   * Resolves once every report queued at the call has been settled (sent, rejected or dropped),
   * in-flight batches included. While the endpoint is down this lasts as long as the retries.
   */
  flush(): Promise<void> {
    const target = this.pushed;
    if (this.terminated || this.isFlushed(target)) return Promise.resolve();
    if (target > this.drainUntil) this.drainUntil = target;
    // Someone is waiting now: pending retry timers must keep the process alive.
    for (const delivery of this.active) delivery.sleep?.timer.ref();
    return new Promise<void>((resolve) => {
      this.waiters.push({ target, resolve });
      this.pump();
    });
  }

  /**
   * Stops the timer and record(), delivers what it can within `timeoutMs`, counts the rest as
   * dropped and closes the connections. Idempotent: later calls return the same promise.
   */
  close(options: CloseOptions = {}): Promise<void> {
    if (!this.closing) {
      let timeoutMs: number;
      try {
        timeoutMs = checkNumber(options.timeoutMs ?? 5000, 'CloseOptions.timeoutMs', 0, 2 ** 31 - 1);
      } catch (error) {
        return Promise.reject(error);
      }
      this.closed = true;
      clearInterval(this.timer);
      this.closing = this.shutdown(timeoutMs);
    }
    return this.closing;
  }

  /** A snapshot of the counters; `recorded === queued + inFlight + sent + rejected + dropped`. */
  stats(): FleetStats {
    return {
      recorded: this.recorded,
      queued: this.queue.length,
      inFlight: this.inFlight,
      sent: this.sent,
      rejected: this.rejected,
      dropped: this.dropped,
      retries: this.retries,
      batchesSent: this.batchesSent,
      lastError: this.lastError,
      lastSuccessAt: this.lastSuccessAt,
    };
  }

  private readonly pumpTask = (): void => this.pump();

  private readonly tick = (): void => {
    if (this.queue.length === 0) return;
    if (this.pushed > this.drainUntil) this.drainUntil = this.pushed;
    this.pump();
  };

  /** Starts deliveries while a slot is free and a full batch (or a due partial one) waits. */
  private pump(): void {
    this.pumpScheduled = false;
    while (
      !this.terminated &&
      this.active.size < this.maxInFlight &&
      this.queue.length > 0 &&
      (this.queue.length >= this.batchSize || this.left < this.drainUntil)
    ) {
      this.overflowing = false;
      const reports = this.queue.shiftMany(this.batchSize);
      const delivery: Delivery = { startSeq: this.left, pending: reports.length, cancelled: false };
      this.left += reports.length;
      this.inFlight += reports.length;
      this.active.add(delivery);
      void this.deliver(delivery, reports);
    }
    this.settleWaiters();
  }

  private async deliver(delivery: Delivery, batch: Report[]): Promise<void> {
    const parts: Part[] = [{ reports: batch, attempt: 0 }];
    try {
      while (parts.length > 0 && !delivery.cancelled) await this.post(delivery, parts.pop() as Part, parts);
    } catch (error) {
      // Not expected; whatever it was, the counters stay exact.
      if (!delivery.cancelled && delivery.pending > 0) {
        const lost = delivery.pending;
        this.settle(delivery, 0, 0, lost);
        this.notify('dropped', `internal error, dropped ${lost} reports: ${messageOf(error)}`, { reports: lost, cause: error });
      }
    } finally {
      this.active.delete(delivery);
      this.pump();
    }
  }

  /** Posts one part once; pushes onto `parts` what must be posted next (halves, or itself to retry). */
  private async post(delivery: Delivery, part: Part, parts: Part[]): Promise<void> {
    const count = part.reports.length;
    const encoded = await encodeBatch(part.reports, this.compression);
    if (delivery.cancelled) return;
    if (!encoded.ok) {
      // Too large or unserializable: halve until the culprit is alone, then refuse it.
      if (count > 1) return this.split(part, parts);
      this.settle(delivery, 0, 1, 0);
      this.notify('rejected', `refused 1 report locally: ${encoded.message}`, { reports: 1 });
      return;
    }

    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), this.requestTimeoutMs);
    timeout.unref();
    delivery.request = controller;
    let answer: PostAnswer | undefined;
    let failure: unknown;
    try {
      answer = await this.transport.post(encoded.body, controller.signal);
    } catch (error) {
      failure = error;
    } finally {
      clearTimeout(timeout);
      delivery.request = undefined;
    }
    if (delivery.cancelled) return;

    if (answer === undefined) {
      const message = controller.signal.aborted ? `request timed out after ${this.requestTimeoutMs} ms` : messageOf(failure);
      return this.retryOrDrop(delivery, part, parts, message, undefined, undefined, failure);
    }
    const { status } = answer;
    if (status >= 200 && status < 300) return this.acknowledge(delivery, count, status, answer.text);
    if (status === 413 && count > 1) return this.split(part, parts);
    if (status === 408 || status === 429 || status >= 500) {
      const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(answer.retryAfter) : undefined;
      return this.retryOrDrop(delivery, part, parts, `HTTP ${status}${excerpt(answer.text)}`, status, retryAfterMs);
    }
    // Any other answer refuses the batch as a whole: sending it again would not change that.
    this.settle(delivery, 0, count, 0);
    this.notify('rejected', `HTTP ${status}: server refused ${count} reports${excerpt(answer.text)}`, { reports: count, status });
  }

  /** A 2xx: counts what the server kept; refused reports are invalid and never retried. */
  private acknowledge(delivery: Delivery, count: number, status: number, text: string): void {
    let accepted = count;
    let errors: IngestError[] | undefined;
    try {
      const body = JSON.parse(text) as Partial<IngestResponse> | null;
      if (typeof body?.accepted === 'number' && Number.isFinite(body.accepted)) {
        accepted = Math.min(count, Math.max(0, Math.trunc(body.accepted)));
      }
      if (Array.isArray(body?.errors)) errors = body.errors;
    } catch {
      // A 2xx without the expected JSON: the server took the batch.
    }
    this.batchesSent++;
    this.lastSuccessAt = Date.now();
    const refused = count - accepted;
    this.settle(delivery, accepted, refused, 0);
    if (refused > 0) {
      const first = errors?.[0];
      const why = first ? `, first: ${first.path}: ${first.message}` : '';
      this.notify('rejected', `server refused ${refused} of ${count} reports${why}`, { reports: refused, status, errors });
    }
  }

  private async retryOrDrop(
    delivery: Delivery,
    part: Part,
    parts: Part[],
    message: string,
    status: number | undefined,
    retryAfterMs: number | undefined,
    cause?: unknown,
  ): Promise<void> {
    const count = part.reports.length;
    if (part.attempt >= this.maxRetries) {
      this.settle(delivery, 0, 0, count);
      this.notify('dropped', `${message}; dropped ${count} reports after ${part.attempt} retries`, { reports: count, status, cause });
      return;
    }
    const attempt = part.attempt + 1;
    // Retry-After is honoured up to backoff.maxMs, so one answer cannot park a batch for hours.
    const delayMs = retryAfterMs !== undefined ? Math.min(retryAfterMs, this.maxMs) : backoffDelay(part.attempt, this.baseMs, this.maxMs);
    this.notify('retry', `${message}; retry ${attempt} of ${this.maxRetries} in ${delayMs} ms`, {
      reports: count,
      status,
      attempt,
      delayMs,
      cause,
    });
    await this.sleep(delivery, delayMs);
    if (delivery.cancelled) return;
    this.retries++;
    parts.push({ reports: part.reports, attempt });
  }

  private split(part: Part, parts: Part[]): void {
    const half = Math.ceil(part.reports.length / 2);
    // A stack: push the second half first so the first half goes first.
    parts.push({ reports: part.reports.slice(half), attempt: part.attempt });
    parts.push({ reports: part.reports.slice(0, half), attempt: part.attempt });
  }

  private sleep(delivery: Delivery, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        delivery.sleep = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      // A retry alone keeps no process alive, unless flush() or close() is being awaited.
      if (this.waiters.length === 0 && !this.closed) timer.unref();
      delivery.sleep = { timer, wake };
    });
  }

  private settle(delivery: Delivery, sent: number, rejected: number, dropped: number): void {
    const count = sent + rejected + dropped;
    delivery.pending -= count;
    this.inFlight -= count;
    this.sent += sent;
    this.rejected += rejected;
    this.dropped += dropped;
  }

  private isFlushed(target: number): boolean {
    if (this.left < target) return false;
    for (const delivery of this.active) if (delivery.startSeq < target) return false;
    return true;
  }

  private settleWaiters(): void {
    if (this.waiters.length === 0) return;
    const waiting: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (this.terminated || this.isFlushed(waiter.target)) waiter.resolve();
      else waiting.push(waiter);
    }
    this.waiters = waiting;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([
      this.flush(),
      new Promise<void>((resolve) => {
        deadline = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(deadline);

    this.terminated = true;
    const leftInQueue = this.queue.clear();
    this.left += leftInQueue;
    this.dropped += leftInQueue;
    let lost = leftInQueue;
    const interrupted = this.active.size > 0;
    for (const delivery of this.active) {
      lost += delivery.pending;
      delivery.cancelled = true;
      delivery.request?.abort();
      delivery.sleep?.wake();
      this.settle(delivery, 0, 0, delivery.pending);
    }
    if (lost > 0) {
      this.notify('dropped', `closed with ${lost} reports undelivered after ${timeoutMs} ms`, { reports: lost });
    }
    this.settleWaiters();
    await (interrupted ? this.transport.destroy() : this.transport.close());
  }

  private overflow(): void {
    this.overflowing = true;
    this.notify('dropped', `queue full (maxQueue ${this.queue.capacity}): dropping the oldest reports`, { reports: 1 });
  }

  private notify(kind: FleetErrorKind, message: string, details: FleetErrorDetails): void {
    this.lastError = message;
    if (!this.onError) return;
    try {
      this.onError(new FleetError(kind, message, details));
    } catch {
      // The callback's own failure must not break delivery.
    }
  }
}

/** The start of an error answer, for messages. */
function excerpt(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  return `: ${trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed}`;
}
