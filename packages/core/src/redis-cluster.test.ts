import type { Cluster } from 'ioredis';
import { RedisBus } from './bus/redis-bus';
import { callOnNodeOf, connectRedis, pingRedis, type RedisClient } from './redis-client';
import { RedisShardLeases } from './leases/shard-leases';
import { RedisStore } from './store/redis-store';
import { describeBusContract, testTopic, waitFor } from './test-support/bus.contract';
import { describeLeasesContract } from './test-support/leases.contract';
import { agent, describeStoreContract } from './test-support/store.contract';
import { startRedisCluster, type RedisClusterHandle } from '@swarmscope/testkit';

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

  describeLeasesContract('redis cluster', async () => new RedisShardLeases(await connect(), `scope-${++prefixes}`));

  describe('a slow consumer', () => {
    it('never blocks producers: the stream stays near MAXLEN, the oldest entries go, lag and the trimmed count show it', async () => {
      const redis = await connect();
      const bus = new RedisBus({ redis, prefix: 'slow', shards: 1, maxLenPerShard: 100, ackReplicas: 1 });
      let release!: () => void;
      const stalled = new Promise<void>((resolve) => (release = resolve));
      let delivered = 0;
      const sub = bus.subscribe(testTopic, { group: 'slow', consumer: 'c', batchSize: 10 }, async (batch) => {
        delivered += batch.length;
        await stalled; // the consumer stops at its first batch
      });
      await waitFor(() => redis.exists('slow:bus:test-events:0').then((n) => n === 1), 10_000, 'the group');
      for (let i = 0; i < 2_000; i++) await bus.publish(testTopic, 0, [{ n: i, tag: 'e' }]); // each resolves: nothing waits for the consumer
      const length = await redis.xlen('slow:bus:test-events:0');
      // MAXLEN ~ trims whole stream nodes (100 entries each): the stream holds at most about 2 × MAXLEN.
      expect(length).toBeGreaterThanOrEqual(100);
      expect(length).toBeLessThanOrEqual(200);
      const info = (await callOnNodeOf(
        redis,
        'slow:bus:test-events:0',
        'XINFO',
        'STREAM',
        'slow:bus:test-events:0',
      )) as unknown[];
      const added = Number(info[info.indexOf('entries-added') + 1]);
      expect(added).toBe(2_000); // Redis counts every entry ever added: added − length were trimmed unread
      expect(await bus.lag(testTopic, 'slow')).toBeGreaterThan(0);
      expect(delivered).toBeLessThanOrEqual(10);
      release();
      await sub.close();
      await bus.close();
    });
  });

  describe('durable acknowledgement', () => {
    // Stops one replica and starts it again; it is in sync before the test ends.
    it('rejects a publish no replica confirmed (WAIT), so nothing only on one master is acknowledged; accepts again once the replica is back', async () => {
      const redis = (await connect()) as Cluster;
      const bus = new RedisBus({ redis, prefix: 'durable', shards: 1, ackReplicas: 1, ackTimeoutMs: 300 });
      const key = 'durable:bus:test-events:0';
      await bus.publish(testTopic, 0, [{ n: 0, tag: 'e' }]);
      // The master holding the stream (the others answer MOVED).
      const holders = await Promise.all(
        redis.nodes('master').map(async (node) => ((await node.exists(key).catch(() => 0)) === 1 ? node : undefined)),
      );
      const master = holders.find(Boolean)!;
      const masterId = String(await master.cluster('MYID'));
      const nodes = String(await master.cluster('NODES')).split('\n');
      const replicaPort = Number(
        nodes
          .find((line) => line.split(' ')[3] === masterId)!
          .split(' ')[1]!
          .split('@')[0]!
          .split(':')[1],
      );
      await cluster.kill(replicaPort);
      try {
        await expect(bus.publish(testTopic, 0, [{ n: 1, tag: 'e' }])).rejects.toThrow(
          /0 of 1 replicas acknowledged within 300 ms/,
        );
      } finally {
        await cluster.restart(replicaPort);
      }
      await waitFor(
        async () =>
          bus.publish(testTopic, 0, [{ n: 2, tag: 'e' }]).then(
            () => true,
            () => false,
          ),
        20_000,
        'the replica back in sync',
      );
      await bus.close();
    }, 40_000);
  });

  describe('cluster layout', () => {
    it('spreads the bus shards over the masters and keeps the registry on one slot', async () => {
      const redis = (await connect()) as Cluster;
      const bus = new RedisBus({ redis, prefix: 'spread', shards: 16, ackReplicas: 1 });
      for (let shard = 0; shard < 16; shard++) await bus.publish(testTopic, shard, [{ n: shard, tag: 'e' }]);
      const store = new RedisStore({ redis, prefix: 'spread', windowRetentionMs: 60_000 });
      await store.agents.upsert([agent('a-1'), agent('a-2')]);
      const holders = await Promise.all(
        redis.nodes('master').map(async (node) => (await node.keys('spread:*')).sort()),
      );
      const busHolders = holders.filter((keys) => keys.some((key) => key.startsWith('spread:bus:')));
      expect(busHolders).toHaveLength(3);
      const registry = holders.filter((keys) => keys.includes('spread:{agents}'));
      expect(registry).toHaveLength(1);
      expect(registry[0]).toContain('spread:{agents}:ids');
      await bus.close();
    });
  });
});
