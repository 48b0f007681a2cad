import type { Logger } from 'pino';
import { ConfigError, type CommonEnv } from './config/env';
import { StartupError } from './startup-error';
import { MemoryBus } from './bus/memory-bus';
import { RedisBus } from './bus/redis-bus';
import type { Bus } from './bus/types';
import { MemoryShardLeases, RedisShardLeases, type ShardLeases } from './leases/shard-leases';
import { connect } from 'node:net';
import { connectRedis, parseNode, pingRedis, type RedisClient } from './redis-client';
import { MemoryStore } from './store/memory-store';
import { RedisStore } from './store/redis-store';
import type { Store } from './store/types';

export interface Backends {
  store: Store;
  bus: Bus;
  /** Shard leases of one family (e.g. a consumer group), in the same backend as the bus. */
  leases(scope: string): ShardLeases;
  /** The Redis client behind them (Redis modes only), for a service's own keys. */
  redis?: RedisClient;
  close(): Promise<void>;
}

/** The variables that choose and tune the backends: every service reads them from its own environment, the same way. */
export type BackendEnv = Pick<
  CommonEnv,
  'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'BUS_ACK_REPLICAS' | 'BUS_REDELIVER_SECONDS' | 'BUS_SHARDS' | 'BUS_MAX_LEN'
>;

export interface BackendOptions {
  /**
   * The service's parsed environment: the only input that picks memory, a Redis server (REDIS_URL) or a Redis Cluster
   * (REDIS_CLUSTER_NODES), so no service can run on other backends than its neighbours given the same variables.
   */
  env: BackendEnv;
  windowRetentionMs: number;
  logger: Logger;
}

/** How long a starting service waits for its configured Redis before refusing to start. */
const REACHABLE_WITHIN_MS = 5_000;

/**
 * The backends the environment names, checked: a Redis server or cluster that does not answer within 5 s makes the
 * start fail with a StartupError naming it and its variable (a service never falls back to memory).
 */
export async function openBackends(options: BackendOptions): Promise<Backends> {
  assertOneRedis(options.env);
  const { REDIS_URL, REDIS_CLUSTER_NODES } = options.env;
  const target = REDIS_CLUSTER_NODES
    ? `Redis Cluster at ${REDIS_CLUSTER_NODES.join(',')}`
    : REDIS_URL
      ? `Redis at ${redactUrl(REDIS_URL)}`
      : undefined;
  const variable = REDIS_CLUSTER_NODES ? 'REDIS_CLUSTER_NODES' : 'REDIS_URL';
  const refusal = (cause: string) =>
    new StartupError(
      `${target} is unreachable (${cause}): start it, or set ${variable} to one that runs (unset it for the embedded in-memory mode)`,
    );
  // A TCP connect first: a refused or silent address fails at once, without a Redis client to tear down (ioredis
  // leaves a 2 s timer behind when it disconnects from a connection that never opened).
  if (target) {
    const seeds = REDIS_CLUSTER_NODES ? REDIS_CLUSTER_NODES.map(parseNode) : [urlNode(REDIS_URL!)];
    const answers = await Promise.all(seeds.map((seed) => tcpProblem(seed, REACHABLE_WITHIN_MS)));
    if (answers.every((problem) => problem !== undefined)) throw refusal(answers[0]!);
  }
  let lastError: string | undefined;
  let opening = true;
  // While opening, connection errors make the one line of the refusal, not a warning each retry.
  const backends = createBackends(options, (error) => {
    lastError = error.message;
    return opening;
  });
  if (!backends.redis) return backends;
  try {
    await withTimeout(pingRedis(backends.redis), REACHABLE_WITHIN_MS);
    opening = false;
    return backends;
  } catch (error) {
    await backends.close().catch(() => {});
    throw refusal(lastError ?? (error as Error).message);
  }
}

/** The one switch between the two modes: same interfaces, memory or Redis (a server or a cluster) behind them. */
/** `onRedisError` hears of connection errors first; when it returns true they are not logged. */
export function createBackends(options: BackendOptions, onRedisError?: (error: Error) => boolean): Backends {
  const { env } = options;
  assertOneRedis(env);
  if (!env.REDIS_URL && !env.REDIS_CLUSTER_NODES?.length) {
    const store = new MemoryStore({ windowRetentionMs: options.windowRetentionMs });
    // Payloads are validated at the HTTP edge before they reach the in-memory bus; re-checking costs throughput.
    // An entry is one ingest batch's slice for a shard (tens of reports): 64 per shard bounds the memory bus to
    // ~60k retained reports, which in-process consumers read within milliseconds anyway.
    // Every reader is in this process and subscribes at start: entries they all acknowledged are let go at once.
    const bus = new MemoryBus({
      shards: env.BUS_SHARDS,
      validate: false,
      keepRead: false,
      maxLenPerShard: env.BUS_MAX_LEN ?? 64,
    });
    const leases = new Map<string, ShardLeases>();
    return {
      store,
      bus,
      leases: (scope) => leases.get(scope) ?? leases.set(scope, new MemoryShardLeases()).get(scope)!,
      close: async () => {
        await bus.close();
        await store.close();
      },
    };
  }
  const cluster = Boolean(env.REDIS_CLUSTER_NODES?.length);
  const redis = connectRedis({
    url: env.REDIS_URL,
    clusterNodes: env.REDIS_CLUSTER_NODES,
    onError: (error) => {
      if (onRedisError?.(error) !== true) options.logger.warn({ err: error.message }, 'redis connection error');
    },
  });
  const store = new RedisStore({ redis, windowRetentionMs: options.windowRetentionMs });
  const bus = new RedisBus({
    redis,
    shards: env.BUS_SHARDS,
    maxLenPerShard: env.BUS_MAX_LEN ?? 10_000,
    // On a cluster an entry is acknowledged once a replica holds it too: a master's death then loses nothing acked.
    ackReplicas: env.BUS_ACK_REPLICAS ?? (cluster ? 1 : 0),
    redeliverAfterMs: env.BUS_REDELIVER_SECONDS * 1000,
    // At the edge reports are validated once; consumers still parse every payload they read.
    validate: false,
    onError: (error) =>
      options.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'bus consumer error (the read loop continues)',
      ),
  });
  return {
    store,
    bus,
    redis,
    leases: (scope) => new RedisShardLeases(redis, scope),
    async close() {
      await bus.close();
      await store.close();
      redis.disconnect();
    },
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

function urlNode(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || 6379) };
}

/** Why a TCP connection to host:port cannot be made (e.g. `connect ECONNREFUSED 127.0.0.1:6390`), or undefined once one is. */
function tcpProblem(node: { host: string; port: number }, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect(node);
    const done = (problem: string | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no TCP answer from ${node.host}:${node.port} within ${timeoutMs} ms`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (error) => done(error.message));
  });
}

function assertOneRedis(env: BackendEnv): void {
  if (env.REDIS_URL && env.REDIS_CLUSTER_NODES)
    throw new ConfigError(['REDIS_CLUSTER_NODES: set it or REDIS_URL, not both']);
}
