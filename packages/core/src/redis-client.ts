import Redis, { Cluster } from 'ioredis';

/** What the Redis store and bus run on: one Redis server, or a Redis Cluster through ioredis' Cluster client. */
export type RedisClient = Redis | Cluster;

export interface RedisConnectOptions {
  /** One server: `redis://` or `rediss://` URL. */
  url?: string | undefined;
  /** A Redis Cluster: seed nodes as `host:port` (any subset of the cluster; the client discovers the rest). */
  clusterNodes?: readonly string[] | undefined;
  /** Told about connection errors (ioredis retries by itself). */
  onError?: (error: Error) => void;
}

/**
 * Commands fail after two retries instead of queueing forever: a write the bus cannot store must reject, so the
 * service answers 503 and the client retries, rather than acknowledging data that is only in a local queue.
 */
const MAX_RETRIES_PER_REQUEST = 2;
/**
 * How long a closing connection may take before its socket is destroyed. ioredis arms this timer on every
 * disconnect and clears it when the socket closes, but a socket that had closed already (its server gone) never closes
 * again: the default 2 s kept the process alive that long after a clean stop (jest's "worker failed to exit").
 */
const DISCONNECT_TIMEOUT_MS = 100;

export function connectRedis(options: RedisConnectOptions): RedisClient {
  let client: RedisClient;
  if (options.clusterNodes && options.clusterNodes.length > 0) {
    client = new Cluster(options.clusterNodes.map(parseNode), {
      enableAutoPipelining: true,
      // A dead master: ioredis refreshes the slot map and retries, within maxRetriesPerRequest.
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 200,
      redisOptions: {
        maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
        connectTimeout: 2_000,
        disconnectTimeout: DISCONNECT_TIMEOUT_MS,
      },
    });
  } else if (options.url) {
    client = new Redis(options.url, {
      maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
      enableAutoPipelining: true,
      disconnectTimeout: DISCONNECT_TIMEOUT_MS,
    });
  } else {
    throw new Error('connectRedis needs a url or cluster nodes');
  }
  if (options.onError) client.on('error', options.onError);
  return client;
}

/** `host:port` (or `redis://host:port`) → ioredis' cluster node form. */
export function parseNode(node: string): { host: string; port: number } {
  const bare = node.trim().replace(/^rediss?:\/\//, '');
  const match = /^(.+):(\d{1,5})$/.exec(bare);
  if (!match) throw new RangeError(`cluster node "${node}" is not host:port`);
  return { host: match[1]!, port: Number(match[2]) };
}

/**
 * Resolves when the client can serve: a server answers PING; a cluster says `cluster_state:ok` (every slot served
 * by a reachable master), so /readyz turns 503 while a master's slots are failing over.
 */
export async function pingRedis(client: RedisClient): Promise<void> {
  if (!client.isCluster) {
    await client.ping();
    return;
  }
  const info = String(await client.cluster('INFO'));
  if (!/cluster_state:ok/.test(info))
    throw new Error(`Redis Cluster is not ok: ${/cluster_state:\w+/.exec(info)?.[0] ?? 'no cluster_state'}`);
  // CLUSTER INFO came from one node; a PING to every master shows the ones this client cannot reach.
  await Promise.all((client as Cluster).nodes('master').map((node) => node.ping()));
}

/**
 * Runs a command that names `key` where ioredis cannot see it (XINFO GROUPS, XGROUP CREATE: it routes them to any
 * node, which answers MOVED) on the node that holds the key: a cluster pipeline goes where its keyed commands go.
 */
export async function callOnNodeOf(
  client: RedisClient,
  key: string,
  command: string,
  ...args: Array<string | number>
): Promise<unknown> {
  if (!client.isCluster) return client.call(command, ...args);
  const results =
    (await client
      .pipeline()
      .exists(key)
      .call(command, ...args)
      .exec()) ?? [];
  const [error, reply] = results[1] ?? [new Error(`${command} on ${key}: pipeline aborted`), null];
  if (error) throw error;
  return reply;
}
