import Redis from 'ioredis';
import type { Logger } from 'pino';
import { MemoryBus } from './bus/memory-bus';
import { RedisBus } from './bus/redis-bus';
import type { Bus } from './bus/types';
import { MemoryStore } from './store/memory-store';
import { RedisStore } from './store/redis-store';
import type { Store } from './store/types';

export interface Backends {
  store: Store;
  bus: Bus;
  close(): Promise<void>;
}

export interface BackendOptions {
  /** Distributed mode when set; embedded (in-memory) otherwise. */
  redisUrl?: string;
  busShards: number;
  /** Entries kept per bus shard (default: 64 in memory, 10,000 in Redis). */
  busMaxLen?: number | undefined;
  windowRetentionMs: number;
  logger: Logger;
}

/** The one switch between the two modes: same interfaces, memory or Redis behind them. */
export function createBackends(options: BackendOptions): Backends {
  if (!options.redisUrl) {
    const store = new MemoryStore({ windowRetentionMs: options.windowRetentionMs });
    // Payloads are validated at the HTTP edge before they reach the in-memory bus; re-checking costs throughput.
    // An entry is one ingest batch's slice for a shard (tens of reports): 64 per shard bounds the memory bus to
    // ~60k retained reports, which in-process consumers read within milliseconds anyway.
    const bus = new MemoryBus({ shards: options.busShards, validate: false, maxLenPerShard: options.busMaxLen ?? 64 });
    return { store, bus, close: async () => { await bus.close(); await store.close(); } };
  }
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2, enableAutoPipelining: true, lazyConnect: false });
  redis.on('error', (error: Error) => options.logger.warn({ err: error.message }, 'redis connection error'));
  const store = new RedisStore({ redis, windowRetentionMs: options.windowRetentionMs });
  const bus = new RedisBus({
    redis,
    shards: options.busShards,
    maxLenPerShard: options.busMaxLen ?? 10_000,
    // At the edge reports are validated once; consumers still parse every payload they read.
    validate: false,
    onError: (error) => options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'bus consumer error (the read loop continues)'),
  });
  return {
    store,
    bus,
    async close() {
      await bus.close();
      await store.close();
      redis.disconnect();
    },
  };
}
