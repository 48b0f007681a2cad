import { pingRedis, type RedisClient } from '../redis-client';
import type {
  DocumentStore,
  LogStore,
  AgentFilter,
  AgentRecord,
  AgentStore,
  Page,
  PageRequest,
  GraphWindow,
  IncidentFilter,
  IncidentStore,
  Store,
  WindowStore,
  WindowSummary,
} from './types';
import type { Incident } from '../bus/topics';
import { checkPageLimit, compareIncidents, matches, matchesIncident } from './checks';

export interface RedisStoreOptions {
  /** Connection (a server or a Cluster client) to use; owned by the caller (close() does not quit it). */
  redis: RedisClient;
  /** Prefix of every key (default 'swarmscope'). */
  prefix?: string;
  /** Windows older than this (relative to the newest window of the same key) are dropped. */
  windowRetentionMs: number;
}

/** Arguments per HSET/ZADD command, so a huge upsert doesn't become one giant command. */
const WRITE_CHUNK = 1000;
/** Ids read per ZRANGEBYLEX while scanning for a filtered page. */
const SCAN_CHUNK = 500;

/**
 * Store in Redis, on one server or a Redis Cluster. Key layout (P = prefix):
 * - `P:{agents}`          hash   id -> AgentRecord JSON
 * - `P:{agents}:ids`      zset   every id with score 0, so ZRANGEBYLEX pages in id order
 * - `P:windows:<key>`     zset   WindowSummary JSON scored by window start; PEXPIREd to retention
 * - `P:graph:<key>`       zset   GraphWindow JSON, the same way
 * - `P:{incidents}`         hash   id -> Incident JSON
 * - `P:{incidents}:opened`  zset   every incident id scored by openedAt (newest-first listings)
 * - `P:{incidents}:unresolved` set ids of incidents not resolved
 * The registry's two keys share the hash tag `{agents}` (the incidents' three `{incidents}`), so one MULTI writes both and a page reads both on one
 * cluster node; every other command names one key (a window series is one zset), so nothing crosses slots.
 * The connection is the caller's: close() only stops this store from being used.
 */
export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  readonly agents: RedisAgentStore;
  readonly windows: RedisWindowStore<WindowSummary>;
  readonly graph: RedisWindowStore<GraphWindow>;
  readonly incidents: RedisIncidentStore;
  readonly documents: DocumentStore;
  readonly logs: LogStore;
  private readonly redis: RedisClient;
  private closed = false;

  constructor(options: RedisStoreOptions) {
    const prefix = options.prefix ?? 'swarmscope';
    const open = () => this.assertOpen();
    this.redis = options.redis;
    this.agents = new RedisAgentStore(options.redis, prefix, open);
    this.windows = new RedisWindowStore(options.redis, `${prefix}:windows`, options.windowRetentionMs, open);
    this.graph = new RedisWindowStore(options.redis, `${prefix}:graph`, options.windowRetentionMs, open);
    this.incidents = new RedisIncidentStore(options.redis, `${prefix}:{incidents}`, open);
    this.documents = new RedisDocumentStore(options.redis, `${prefix}:documents`, open);
    this.logs = new RedisLogStore(options.redis, `${prefix}:log`, open);
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await pingRedis(this.redis);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('RedisStore is closed');
  }
}

class RedisAgentStore implements AgentStore {
  private readonly hashKey: string;
  private readonly idsKey: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly assertOpen: () => void,
  ) {
    this.hashKey = `${prefix}:{agents}`;
    this.idsKey = `${prefix}:{agents}:ids`;
  }

  async upsert(agents: readonly AgentRecord[]): Promise<void> {
    this.assertOpen();
    if (agents.length === 0) return;
    // One MULTI a chunk, the chunks one after the other: readers never see an id without its record, and a tick that
    // writes 10,000 changed records yields to the event loop between chunks rather than encoding them all at once.
    for (let i = 0; i < agents.length; i += WRITE_CHUNK) {
      const fields: string[] = [];
      const members: Array<string | number> = [];
      for (const agent of agents.slice(i, i + WRITE_CHUNK)) {
        fields.push(agent.id, JSON.stringify(agent));
        members.push(0, agent.id);
      }
      await execOrThrow(
        this.redis
          .multi()
          .hset(this.hashKey, ...fields)
          .zadd(this.idsKey, ...members),
      );
    }
  }

  async get(id: string): Promise<AgentRecord | undefined> {
    this.assertOpen();
    const json = await this.redis.hget(this.hashKey, id);
    return json === null ? undefined : (JSON.parse(json) as AgentRecord);
  }

  async list(filter: AgentFilter, page: PageRequest): Promise<Page<AgentRecord>> {
    this.assertOpen();
    checkPageLimit(page.limit);
    const unfiltered = filter.status === undefined && filter.model === undefined && filter.pool === undefined;
    // One item more than asked tells whether a next page exists.
    const wanted = page.limit + 1;
    const items: AgentRecord[] = [];
    for await (const chunk of this.scan(page.cursor, unfiltered ? wanted : Math.max(wanted, SCAN_CHUNK))) {
      for (const record of chunk) {
        if (matches(record, filter)) items.push(record);
        if (items.length === wanted) break;
      }
      if (items.length === wanted) break;
    }
    const hasMore = items.length > page.limit;
    if (hasMore) items.pop();
    const result: Page<AgentRecord> = { items };
    if (hasMore) result.next = items[items.length - 1]!.id;
    return result;
  }

  async all(): Promise<AgentRecord[]> {
    this.assertOpen();
    const out: AgentRecord[] = [];
    for await (const chunk of this.scan(undefined, SCAN_CHUNK * 2)) out.push(...chunk);
    return out;
  }

  async count(): Promise<number> {
    this.assertOpen();
    return this.redis.zcard(this.idsKey);
  }

  /** Records in id order after `after` (exclusive), `size` ids per round trip pair. */
  private async *scan(after: string | undefined, size: number): AsyncGenerator<AgentRecord[]> {
    let from = after === undefined ? '-' : `(${after}`;
    for (;;) {
      const ids = await this.redis.zrangebylex(this.idsKey, from, '+', 'LIMIT', 0, size);
      if (ids.length === 0) return;
      const values = await this.redis.hmget(this.hashKey, ...ids);
      const records: AgentRecord[] = [];
      for (const json of values) if (json !== null) records.push(JSON.parse(json) as AgentRecord);
      yield records;
      if (ids.length < size) return;
      from = `(${ids[ids.length - 1]}`;
    }
  }
}

/** Series a window append writes at once. */
const APPEND_CONCURRENCY = 256;

class RedisWindowStore<T extends { start: number }> implements WindowStore<T> {
  constructor(
    private readonly redis: RedisClient,
    private readonly namespace: string,
    private readonly retentionMs: number,
    private readonly assertOpen: () => void,
  ) {
    if (!(retentionMs > 0)) throw new RangeError(`windowRetentionMs must be > 0, got ${retentionMs}`);
  }

  async append(entries: ReadonlyArray<{ key: string; window: T }>): Promise<void> {
    this.assertOpen();
    if (entries.length === 0) return;
    const byKey = new Map<string, T[]>();
    for (const { key, window } of entries) {
      const list = byKey.get(key);
      if (list) list.push(window);
      else byKey.set(key, [window]);
    }
    // Each series is one key, maybe on its own cluster node: its commands stay together, the series go in parallel,
    // APPEND_CONCURRENCY at a time: a minute's close of 10,000 agents' windows sent at once kept the event loop
    // busy for most of a second building and answering 20,000 commands.
    const series = [...byKey];
    for (let from = 0; from < series.length; from += APPEND_CONCURRENCY) {
      await Promise.all(
        series
          .slice(from, from + APPEND_CONCURRENCY)
          .map(([key, windows]) => this.appendSeries(this.key(key), windows)),
      );
    }
  }

  /** Two round trips for one series: its newest stored start (retention is relative to it), then one MULTI. */
  private async appendSeries(redisKey: string, windows: readonly T[]): Promise<void> {
    const stored = await this.redis.zrange(redisKey, -1, -1, 'WITHSCORES');
    let top = stored.length === 2 ? Number(stored[1]) : -Infinity;
    for (const w of windows) top = Math.max(top, w.start);
    const cutoff = top - this.retentionMs;
    const write = this.redis.multi();
    for (const w of windows) {
      if (w.start < cutoff) continue;
      // Same start = the same window delivered again: replace it rather than keep both.
      write.zremrangebyscore(redisKey, w.start, w.start);
      write.zadd(redisKey, w.start, JSON.stringify(w));
    }
    write.zremrangebyscore(redisKey, '-inf', `(${cutoff}`);
    write.pexpire(redisKey, this.retentionMs);
    await execOrThrow(write);
  }

  async range(key: string, fromMs: number, toMs: number): Promise<T[]> {
    this.assertOpen();
    if (fromMs > toMs) return [];
    const members = await this.redis.zrangebyscore(this.key(key), fromMs, toMs);
    return members.map((json) => JSON.parse(json) as T);
  }

  /** `namespace` is the store's prefix plus the series family (`windows` or `graph`). */
  private key(key: string): string {
    return `${this.namespace}:${key}`;
  }
}

class RedisIncidentStore implements IncidentStore {
  private readonly openedKey: string;
  private readonly unresolvedKey: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly hashKey: string,
    private readonly assertOpen: () => void,
  ) {
    this.openedKey = `${hashKey}:opened`;
    this.unresolvedKey = `${hashKey}:unresolved`;
  }

  async upsert(incidents: readonly Incident[]): Promise<void> {
    this.assertOpen();
    if (incidents.length === 0) return;
    // One MULTI: a listing never sees an id without its incident, nor a status without its index.
    const multi = this.redis.multi();
    for (const incident of incidents) {
      multi.hset(this.hashKey, incident.id, JSON.stringify(incident));
      multi.zadd(this.openedKey, incident.openedAt, incident.id);
      if (incident.status === 'resolved') multi.srem(this.unresolvedKey, incident.id);
      else multi.sadd(this.unresolvedKey, incident.id);
    }
    await execOrThrow(multi);
  }

  async get(id: string): Promise<Incident | undefined> {
    this.assertOpen();
    const json = await this.redis.hget(this.hashKey, id);
    return json === null ? undefined : (JSON.parse(json) as Incident);
  }

  async list(filter: IncidentFilter, limit: number): Promise<Incident[]> {
    this.assertOpen();
    checkPageLimit(limit);
    const out: Incident[] = [];
    // Newest first through the openedAt index, a chunk at a time. Ids unread have a score ≤ the lowest read, so
    // reading stops once `limit` matches are in and the last of them opened strictly after that score (ties
    // across a chunk boundary are still read, then ordered by id).
    let offset = 0;
    for (;;) {
      const read = await this.redis.zrevrange(this.openedKey, offset, offset + SCAN_CHUNK - 1, 'WITHSCORES');
      const ids = read.filter((_, i) => i % 2 === 0);
      if (ids.length === 0) break;
      offset += ids.length;
      const lowest = Number(read[read.length - 1]);
      const values = await this.redis.hmget(this.hashKey, ...ids);
      for (const json of values) {
        if (json === null) continue;
        const incident = JSON.parse(json) as Incident;
        if (matchesIncident(incident, filter)) out.push(incident);
      }
      out.sort(compareIncidents);
      if (ids.length < SCAN_CHUNK || (out.length >= limit && out[limit - 1]!.openedAt > lowest)) break;
    }
    return out.slice(0, limit);
  }

  async unresolved(): Promise<Incident[]> {
    this.assertOpen();
    const ids = await this.redis.smembers(this.unresolvedKey);
    if (ids.length === 0) return [];
    const values = await this.redis.hmget(this.hashKey, ...ids);
    const out: Incident[] = [];
    for (const json of values) if (json !== null) out.push(JSON.parse(json) as Incident);
    return out.sort(compareIncidents);
  }

  async prune(beforeMs: number): Promise<number> {
    this.assertOpen();
    // A resolved incident changed before `beforeMs` was opened before it too: only those ids are candidates.
    const ids = await this.redis.zrangebyscore(this.openedKey, '-inf', `(${beforeMs}`);
    if (ids.length === 0) return 0;
    const values = await this.redis.hmget(this.hashKey, ...ids);
    const doomed: string[] = [];
    values.forEach((json, i) => {
      if (json === null) return;
      const incident = JSON.parse(json) as Incident;
      if (incident.status === 'resolved' && incident.updatedAt < beforeMs) doomed.push(ids[i]!);
    });
    if (doomed.length === 0) return 0;
    const multi = this.redis.multi();
    multi.hdel(this.hashKey, ...doomed);
    multi.zrem(this.openedKey, ...doomed);
    multi.srem(this.unresolvedKey, ...doomed);
    await execOrThrow(multi);
    return doomed.length;
  }
}

/** Runs a pipeline/multi and fails on the first command error (ioredis reports them per command). */
async function execOrThrow(batch: { exec(): Promise<Array<[Error | null, unknown]> | null> }): Promise<unknown[]> {
  const results = await batch.exec();
  if (results === null) throw new Error('Redis transaction aborted');
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/** A collection is one hash (`P:documents:<collection>`, key → JSON): one key, one cluster slot. */
class RedisDocumentStore implements DocumentStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly assertOpen: () => void,
  ) {}

  async put(collection: string, key: string, value: unknown): Promise<void> {
    this.assertOpen();
    await this.redis.hset(`${this.prefix}:${collection}`, key, JSON.stringify(value));
  }

  async all(collection: string): Promise<unknown[]> {
    this.assertOpen();
    return Object.values(await this.redis.hgetall(`${this.prefix}:${collection}`)).map(
      (json) => JSON.parse(json) as unknown,
    );
  }
}

/** A log is one list (`P:log:<name>`), trimmed to its newest entries in the MULTI that appends them. */
class RedisLogStore implements LogStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly assertOpen: () => void,
  ) {}

  async append(log: string, entries: readonly unknown[], keep: number): Promise<void> {
    this.assertOpen();
    if (entries.length === 0) return;
    const key = `${this.prefix}:${log}`;
    await execOrThrow(
      this.redis
        .multi()
        .rpush(key, ...entries.map((entry) => JSON.stringify(entry)))
        .ltrim(key, -keep, -1),
    );
  }

  async read(log: string): Promise<unknown[]> {
    this.assertOpen();
    return (await this.redis.lrange(`${this.prefix}:${log}`, 0, -1)).map((json) => JSON.parse(json) as unknown);
  }
}
