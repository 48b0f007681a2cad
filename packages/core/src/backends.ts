import type { Logger } from 'pino';
import { MemoryBus } from './bus/memory-bus';
import { RedisBus } from './bus/redis-bus';
import type { Bus } from './bus/types';
import { MemoryShardLeases, RedisShardLeases, type ShardLeases } from './leases/shard-leases';
import { connectRedis } from './redis-client';
import { MemoryStore } from './store/memory-store';
import { RedisStore } from './store/redis-store';
import type { Store } from './store/types';

export interface Backends {
  store: Store;
  bus: Bus;
  /** Shard leases of one family (e.g. a consumer group), in the same backend as the bus. */
  leases(scope: string): ShardLeases;
  close(): Promise<void>;
}

export interface BackendOptions {
  /** Distributed mode on one Redis server when set. */
  redisUrl?: string | undefined;
  /** Distributed mode on a Redis Cluster (seed nodes `host:port`) when set; exclusive with redisUrl. */
  redisClusterNodes?: readonly string[] | undefined;
  busShards: number;
  /** Entries kept per bus shard (default: 64 in memory, 10,000 in Redis). */
  busMaxLen?: number | undefined;
  /** Replicas that must hold a bus entry before publish resolves (default: 1 on a cluster, 0 on a server). */
  busAckReplicas?: number | undefined;
  /** Idle time after which a consumer may claim another's unacknowledged entries (default 30 s). */
  busRedeliverMs?: number | undefined;
  windowRetentionMs: number;
  logger: Logger;
}

/** The one switch between the two modes: same interfaces, memory or Redis (a server or a cluster) behind them. */
export function createBackends(options: BackendOptions): Backends {
  if (!options.redisUrl && !options.redisClusterNodes?.length) {
    const store = new MemoryStore({ windowRetentionMs: options.windowRetentionMs });
    // Payloads are validated at the HTTP edge before they reach the in-memory bus; re-checking costs throughput.
    // An entry is one ingest batch's slice for a shard (tens of reports): 64 per shard bounds the memory bus to
    // ~60k retained reports, which in-process consumers read within milliseconds anyway.
    const bus = new MemoryBus({ shards: options.busShards, validate: false, maxLenPerShard: options.busMaxLen ?? 64 });
    const leases = new Map<string, ShardLeases>();
    return {
      store,
      bus,
      leases: (scope) => leases.get(scope) ?? leases.set(scope, new MemoryShardLeases()).get(scope)!,
      close: async () => { await bus.close(); await store.close(); },
    };
  }
  if (options.redisUrl && options.redisClusterNodes?.length) throw new Error('set REDIS_URL or REDIS_CLUSTER_NODES, not both');
  const cluster = Boolean(options.redisClusterNodes?.length);
  const redis = connectRedis({
    url: options.redisUrl,
    clusterNodes: options.redisClusterNodes,
    onError: (error) => options.logger.warn({ err: error.message }, 'redis connection error'),
  });
  const store = new RedisStore({ redis, windowRetentionMs: options.windowRetentionMs });
  const bus = new RedisBus({
    redis,
    shards: options.busShards,
    maxLenPerShard: options.busMaxLen ?? 10_000,
    // On a cluster an entry is acknowledged once a replica holds it too: a master's death then loses nothing acked.
    ackReplicas: options.busAckReplicas ?? (cluster ? 1 : 0),
    ...(options.busRedeliverMs !== undefined ? { redeliverAfterMs: options.busRedeliverMs } : {}),
    // At the edge reports are validated once; consumers still parse every payload they read.
    validate: false,
    onError: (error) => options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'bus consumer error (the read loop continues)'),
  });
  return {
    store,
    bus,
    leases: (scope) => new RedisShardLeases(redis, scope),
    async close() {
      await bus.close();
      await store.close();
      redis.disconnect();
    },
  };
}
