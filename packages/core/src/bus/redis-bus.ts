import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { callOnNodeOf, pingRedis, type RedisClient } from '../redis-client';
import type { z } from 'zod';
import { checkBatchSize, checkOwnedShards, checkShard, checkShardCount, parsePayloads } from './checks';
import { shardOf } from './shard';
import type { Bus, BusMessage, SubscribeOptions, Subscription, Topic } from './types';

export interface RedisBusOptions {
  /**
   * Shared connection (a server or a Cluster client) for publish, acks and admin commands; owned by the caller
   * (close() leaves it open).
   */
  redis: RedisClient;
  shards: number;
  /** Prefix of every key (default 'swarmscope'). */
  prefix?: string;
  /** Approximate entries kept per shard stream (XADD MAXLEN ~, default 100_000). */
  maxLenPerShard?: number;
  /** Longest XREADGROUP BLOCK in ms (default 5_000); close() interrupts it. */
  blockMs?: number;
  /** How long a failed or unacknowledged entry waits before it is delivered again (default 30_000). */
  redeliverAfterMs?: number;
  /**
   * Replicas that must hold an entry before publish resolves (WAIT after XADD; default 0). With 1, a master that
   * dies right after acknowledging cannot take the entry with it: its promoted replica has it.
   */
  ackReplicas?: number;
  /** How long publish waits for those replicas before it rejects (default 1_000 ms). */
  ackTimeoutMs?: number;
  /** Check payloads against the topic schema in publish (default true); consumers always parse. */
  validate?: boolean;
  /** Told about errors a subscription loop survived (Redis unreachable, malformed entries...). */
  onError?: (error: unknown) => void;
}

const DEFAULT_MAX_LEN = 100_000;
const DEFAULT_BLOCK_MS = 5_000;
const DEFAULT_REDELIVER_MS = 30_000;
const MAX_BACKOFF_MS = 5_000;
const DEFAULT_ACK_TIMEOUT_MS = 1_000;
/** A Cluster subscription polls (reads cannot block: see RedisSubscription); pause between empty polls. */
const CLUSTER_POLL_MS = 100;

/**
 * Bus on Redis Streams, on one server or a Redis Cluster. Stream `${prefix}:bus:${topic}:${shard}` holds one
 * entry per publish call with a single field `d`, the JSON array of its payloads. Subscriptions are consumer
 * groups; each acks with XACK after its handler resolves, and XAUTOCLAIMs entries idle for redeliverAfterMs.
 * No command names two streams except a server's XREADGROUP, so in a cluster each stream (each topic × shard)
 * hashes to its own slot and the shards spread over the masters.
 */
export class RedisBus implements Bus {
  readonly kind = 'redis' as const;
  readonly shards: number;
  private readonly redis: RedisClient;
  private readonly prefix: string;
  private readonly ackReplicas: number;
  private readonly ackTimeoutMs: number;
  private readonly maxLen: number;
  private readonly blockMs: number;
  private readonly redeliverAfterMs: number;
  private readonly validate: boolean;
  private readonly onError: (error: unknown) => void;
  private readonly subscriptions = new Set<RedisSubscription>();
  private readonly counters: BusCounters = { malformed: 0, trimmedUnread: new Map() };
  private closed = false;

  constructor(options: RedisBusOptions) {
    this.redis = options.redis;
    this.shards = checkShardCount(options.shards);
    this.prefix = options.prefix ?? 'swarmscope';
    this.maxLen = options.maxLenPerShard ?? DEFAULT_MAX_LEN;
    this.blockMs = options.blockMs ?? DEFAULT_BLOCK_MS;
    this.redeliverAfterMs = options.redeliverAfterMs ?? DEFAULT_REDELIVER_MS;
    this.validate = options.validate ?? true;
    this.ackReplicas = options.ackReplicas ?? 0;
    this.ackTimeoutMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    if (!Number.isInteger(this.ackReplicas) || this.ackReplicas < 0)
      throw new RangeError(`ackReplicas must be a whole number ≥ 0, got ${this.ackReplicas}`);
    this.onError = options.onError ?? (() => {});
  }

  /** Payloads (or whole entries) skipped by consumers because they did not parse. */
  get stats(): { malformed: number } {
    return { malformed: this.counters.malformed };
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
    if (this.validate) parsePayloads(topic, payloads);
    const data = JSON.stringify(payloads);
    const key = this.streamKey(topic.name, shard);
    if (this.ackReplicas === 0) {
      await this.redis.xadd(key, 'MAXLEN', '~', this.maxLen, '*', 'd', data);
      return;
    }
    // One pipeline goes to the key's node (in a cluster too), so WAIT counts the replicas of the master that took the XADD.
    const [added, waited] =
      (await this.redis
        .pipeline()
        .xadd(key, 'MAXLEN', '~', this.maxLen, '*', 'd', data)
        .call('WAIT', this.ackReplicas, this.ackTimeoutMs)
        .exec()) ?? [];
    if (!added || !waited) throw new Error(`bus publish on ${key}: pipeline aborted`);
    if (added[0]) throw added[0];
    if (waited[0]) throw waited[0];
    const replicas = Number(waited[1]);
    if (Number(replicas) < this.ackReplicas) {
      // The entry is on the master only: not durable, so not acknowledged (a retry may store it twice: at-least-once).
      throw new Error(
        `bus publish on ${key}: ${replicas} of ${this.ackReplicas} replicas acknowledged within ${this.ackTimeoutMs} ms`,
      );
    }
  }

  subscribe<S extends z.ZodType>(
    topic: Topic<S>,
    options: SubscribeOptions,
    handler: (messages: BusMessage<z.infer<S>>[]) => Promise<void>,
  ): Subscription {
    this.assertOpen();
    const shards = checkOwnedShards(options.shards, this.shards);
    const sub = new RedisSubscription({
      redis: this.redis,
      topic,
      streams: shards.map((shard) => ({ shard, key: this.streamKey(topic.name, shard) })),
      cluster: this.redis.isCluster,
      group: options.group,
      consumer: options.consumer,
      startFrom: options.startFrom ?? 'latest',
      batchSize: checkBatchSize(options.batchSize),
      blockMs: Math.max(1, Math.min(this.blockMs, this.redeliverAfterMs)), // claims run between reads
      redeliverAfterMs: this.redeliverAfterMs,
      handler: handler as (messages: BusMessage<unknown>[]) => Promise<void>,
      onError: this.onError,
      counters: this.counters,
      onClose: () => this.subscriptions.delete(sub),
    });
    this.subscriptions.add(sub);
    return sub;
  }

  /** Entries not yet delivered to the group plus entries delivered but not acked; 0 for an unknown group. */
  async lag(topic: Topic<z.ZodType>, group: string): Promise<number> {
    this.assertOpen();
    const keys = Array.from({ length: this.shards }, (_, shard) => this.streamKey(topic.name, shard));
    // One command per stream (each may live on another cluster node); sent at once, answered together.
    const lags = await Promise.all(
      keys.map(async (key) => {
        let reply: unknown;
        try {
          reply = await callOnNodeOf(this.redis, key, 'XINFO', 'GROUPS', key);
        } catch (error) {
          if (error instanceof Error && /no such key/i.test(error.message)) return 0; // nothing ever published on that shard
          throw error;
        }
        const info = findGroup(reply, group);
        if (!info) return 0;
        // Redis reports lag as nil when it can't compute it (deleted entries); the stream length bounds it.
        const undelivered = info.lag ?? (await this.redis.xlen(key));
        return undelivered + info.pending;
      }),
    );
    return lags.reduce((sum, lag) => sum + lag, 0);
  }

  async fullness(topic: Topic<z.ZodType>): Promise<number> {
    this.assertOpen();
    const keys = Array.from({ length: this.shards }, (_, shard) => this.streamKey(topic.name, shard));
    const unread = await Promise.all(
      keys.map(async (key) => {
        let reply: unknown;
        try {
          reply = await callOnNodeOf(this.redis, key, 'XINFO', 'GROUPS', key);
        } catch (error) {
          if (error instanceof Error && /no such key/i.test(error.message)) return 0;
          throw error;
        }
        let fullest = 0;
        for (const info of groupsOf(reply))
          fullest = Math.max(fullest, (info.lag ?? (await this.redis.xlen(key))) + info.pending);
        return fullest;
      }),
    );
    return Math.max(0, ...unread) / this.maxLen;
  }

  trimmedUnread(topic: Topic<z.ZodType>, group: string): number {
    return this.counters.trimmedUnread.get(trimmedKey(topic.name, group)) ?? 0;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await pingRedis(this.redis);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((sub) => sub.close()));
  }

  private streamKey(topic: string, shard: number): string {
    return `${this.prefix}:bus:${topic}:${shard}`;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('RedisBus is closed');
  }
}

interface StreamRef {
  shard: number;
  key: string;
}

interface SubscriptionConfig {
  redis: RedisClient;
  topic: Topic<z.ZodType>;
  streams: readonly StreamRef[];
  /** Cluster: each stream is read by its own non-blocking XREADGROUP (streams on different slots can't share one). */
  cluster: boolean;
  group: string;
  consumer: string;
  startFrom: 'latest' | 'earliest';
  batchSize: number;
  blockMs: number;
  redeliverAfterMs: number;
  handler: (messages: BusMessage<unknown>[]) => Promise<void>;
  onError: (error: unknown) => void;
  counters: BusCounters;
  onClose: () => void;
}

interface BusCounters {
  malformed: number;
  /** By trimmedKey(topic, group). */
  trimmedUnread: Map<string, number>;
}

function trimmedKey(topic: string, group: string): string {
  return `${topic}\u0000${group}`;
}

/** How often a subscription looks for entries trimmed ahead of its group (at most; reads decide when). */
const TRIM_CHECK_MS = 1_000;

/**
 * Entries MAXLEN removed from stream KEYS[1] that group ARGV[1] never read; returns how many, and moves the group's
 * entries-read past them so they are counted once. Atomic, so no read or trim falls between the look and the move.
 * Redis 7's entries-read counts only entries delivered: a group whose last-delivered id precedes the first entry left
 * has lost (entries-added − length − entries-read) entries. Moving entries-read also keeps XINFO's lag true (it
 * stays inflated by the lost entries otherwise). A gap the group read past between two checks is counted at the next.
 * A group created at 'earliest' has no entries-read until it reads: from id 0-0 it has read nothing.
 */
const COUNT_TRIMMED_SCRIPT = `
local function field(reply, name)
  for i = 1, #reply, 2 do if reply[i] == name then return reply[i + 1] end end
  return nil
end
local function before(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am < bm or (am == bm and as < bs)
end
local stream = redis.call('XINFO', 'STREAM', KEYS[1])
local group
for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  if field(g, 'name') == ARGV[1] then group = g end
end
if not group then return 0 end
local last = field(group, 'last-delivered-id')
local read = field(group, 'entries-read')
if read then read = tonumber(read) elseif last == '0-0' then read = 0 else return 0 end
local added = field(stream, 'entries-added')
if not added then return 0 end -- Redis before 7.0 keeps no count: nothing to tell
local removed = tonumber(added) - tonumber(field(stream, 'length'))
if removed <= read then return 0 end
local first = field(stream, 'first-entry')
if first and not before(last, first[1]) then return 0 end
redis.call('XGROUP', 'SETID', KEYS[1], ARGV[1], last, 'ENTRIESREAD', removed)
return removed - read
`;

/** One stream entry as read; its payloads are parsed only when their turn to be delivered comes. */
interface ReadEntry {
  stream: StreamRef;
  id: string;
  fields: string[] | null;
}

/**
 * One consumer's loop: its own pending entries first (id `0`: left by a failure or a previous run
 * under the same consumer name), then new ones (`>`). After a handler failure it waits
 * redeliverAfterMs and starts over from its pending entries, which keeps each shard in order.
 * On a server it reads every stream with one XREADGROUP BLOCK on its own duplicate() connection (a blocking
 * read would stall the shared one). In a cluster a command may not name keys of two slots, and blocking one
 * read per stream would serialise them on each node's connection, so it polls: one non-blocking XREADGROUP per
 * stream, all sent at once through the shared client, and a CLUSTER_POLL_MS pause when none had anything.
 */
class RedisSubscription implements Subscription {
  /** Dedicated to the blocking XREADGROUP on a server; the shared client in a cluster. */
  private readonly reader: RedisClient;
  private readonly byKey: Map<string, StreamRef>;
  private mode: 'pending' | 'new' = 'pending';
  private groupsReady = false;
  private closing = false;
  private reading = false;
  private readerClosed = false;
  /** Claims run at start (orphans of a previous deployment) and then every redeliverAfterMs. */
  private lastClaim = -Infinity;
  private lastTrimCheck = -Infinity;
  private wake: (() => void) | undefined;
  private readonly done: Promise<void>;
  /** Messages per entry seen so far (a publish carries up to a few hundred): sizes each read to about one chunk. */
  private readonly seen = { entries: 0, messages: 0 };

  constructor(private readonly config: SubscriptionConfig) {
    this.byKey = new Map(config.streams.map((s) => [s.key, s]));
    if (config.cluster) {
      this.reader = config.redis;
      this.readerClosed = true; // nothing of its own to disconnect
    } else {
      this.reader = (config.redis as Redis).duplicate();
      // Failed commands reject and are handled by the loop; this only keeps ioredis from logging them.
      this.reader.on('error', () => {});
    }
    this.done = this.run();
  }

  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.wake?.();
      // Abort a blocking read; whatever it had taken stays pending for this consumer and is
      // redelivered when it subscribes again (or claimed by another after redeliverAfterMs).
      if (this.reading) this.disconnectReader();
    }
    await this.done;
    this.disconnectReader();
    this.config.onClose();
  }

  /** Once only: a second ioredis disconnect() leaves a 2 s timer waiting for a close that already happened. */
  private disconnectReader(): void {
    if (this.readerClosed) return;
    this.readerClosed = true;
    this.reader.disconnect();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closing) {
      try {
        if (!this.groupsReady) await this.createGroups();
        await this.claimIdle();
        await this.countTrimmed();
        const entries = await this.read();
        if (this.closing) break;
        if (entries.length === 0) {
          if (this.mode === 'pending') this.mode = 'new';
        } else if (!(await this.deliver(entries))) {
          this.mode = 'pending';
          await this.sleep(this.config.redeliverAfterMs);
        }
        failures = 0;
      } catch (error) {
        if (this.closing) break;
        if (error instanceof Error && error.message.startsWith('NOGROUP')) this.groupsReady = false;
        this.mode = 'pending'; // a failed XACK leaves entries pending: deliver them again
        this.config.onError(error);
        await this.sleep(Math.min(100 * 2 ** failures++, MAX_BACKOFF_MS));
      }
    }
  }

  private async createGroups(): Promise<void> {
    const { redis, streams, group, startFrom } = this.config;
    await Promise.all(
      streams.map(({ key }) =>
        callOnNodeOf(
          redis,
          key,
          'XGROUP',
          'CREATE',
          key,
          group,
          startFrom === 'earliest' ? '0' : '$',
          'MKSTREAM',
        ).catch((error: Error) => {
          if (!error.message.startsWith('BUSYGROUP')) throw error; // BUSYGROUP: it exists, keep its position
        }),
      ),
    );
    this.groupsReady = true;
  }

  /** Every redeliverAfterMs, takes over entries of the group left unacked that long (e.g. by a gone consumer). */
  private async claimIdle(): Promise<void> {
    const { redis, streams, group, consumer, redeliverAfterMs, batchSize } = this.config;
    if (Date.now() - this.lastClaim < redeliverAfterMs) return;
    this.lastClaim = Date.now();
    for (const { key } of streams) {
      let cursor = '0-0';
      do {
        const reply = await redis.call(
          'XAUTOCLAIM',
          key,
          group,
          consumer,
          redeliverAfterMs,
          cursor,
          'COUNT',
          batchSize,
          'JUSTID',
        );
        const [next, claimed] = reply as [string, string[]];
        if (claimed.length > 0) this.mode = 'pending'; // read back through XREADGROUP 0, in id order
        cursor = next;
      } while (cursor !== '0-0' && !this.closing);
    }
  }

  /** Every TRIM_CHECK_MS, before a read of new entries: counts those MAXLEN removed before the group read them. */
  private async countTrimmed(): Promise<void> {
    const { redis, streams, group, topic, counters } = this.config;
    if (this.mode !== 'new' || Date.now() - this.lastTrimCheck < TRIM_CHECK_MS) return;
    this.lastTrimCheck = Date.now();
    const found = await Promise.all(streams.map(({ key }) => redis.eval(COUNT_TRIMMED_SCRIPT, 1, key, group)));
    const lost = found.reduce<number>((sum, n) => sum + Number(n), 0);
    if (lost === 0) return;
    const key = trimmedKey(topic.name, group);
    counters.trimmedUnread.set(key, (counters.trimmedUnread.get(key) ?? 0) + lost);
  }

  private async read(): Promise<ReadEntry[]> {
    const { streams, cluster } = this.config;
    const pending = this.mode === 'pending';
    if (!cluster) return this.readStreams(streams, pending, true);
    const entries = (await Promise.all(streams.map((stream) => this.readStreams([stream], pending, false)))).flat();
    if (entries.length === 0 && !pending) await this.sleep(CLUSTER_POLL_MS);
    return entries;
  }

  private async readStreams(streams: readonly StreamRef[], pending: boolean, block: boolean): Promise<ReadEntry[]> {
    const { group, consumer, blockMs } = this.config;
    const args: Array<string | number> = ['GROUP', group, consumer, 'COUNT', this.readCount()];
    if (!pending && block) args.push('BLOCK', blockMs);
    args.push('STREAMS', ...streams.map((s) => s.key), ...streams.map(() => (pending ? '0' : '>')));
    this.reading = block;
    let reply: unknown;
    try {
      reply = await this.reader.call('XREADGROUP', ...args);
    } finally {
      this.reading = false;
    }
    return this.parseReply(reply);
  }

  /**
   * Entries a read asks for from each stream (XREADGROUP's COUNT is per stream): about one chunk of batchSize messages
   * over all of them, at least one entry each. Asking each of 16 shards for batchSize entries let a consumer with a
   * backlog take 16 × 500 entries (≈ 128,000 reports at 16 a publish) in one reply and hold their JSON for the seconds
   * their delivery took. (In the soak's steady state reads are small either way: the detector's 14 MB/s promoted to the
   * old generation did not change with this.)
   */
  private readCount(): number {
    const { batchSize, streams } = this.config;
    if (this.seen.entries === 0) return batchSize;
    const perEntry = Math.max(1, this.seen.messages / this.seen.entries);
    return Math.max(1, Math.min(batchSize, Math.ceil(batchSize / perEntry / streams.length)));
  }

  /** XREADGROUP reply: null on timeout, else [[key, [[id, [field, value, ...] | null], ...]], ...]. */
  private parseReply(reply: unknown): ReadEntry[] {
    if (!Array.isArray(reply)) return [];
    const out: ReadEntry[] = [];
    for (const [key, entries] of reply as Array<[string, Array<[string, string[] | null]>]>) {
      const stream = this.byKey.get(key)!;
      for (const [id, fields] of entries) out.push({ stream, id, fields });
    }
    return out;
  }

  /** Messages of one entry; what doesn't parse is counted and skipped (acked with the entry), never thrown. */
  private parseEntry({ stream, id, fields }: ReadEntry): BusMessage<unknown>[] {
    if (fields === null) return []; // trimmed by MAXLEN while pending: nothing left to deliver
    const data = fieldValue(fields, 'd');
    let payloads: unknown;
    try {
      payloads = data === undefined ? undefined : JSON.parse(data);
    } catch {
      payloads = undefined;
    }
    if (!Array.isArray(payloads)) {
      this.malformed(new Error(`bus entry ${stream.key} ${id} has no JSON array in field "d"`));
      return [];
    }
    const messages: BusMessage<unknown>[] = [];
    payloads.forEach((payload: unknown, index) => {
      const result = this.config.topic.schema.safeParse(payload);
      if (result.success) messages.push({ id: `${id}/${index}`, shard: stream.shard, payload: result.data });
      else
        this.malformed(
          new Error(`bus message ${stream.key} ${id}/${index} does not match topic "${this.config.topic.name}"`),
        );
    });
    return messages;
  }

  private malformed(error: Error): void {
    this.config.counters.malformed++;
    this.config.onError(error);
  }

  /**
   * Hands the messages over in chunks of batchSize and XACKs each entry once all its messages were handled.
   * Entries are parsed one at a time as the chunks need them: a read of batchSize entries can hold batchSize ×
   * (reports a publish) messages, and parsing them all at once blocked the event loop for a second when a
   * consumer had a backlog. Returns false when the handler threw: the rest stays pending.
   */
  private async deliver(entries: ReadEntry[]): Promise<boolean> {
    const { batchSize, handler } = this.config;
    let queue: BusMessage<unknown>[] = [];
    const ends: number[] = []; // messages parsed up to and including each entry
    let parsed = 0;
    let handed = 0;
    let acked = 0;
    const handOver = async (count: number): Promise<void> => {
      const chunk = queue.slice(0, count);
      queue = queue.slice(count);
      await handler(chunk);
      handed += count;
    };
    const ackHanded = async (): Promise<boolean> => {
      const done: ReadEntry[] = [];
      for (; acked < ends.length && ends[acked]! <= handed; acked++) done.push(entries[acked]!);
      await this.ack(done);
      return done.length > 0;
    };
    for (const entry of entries) {
      if (this.closing) return true; // what is left stays pending for this consumer
      const messages = this.parseEntry(entry);
      for (const message of messages) queue.push(message);
      parsed += messages.length;
      ends.push(parsed);
      this.seen.entries++;
      this.seen.messages += messages.length;
      while (queue.length >= batchSize && !this.closing) {
        try {
          await handOver(batchSize);
        } catch {
          return false;
        }
        // A chunk that finished no entry has no XACK to wait for: yield anyway, so one task handles one chunk.
        if (!(await ackHanded())) await nextTurn();
      }
    }
    if (queue.length > 0 && !this.closing) {
      try {
        await handOver(queue.length);
      } catch {
        return false;
      }
    }
    await ackHanded(); // the last chunk's entries, and entries with nothing to deliver
    return true;
  }

  private async ack(entries: readonly ReadEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const ids = new Map<string, string[]>();
    for (const { stream, id } of entries) {
      const list = ids.get(stream.key);
      if (list) list.push(id);
      else ids.set(stream.key, [id]);
    }
    await Promise.all([...ids].map(([key, list]) => this.config.redis.xack(key, this.config.group, ...list)));
  }

  /** Waits `ms`, cut short by close(). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wake = wake;
    });
  }
}

interface GroupInfo {
  name: string;
  /** Entries not yet delivered to the group; null when Redis cannot tell (entries deleted). */
  lag: number | null;
  pending: number;
}

/** The groups of an `XINFO GROUPS` reply. */
function groupsOf(reply: unknown): GroupInfo[] {
  if (!Array.isArray(reply)) return [];
  return (reply as string[][]).map((fields) => {
    const info = new Map<string, unknown>();
    for (let i = 0; i + 1 < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1]);
    const lag = info.get('lag');
    return {
      name: String(info.get('name')),
      lag: lag === null || lag === undefined ? null : Number(lag),
      pending: Number(info.get('pending') ?? 0),
    };
  });
}

function findGroup(reply: unknown, group: string): GroupInfo | undefined {
  return groupsOf(reply).find((info) => info.name === group);
}

function fieldValue(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
