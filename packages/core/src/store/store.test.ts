import { Redis } from 'ioredis';
import net from 'node:net';
import { agent, describeStoreContract, windowAt } from '../test-support/store.contract';
import { MemoryStore } from './memory-store';
import { RedisStore } from './redis-store';
import { startRedisServer, type RedisServerHandle } from '@swarmscope/testkit';

describeStoreContract('memory', async ({ windowRetentionMs }) => ({
  store: new MemoryStore({ windowRetentionMs }),
  cleanup: async () => {},
}));

describe('redis', () => {
  let server: RedisServerHandle;
  let prefixes = 0;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  // One server per file; a fresh key prefix per test keeps tests apart without flushing.
  describeStoreContract('redis', async ({ windowRetentionMs }) => {
    const redis = new Redis(server.url);
    await redis.ping();
    const store = new RedisStore({ redis, prefix: `t${++prefixes}`, windowRetentionMs });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await redis.quit();
      },
    };
  });

  describe('RedisStore specifics', () => {
    let redis: Redis;
    beforeEach(async () => {
      redis = new Redis(server.url);
      await redis.ping(); // quitting a client still in its ready check leaves a 2 s ioredis timer behind
    });
    afterEach(async () => {
      await redis.quit();
    });

    it('keeps agents in one hash plus a lex-ordered id set under one hash tag, under the prefix', async () => {
      const store = new RedisStore({ redis, prefix: 'layout', windowRetentionMs: 60_000 });
      await store.agents.upsert([agent('a-2'), agent('a-1')]);
      expect(await redis.zrange('layout:{agents}:ids', 0, -1)).toEqual(['a-1', 'a-2']);
      expect(JSON.parse((await redis.hget('layout:{agents}', 'a-1'))!)).toEqual(agent('a-1'));
      expect(await store.agents.count()).toBe(2);
    });

    it('expires a window series key after the retention', async () => {
      const store = new RedisStore({ redis, prefix: 'ttl', windowRetentionMs: 60_000 });
      await store.windows.append([{ key: 'agent:a-1', window: windowAt(1_000) }]);
      const ttl = await redis.pttl('ttl:windows:agent:a-1');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });

    it('defaults the prefix to "swarmscope"', async () => {
      const store = new RedisStore({ redis, windowRetentionMs: 60_000 });
      await store.agents.upsert([agent('default-prefix')]);
      expect(await redis.hexists('swarmscope:{agents}', 'default-prefix')).toBe(1);
      await redis.del('swarmscope:{agents}', 'swarmscope:{agents}:ids');
    });

    it('leaves the caller connection open on close', async () => {
      const store = new RedisStore({ redis, prefix: 'own', windowRetentionMs: 60_000 });
      await store.close();
      expect(await redis.ping()).toBe('PONG');
    });

    it('rejects ping when Redis is unreachable', async () => {
      const dead = new Redis({
        port: await closedPort(),
        host: '127.0.0.1',
        enableOfflineQueue: false,
        retryStrategy: () => null, // give up after the first refused connection
      });
      dead.on('error', () => {});
      await new Promise((resolve) => dead.once('end', resolve));
      const store = new RedisStore({ redis: dead, windowRetentionMs: 60_000 });
      await expect(store.ping()).rejects.toThrow();
    });
  });
});

/** A loopback port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
