import type { z } from 'zod';
import { checkBatchSize, checkOwnedShards, checkShard, checkShardCount, parsePayloads } from './checks';
import { shardOf } from './shard';
import type { Bus, BusMessage, SubscribeOptions, Subscription, Topic } from './types';

export interface MemoryBusOptions {
  shards: number;
  /** Entries (publish calls) kept per shard; the oldest are dropped beyond it and counted (default 100_000). */
  maxLenPerShard?: number;
  /** How long a failed or unacknowledged entry waits before it is delivered again (default 30_000). */
  redeliverAfterMs?: number;
  /**
   * Check payloads against the topic schema in publish (default true). This bus is the hot path of a
   * single replica (tens of thousands of payloads/s): a producer that already validated at its edge
   * (the health-monitor's ingest does) passes false. Payloads are then delivered as published, not
   * re-parsed, so consumers must treat them as read-only: every group gets the same objects.
   */
  validate?: boolean;
  /**
   * Keep entries every consumer group has acknowledged, up to maxLenPerShard, for a group that joins later from
   * 'earliest' (default true, the Redis bus' behaviour). False: a shard holds only what some group has not yet
   * acknowledged (nothing when no group reads the topic), so a busy in-process bus does not keep the last
   * maxLenPerShard batches of reports alive — hundreds of MB at 5,000-report batches, all promoted to the old heap.
   */
  keepRead?: boolean;
}

const DEFAULT_MAX_LEN = 100_000;
const DEFAULT_REDELIVER_MS = 30_000;

/**
 * In-process bus with the semantics of the Redis one: one entry per publish call, consumer groups
 * with a delivered cursor and a pending list per shard, ack after the handler resolves, redelivery
 * of failed entries to the same consumer and claiming of entries left idle by another consumer.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  readonly shards: number;
  private readonly maxLen: number;
  private readonly redeliverAfterMs: number;
  private readonly validate: boolean;
  private readonly keepRead: boolean;
  private readonly topics = new Map<string, TopicState>();
  private readonly subscriptions = new Set<MemorySubscription>();
  private closed = false;
  private droppedEntries = 0;

  constructor(options: MemoryBusOptions) {
    this.shards = checkShardCount(options.shards);
    this.maxLen = options.maxLenPerShard ?? DEFAULT_MAX_LEN;
    this.redeliverAfterMs = options.redeliverAfterMs ?? DEFAULT_REDELIVER_MS;
    this.validate = options.validate ?? true;
    this.keepRead = options.keepRead ?? true;
    if (!(this.maxLen >= 1)) throw new RangeError(`maxLenPerShard must be >= 1, got ${this.maxLen}`);
  }

  /** Entries dropped because a shard exceeded maxLenPerShard (they are lost for lagging groups). */
  get stats(): { droppedEntries: number } {
    return { droppedEntries: this.droppedEntries };
  }

  shardOf(key: string): number {
    return shardOf(key, this.shards);
  }

  async publish<S extends z.ZodType>(
    topic: Topic<S>,
    shard: number,
    payloads: ReadonlyArray<z.infer<S>>,
  ): Promise<void> {
    this.assertOpen();
    checkShard(shard, this.shards);
    if (payloads.length === 0) return;
    const stored = this.validate ? parsePayloads(topic, payloads) : payloads;
    const state = this.topic(topic.name);
    const log = state.logs[shard]!;
    if (!this.keepRead) {
      let read = log.lastSeq;
      for (const group of state.groups.values()) read = Math.min(read, group.readThrough(shard));
      log.dropThrough(read);
    }
    const firstBefore = log.firstSeq;
    this.droppedEntries += log.append(stored, this.maxLen);
    for (const group of state.groups.values()) group.countTrimmed(shard, firstBefore, log.firstSeq);
    // Subscribers run from their own loop: waking them resolves a promise, never calls a handler here.
    for (const sub of state.subscriptions) sub.notify(shard);
  }

  subscribe<S extends z.ZodType>(
    topic: Topic<S>,
    options: SubscribeOptions,
    handler: (messages: BusMessage<z.infer<S>>[]) => Promise<void>,
  ): Subscription {
    this.assertOpen();
    const shards = checkOwnedShards(options.shards, this.shards);
    const state = this.topic(topic.name);
    let group = state.groups.get(options.group);
    if (!group) {
      group = new GroupState(state.logs, options.startFrom ?? 'latest');
      state.groups.set(options.group, group);
    }
    const sub = new MemorySubscription({
      logs: state.logs,
      group,
      consumer: options.consumer,
      shards,
      batchSize: checkBatchSize(options.batchSize),
      redeliverAfterMs: this.redeliverAfterMs,
      handler: handler as (messages: BusMessage<unknown>[]) => Promise<void>,
      onClose: () => {
        state.subscriptions.delete(sub);
        this.subscriptions.delete(sub);
      },
    });
    state.subscriptions.add(sub);
    this.subscriptions.add(sub);
    return sub;
  }

  async lag(topic: Topic<z.ZodType>, group: string): Promise<number> {
    this.assertOpen();
    const state = this.topics.get(topic.name);
    const groupState = state?.groups.get(group);
    if (!state || !groupState) return 0; // a group that never subscribed has nothing owed to it
    return groupState.lag(state.logs);
  }

  async fullness(topic: Topic<z.ZodType>): Promise<number> {
    this.assertOpen();
    const state = this.topics.get(topic.name);
    let fullest = 0;
    for (const group of state?.groups.values() ?? []) {
      state!.logs.forEach((log, shard) => {
        fullest = Math.max(fullest, group.unreadIn(log, shard));
      });
    }
    return fullest / this.maxLen;
  }

  /**
   * Payloads (not entries: one publish of a 5,000-report batch is one entry) the slowest consumer group has not yet
   * read and acknowledged, summed over shards; 0 when no group reads the topic. What the in-process readers still owe,
   * the measure of how far the analysis is behind (fullness is the one of how close the bus is to trimming).
   */
  backlog(topic: Topic<z.ZodType>): number {
    this.assertOpen();
    const state = this.topics.get(topic.name);
    let slowest = 0;
    for (const group of state?.groups.values() ?? []) {
      let unread = 0;
      state!.logs.forEach((log, shard) => {
        unread += group.unreadPayloadsIn(log, shard);
      });
      slowest = Math.max(slowest, unread);
    }
    return slowest;
  }

  trimmedUnread(topic: Topic<z.ZodType>, group: string): number {
    return this.topics.get(topic.name)?.groups.get(group)?.trimmedUnread ?? 0;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((sub) => sub.close()));
  }

  private topic(name: string): TopicState {
    let state = this.topics.get(name);
    if (!state) {
      state = {
        logs: Array.from({ length: this.shards }, () => new ShardLog()),
        groups: new Map(),
        subscriptions: new Set(),
      };
      this.topics.set(name, state);
    }
    return state;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('MemoryBus is closed');
  }
}

interface TopicState {
  logs: ShardLog[];
  groups: Map<string, GroupState>;
  subscriptions: Set<MemorySubscription>;
}

interface Entry {
  /** Per-shard counter, the entry id is `${seq}-0` (the shape of a Redis stream id). */
  seq: number;
  payloads: readonly unknown[];
  /** Payloads appended to the shard before this entry: payload counts over a range of entries in O(1). */
  payloadsBefore: number;
}

/** The entries of one shard: a queue with O(1) append, drop-oldest and lookup by seq. */
class ShardLog {
  private entries: Entry[] = [];
  private head = 0;
  lastSeq = 0;
  /** Payloads ever appended (dropped entries included). */
  private appendedPayloads = 0;

  get firstSeq(): number {
    return this.head < this.entries.length ? this.entries[this.head]!.seq : this.lastSeq + 1;
  }

  /** Appends and returns how many old entries were dropped to stay within maxLen. */
  append(payloads: readonly unknown[], maxLen: number): number {
    this.entries.push({ seq: ++this.lastSeq, payloads, payloadsBefore: this.appendedPayloads });
    this.appendedPayloads += payloads.length;
    let dropped = 0;
    while (this.entries.length - this.head > maxLen) {
      this.head++;
      dropped++;
    }
    this.compact();
    return dropped;
  }

  /** Now and then instead of shift() per drop (shift is O(n) on large arrays); at once when nothing is left. */
  private compact(): void {
    if (this.head === this.entries.length && this.head > 0) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Drops the entries up to `seq` (every group has acknowledged them). */
  dropThrough(seq: number): void {
    while (this.head < this.entries.length && this.entries[this.head]!.seq <= seq) this.head++;
    this.compact();
  }

  get(seq: number): Entry | undefined {
    const index = this.head + (seq - this.firstSeq);
    return seq >= this.firstSeq && seq <= this.lastSeq ? this.entries[index] : undefined;
  }

  /** Payloads of the entries still held with seq > `seq`. */
  payloadsAfter(seq: number): number {
    const first = this.get(Math.max(seq + 1, this.firstSeq));
    return first ? this.appendedPayloads - first.payloadsBefore : 0;
  }

  /** Up to `count` entries with seq > `seq`. */
  after(seq: number, count: number): Entry[] {
    const from = Math.max(seq + 1, this.firstSeq);
    const start = this.head + (from - this.firstSeq);
    return this.entries.slice(start, start + count);
  }
}

interface PendingEntry {
  consumer: string;
  deliveredAt: number;
}

/** A consumer group's position in every shard: last delivered seq plus delivered-but-unacked entries. */
class GroupState {
  readonly lastDelivered: number[];
  readonly pending: Array<Map<number, PendingEntry>>;
  /** Entries dropped by maxLenPerShard before this group read them. */
  trimmedUnread = 0;

  constructor(logs: readonly ShardLog[], startFrom: 'latest' | 'earliest') {
    this.lastDelivered = logs.map((log) => (startFrom === 'latest' ? log.lastSeq : 0));
    this.pending = logs.map(() => new Map());
  }

  /** Counts the entries [firstBefore, firstAfter) just dropped from `shard` that this group had not read. */
  countTrimmed(shard: number, firstBefore: number, firstAfter: number): void {
    this.trimmedUnread += Math.max(0, firstAfter - Math.max(firstBefore, this.lastDelivered[shard]! + 1));
  }

  lag(logs: readonly ShardLog[]): number {
    let total = 0;
    logs.forEach((log, shard) => {
      total += this.unreadIn(log, shard);
    });
    return total;
  }

  /** The last seq of `shard` up to which this group has acknowledged every entry. */
  readThrough(shard: number): number {
    let through = this.lastDelivered[shard]!;
    for (const seq of this.pending[shard]!.keys()) through = Math.min(through, seq - 1);
    return through;
  }

  /** Entries of one shard not yet delivered to this group, or delivered and not acknowledged. */
  unreadIn(log: ShardLog, shard: number): number {
    const undelivered = log.lastSeq - Math.max(this.lastDelivered[shard]!, log.firstSeq - 1);
    return Math.max(0, undelivered) + this.pending[shard]!.size;
  }

  /** The payloads of `unreadIn`'s entries (a pending entry counts whole until it is acknowledged). */
  unreadPayloadsIn(log: ShardLog, shard: number): number {
    let pending = 0;
    for (const seq of this.pending[shard]!.keys()) pending += log.get(seq)?.payloads.length ?? 0;
    return log.payloadsAfter(this.lastDelivered[shard]!) + pending;
  }
}

interface Delivery {
  shard: number;
  entry: Entry;
}

interface SubscriptionConfig {
  logs: readonly ShardLog[];
  group: GroupState;
  consumer: string;
  shards: readonly number[];
  batchSize: number;
  redeliverAfterMs: number;
  handler: (messages: BusMessage<unknown>[]) => Promise<void>;
  onClose: () => void;
}

/**
 * One consumer's loop: its own pending entries first (left by a failure or a previous run), then new
 * ones; after a handler failure it waits redeliverAfterMs and starts over from its pending entries,
 * which keeps each shard in order.
 */
class MemorySubscription implements Subscription {
  private mode: 'pending' | 'new' = 'pending';
  private closing = false;
  /** Claims run at start and then every redeliverAfterMs. */
  private lastClaim = -Infinity;
  private wakeOnPublish: (() => void) | undefined;
  private wakeOnClose: (() => void) | undefined;
  private readonly done: Promise<void>;

  constructor(private readonly config: SubscriptionConfig) {
    this.done = this.run();
  }

  notify(shard: number): void {
    if (this.config.shards.includes(shard)) this.wakeOnPublish?.();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.wakeOnClose?.();
    await this.done;
    this.config.onClose();
  }

  private async run(): Promise<void> {
    await Promise.resolve(); // never deliver synchronously inside subscribe()
    while (!this.closing) {
      this.claimIdle();
      const batch = this.mode === 'pending' ? this.readPending() : this.readNew();
      if (batch.length === 0) {
        if (this.mode === 'pending') this.mode = 'new';
        else await this.sleep(this.config.redeliverAfterMs, true);
        continue;
      }
      if (!(await this.deliver(batch))) {
        this.mode = 'pending';
        await this.sleep(this.config.redeliverAfterMs, false);
      }
    }
  }

  private readPending(): Delivery[] {
    const { logs, group, consumer, batchSize } = this.config;
    const now = Date.now();
    const out: Delivery[] = [];
    for (const shard of this.config.shards) {
      const pending = group.pending[shard]!;
      const seqs = [...pending].filter(([, p]) => p.consumer === consumer).map(([seq]) => seq);
      seqs.sort((a, b) => a - b);
      for (const seq of seqs.slice(0, batchSize)) {
        const entry = logs[shard]!.get(seq);
        if (!entry) {
          pending.delete(seq); // dropped by maxLenPerShard while pending: nothing left to deliver
          continue;
        }
        pending.get(seq)!.deliveredAt = now;
        out.push({ shard, entry });
      }
    }
    return out;
  }

  private readNew(): Delivery[] {
    const { logs, group, consumer, batchSize } = this.config;
    const now = Date.now();
    const out: Delivery[] = [];
    for (const shard of this.config.shards) {
      const entries = logs[shard]!.after(group.lastDelivered[shard]!, batchSize);
      for (const entry of entries) {
        group.pending[shard]!.set(entry.seq, { consumer, deliveredAt: now });
        out.push({ shard, entry });
      }
      if (entries.length > 0) group.lastDelivered[shard] = entries[entries.length - 1]!.seq;
    }
    return out;
  }

  /** Takes over entries another consumer left unacknowledged for redeliverAfterMs (e.g. it is gone). */
  private claimIdle(): void {
    const now = Date.now();
    const { redeliverAfterMs, consumer, group } = this.config;
    if (now - this.lastClaim < redeliverAfterMs) return;
    this.lastClaim = now;
    for (const shard of this.config.shards) {
      for (const pending of group.pending[shard]!.values()) {
        if (pending.consumer !== consumer && now - pending.deliveredAt >= redeliverAfterMs) {
          pending.consumer = consumer;
          pending.deliveredAt = now;
          this.mode = 'pending';
        }
      }
    }
  }

  /**
   * Hands the messages over in chunks of batchSize and acks each entry once all its messages were
   * handled. Returns false when the handler threw: the rest stays pending.
   */
  private async deliver(batch: Delivery[]): Promise<boolean> {
    const messages: BusMessage<unknown>[] = [];
    const ends: number[] = []; // index after the last message of each entry
    for (const { shard, entry } of batch) {
      entry.payloads.forEach((payload, index) => messages.push({ id: `${entry.seq}-0/${index}`, shard, payload }));
      ends.push(messages.length);
    }
    let acked = 0;
    for (let from = 0; from < messages.length && !this.closing; from += this.config.batchSize) {
      const to = Math.min(from + this.config.batchSize, messages.length);
      try {
        await this.config.handler(messages.slice(from, to));
      } catch {
        return false;
      }
      for (; acked < batch.length && ends[acked]! <= to; acked++) {
        const { shard, entry } = batch[acked]!;
        this.config.group.pending[shard]!.delete(entry.seq);
      }
    }
    return true;
  }

  /** Waits `ms`; close() always cuts it short, a publish on an owned shard only if asked. */
  private sleep(ms: number, wakeOnPublish: boolean): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakeOnPublish = undefined;
        this.wakeOnClose = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.wakeOnClose = wake;
      if (wakeOnPublish) this.wakeOnPublish = wake;
    });
  }
}

/** Validates and returns the parsed payloads (zod output), or throws naming the topic and index. */
