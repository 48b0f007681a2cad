import type { Cluster } from 'ioredis';
import { RedisBus } from './bus/redis-bus';
import { startRedisCluster, type RedisClusterHandle } from './local-redis-cluster';
import { connectRedis, pingRedis, type RedisClient } from './redis-client';
import { RedisStore } from './store/redis-store';
import { describeBusContract, testTopic } from './test-support/bus.contract';
import { agent, describeStoreContract } from './test-support/store.contract';

// One Redis Cluster (3 masters + 3 replicas) for the file; a fresh key prefix per test keeps tests apart.
describe('redis cluster', () => {
  let cluster: RedisClusterHandle;
  let prefixes = 0;
  const clients: RedisClient[] = [];
  const connect = async (): Promise<RedisClient> => {
    const client = connectRedis({ clusterNodes: cluster.nodes.split(',') });
    clients.push(client);
    await pingRedis(client);
    return client;
  };
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => {})));
    await cluster?.stop();
  });

  describeStoreContract('redis cluster', async ({ windowRetentionMs }) => {
    const redis = await connect();
    const store = new RedisStore({ redis, prefix: `t${++prefixes}`, windowRetentionMs });
    return { store, cleanup: () => store.close() };
  });

  describeBusContract('redis cluster', async (options) => {
    const redis = await connect();
    const bus = new RedisBus({ redis, prefix: `t${++prefixes}`, ackReplicas: 1, ...options });
    return { bus, cleanup: () => bus.close() };
  });

  describe('cluster layout', () => {
    it('spreads the bus shards over the masters and keeps the registry on one slot', async () => {
      const redis = (await connect()) as Cluster;
      const bus = new RedisBus({ redis, prefix: 'spread', shards: 16, ackReplicas: 1 });
      for (let shard = 0; shard < 16; shard++) await bus.publish(testTopic, shard, [{ n: shard, tag: 'e' }]);
      const store = new RedisStore({ redis, prefix: 'spread', windowRetentionMs: 60_000 });
      await store.agents.upsert([agent('a-1'), agent('a-2')]);
      const holders = await Promise.all(redis.nodes('master').map(async (node) => (await node.keys('spread:*')).sort()));
      const busHolders = holders.filter((keys) => keys.some((key) => key.startsWith('spread:bus:')));
      expect(busHolders).toHaveLength(3);
      const registry = holders.filter((keys) => keys.includes('spread:{agents}'));
      expect(registry).toHaveLength(1);
      expect(registry[0]).toContain('spread:{agents}:ids');
      await bus.close();
    });
  });
});
