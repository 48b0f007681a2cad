import { backoffDelay, parseRetryAfter } from './backoff';
import { encodeBatch, messageOf } from './encode';
import { FleetError, type FleetChannel, type FleetErrorDetails, type FleetErrorKind } from './errors';
import { RingQueue } from './ring-queue';
import { BatchTransport, type PostAnswer } from './transport';
import type { DeliveryStats, IngestError } from './types';

/** How a channel delivers; validated by the Fleet. */
export interface ChannelConfig {
  /** Names the channel in events and is the key of the body's array: `{"reports": [...]}`. */
  name: FleetChannel;
  /** Appended to the endpoint's path, e.g. `/v1/ingest`. */
  path: string;
  endpoint: URL;
  apiKey?: string;
  batchSize: number;
  maxQueue: number;
  maxInFlight: number;
  maxRetries: number;
  baseMs: number;
  maxMs: number;
  compression: 'none' | 'gzip';
  requestTimeoutMs: number;
  onError?: (error: FleetError) => void;
}

/** Items taken from the queue together: they stay in memory until each one is settled. */
interface Delivery {
  /** Sequence number of its first item: flush() waits for deliveries that started before its target. */
  readonly startSeq: number;
  /** Items not yet counted as sent, rejected or dropped. */
  pending: number;
  /** Set by close(): whatever answer comes later is ignored, the pending items are already counted. */
  cancelled: boolean;
  request?: AbortController;
  sleep?: { timer: NodeJS.Timeout; wake: () => void };
}

/** A slice of a delivery posted as one body (a 413 splits a part in two). */
interface Part<T> {
  items: T[];
  /** Retries already made. */
  attempt: number;
}

interface Waiter {
  target: number;
  resolve: () => void;
}

/**
 * One bounded queue and its delivery to one path: batches, retries with backoff, partial success,
 * 413 splitting and exact counters. The Fleet holds one for reports and one for interactions.
 *
 * Memory is bounded: queued + in flight ≤ maxQueue + maxInFlight × batchSize.
 * Delivery is at least once: a batch whose answer is lost is posted again.
 */
export class DeliveryChannel<T> {
  private readonly config: ChannelConfig;
  /** "report" / "interaction", for messages. */
  private readonly noun: string;
  private readonly queue: RingQueue<T>;
  private readonly transport: BatchTransport;
  private readonly active = new Set<Delivery>();
  private waiters: Waiter[] = [];

  // Sequence numbers: `pushed` items have entered the queue, `left` have left it (taken or evicted).
  private pushed = 0;
  private left = 0;
  /** Partial batches are sent while `left < drainUntil` (raised by tick() and by flush()). */
  private drainUntil = 0;
  private pumpScheduled = false;
  /** The queue-full warning is given once per episode, not once per evicted item. */
  private overflowing = false;
  /** No more push(); set by close(). */
  private closed = false;
  /** No more sending; set when close() gives up on what is left. */
  private terminated = false;
  private closing?: Promise<void>;
  /**
   * A server that answered 429/503 with Retry-After is given that long: no new batch starts before this time (ms
   * since the epoch), in any slot, not only the refused one's retry.
   */
  private pausedUntil = 0;
  private resume?: NodeJS.Timeout;

  private recorded = 0;
  private inFlight = 0;
  private sent = 0;
  private rejected = 0;
  private dropped = 0;
  private retries = 0;
  private batchesSent = 0;
  private lastError?: string;
  private lastSuccessAt?: number;

  constructor(config: ChannelConfig) {
    this.config = config;
    this.noun = config.name.slice(0, -1);
    this.queue = new RingQueue<T>(config.maxQueue);
    this.transport = new BatchTransport(config.endpoint, config.path, {
      connections: config.maxInFlight,
      apiKey: config.apiKey,
      compression: config.compression,
      requestTimeoutMs: config.requestTimeoutMs,
    });
  }

  /** Queues one item: O(1), never throws, never sends synchronously; see Fleet.record(). */
  push(item: T): void {
    this.recorded++;
    if (this.closed) {
      this.dropped++;
      return;
    }
    this.pushed++;
    if (this.queue.push(item)) {
      this.left++;
      this.dropped++;
      if (!this.overflowing) this.overflow();
    }
    if (
      this.queue.length >= this.config.batchSize &&
      !this.pumpScheduled &&
      this.active.size < this.config.maxInFlight
    ) {
      this.pumpScheduled = true;
      queueMicrotask(this.pumpTask);
    }
  }

  /** The interval's turn: partial batches waiting now become due. */
  tick(): void {
    if (this.queue.length === 0) return;
    if (this.pushed > this.drainUntil) this.drainUntil = this.pushed;
    this.pump();
  }

  /**
   * Resolves once every item queued at the call has been settled (sent, rejected or dropped),
   * in-flight batches included, or after `timeoutMs` when given.
   */
  flush(timeoutMs?: number): Promise<void> {
    const target = this.pushed;
    if (this.terminated || this.isFlushed(target)) return Promise.resolve();
    if (target > this.drainUntil) this.drainUntil = target;
    // Someone is waiting now: pending retry timers must keep the process alive.
    for (const delivery of this.active) delivery.sleep?.timer.ref();
    this.resume?.ref();
    return new Promise<void>((resolve) => {
      const waiter: Waiter = { target, resolve };
      this.waiters.push(waiter);
      if (timeoutMs !== undefined) {
        const timer = setTimeout(() => this.giveUp(waiter), timeoutMs);
        waiter.resolve = () => {
          clearTimeout(timer);
          resolve();
        };
      }
      this.pump();
    });
  }

  /**
   * Stops push(), delivers what it can within `timeoutMs`, counts the rest as dropped and closes
   * the connections. Idempotent.
   */
  close(timeoutMs: number): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      this.closing = this.shutdown(timeoutMs);
    }
    return this.closing;
  }

  /** A snapshot of the counters; `recorded === queued + inFlight + sent + rejected + dropped`. */
  stats(): DeliveryStats {
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

  /** Starts deliveries while a slot is free and a full batch (or a due partial one) waits. */
  private pump(): void {
    this.pumpScheduled = false;
    const { batchSize, maxInFlight } = this.config;
    while (
      !this.terminated &&
      !this.paused() &&
      this.active.size < maxInFlight &&
      this.queue.length > 0 &&
      (this.queue.length >= batchSize || this.left < this.drainUntil)
    ) {
      this.overflowing = false;
      const items = this.queue.shiftMany(batchSize);
      const delivery: Delivery = { startSeq: this.left, pending: items.length, cancelled: false };
      this.left += items.length;
      this.inFlight += items.length;
      this.active.add(delivery);
      void this.deliver(delivery, items);
    }
    this.settleWaiters();
  }

  /** Whether a Retry-After holds new batches back now; if so, the pump runs again when it ends. */
  private paused(): boolean {
    const wait = this.pausedUntil - Date.now();
    if (wait <= 0) return false;
    if (!this.resume) {
      this.resume = setTimeout(() => {
        this.resume = undefined;
        this.pump();
      }, wait);
      // Like a retry's wait: it keeps no process alive unless flush() or close() is being awaited.
      if (this.waiters.length === 0 && !this.closed) this.resume.unref();
    }
    return true;
  }

  private pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  private async deliver(delivery: Delivery, batch: T[]): Promise<void> {
    const parts: Part<T>[] = [{ items: batch, attempt: 0 }];
    try {
      while (parts.length > 0 && !delivery.cancelled) await this.post(delivery, parts.pop() as Part<T>, parts);
    } catch (error) {
      // Not expected; whatever it was, the counters stay exact.
      if (!delivery.cancelled && delivery.pending > 0) {
        const lost = delivery.pending;
        this.settle(delivery, 0, 0, lost);
        this.notify('dropped', `internal error, dropped ${this.count(lost)}: ${messageOf(error)}`, {
          count: lost,
          cause: error,
        });
      }
    } finally {
      this.active.delete(delivery);
      this.pump();
    }
  }

  /** Posts one part once; pushes onto `parts` what must be posted next (halves, or itself to retry). */
  private async post(delivery: Delivery, part: Part<T>, parts: Part<T>[]): Promise<void> {
    const count = part.items.length;
    const encoded = await encodeBatch(this.config.name, part.items, this.config.compression);
    if (delivery.cancelled) return;
    if (!encoded.ok) {
      // Too large or unserializable: halve until the culprit is alone, then refuse it.
      if (count > 1) return this.split(part, parts);
      this.settle(delivery, 0, 1, 0);
      this.notify('rejected', `refused 1 ${this.noun} locally: ${encoded.message}`, { count: 1 });
      return;
    }

    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), this.config.requestTimeoutMs);
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
      const message = controller.signal.aborted
        ? `request timed out after ${this.config.requestTimeoutMs} ms`
        : messageOf(failure);
      return this.retryOrDrop(delivery, part, parts, message, undefined, undefined, failure);
    }
    const { status } = answer;
    if (status >= 200 && status < 300) return this.acknowledge(delivery, count, status, answer.text);
    if (status === 413 && count > 1) return this.split(part, parts);
    if (status === 408 || status === 429 || status >= 500) {
      const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(answer.retryAfter) : undefined;
      if (retryAfterMs !== undefined) this.pauseFor(Math.min(retryAfterMs, this.config.maxMs));
      return this.retryOrDrop(delivery, part, parts, `HTTP ${status}${excerpt(answer.text)}`, status, retryAfterMs);
    }
    // Any other answer refuses the batch as a whole: sending it again would not change that.
    this.settle(delivery, 0, count, 0);
    this.notify('rejected', `HTTP ${status}: server refused ${this.count(count)}${excerpt(answer.text)}`, {
      count,
      status,
    });
  }

  /** A 2xx: counts what the server kept; refused items are invalid and never retried. */
  private acknowledge(delivery: Delivery, count: number, status: number, text: string): void {
    let accepted = count;
    let errors: IngestError[] | undefined;
    try {
      const body = JSON.parse(text) as { accepted?: unknown; errors?: unknown } | null;
      if (typeof body?.accepted === 'number' && Number.isFinite(body.accepted)) {
        accepted = Math.min(count, Math.max(0, Math.trunc(body.accepted)));
      }
      if (Array.isArray(body?.errors)) errors = body.errors as IngestError[];
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
      this.notify('rejected', `server refused ${refused} of ${this.count(count)}${why}`, {
        count: refused,
        status,
        errors,
      });
    }
  }

  private async retryOrDrop(
    delivery: Delivery,
    part: Part<T>,
    parts: Part<T>[],
    message: string,
    status: number | undefined,
    retryAfterMs: number | undefined,
    cause?: unknown,
  ): Promise<void> {
    const count = part.items.length;
    const { maxRetries, maxMs, baseMs } = this.config;
    if (part.attempt >= maxRetries) {
      this.settle(delivery, 0, 0, count);
      this.notify('dropped', `${message}; dropped ${this.count(count)} after ${part.attempt} retries`, {
        count,
        status,
        cause,
      });
      return;
    }
    const attempt = part.attempt + 1;
    // Retry-After is honoured up to backoff.maxMs, so one answer cannot park a batch for hours.
    const delayMs =
      retryAfterMs !== undefined ? Math.min(retryAfterMs, maxMs) : backoffDelay(part.attempt, baseMs, maxMs);
    this.notify('retry', `${message}; retry ${attempt} of ${maxRetries} in ${delayMs} ms`, {
      count,
      status,
      attempt,
      delayMs,
      cause,
    });
    await this.sleep(delivery, delayMs);
    if (delivery.cancelled) return;
    this.retries++;
    parts.push({ items: part.items, attempt });
  }

  private split(part: Part<T>, parts: Part<T>[]): void {
    const half = Math.ceil(part.items.length / 2);
    // A stack: push the second half first so the first half goes first.
    parts.push({ items: part.items.slice(half), attempt: part.attempt });
    parts.push({ items: part.items.slice(0, half), attempt: part.attempt });
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
    const waiting: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (this.terminated || this.isFlushed(waiter.target)) waiter.resolve();
      else waiting.push(waiter);
    }
    this.waiters = waiting;
  }

  /** A flush timed out: it stops waiting, and its retries no longer keep the process alive. */
  private giveUp(waiter: Waiter): void {
    this.waiters = this.waiters.filter((other) => other !== waiter);
    waiter.resolve();
    if (this.waiters.length === 0 && !this.closed) {
      for (const delivery of this.active) delivery.sleep?.timer.unref();
      this.resume?.unref();
    }
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    await this.flush(timeoutMs);

    this.terminated = true;
    clearTimeout(this.resume);
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
      this.notify('dropped', `closed with ${this.count(lost)} undelivered after ${timeoutMs} ms`, { count: lost });
    }
    this.settleWaiters();
    await (interrupted ? this.transport.destroy() : this.transport.close());
  }

  private overflow(): void {
    this.overflowing = true;
    this.notify(
      'dropped',
      `${this.config.name} queue full (max ${this.queue.capacity}): dropping the oldest ${this.config.name}`,
      { count: 1 },
    );
  }

  /** "1 report", "3 interactions". */
  private count(n: number): string {
    return `${n} ${n === 1 ? this.noun : this.config.name}`;
  }

  private notify(kind: FleetErrorKind, message: string, details: FleetErrorDetails): void {
    this.lastError = message;
    const onError = this.config.onError;
    if (!onError) return;
    try {
      onError(new FleetError(kind, this.config.name, message, details));
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
