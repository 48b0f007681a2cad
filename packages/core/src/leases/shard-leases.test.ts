import { Redis } from 'ioredis';
import { describeLeasesContract } from '../test-support/leases.contract';
import { MemoryShardLeases, RedisShardLeases } from './shard-leases';
import { startRedisServer, type RedisServerHandle } from '@swarmscope/testkit';

describeLeasesContract('memory', async () => new MemoryShardLeases());

describe('redis', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  let scopes = 0;
  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
    await redis.ping();
  });
  afterAll(async () => {
    await redis?.quit();
    await server?.stop();
  });
  describeLeasesContract('redis', async () => new RedisShardLeases(redis, `scope-${++scopes}`));
});
