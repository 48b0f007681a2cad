import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { openBackends } from './backends';
import { commonEnv, ConfigError, parseEnv } from './config/env';
import { listen } from './http/server';
import { createLogger } from './logger';
import { StartupError, startupFailureLine } from './startup-error';
import { freePort, startRedisServer, type RedisServerHandle } from '@swarmscope/testkit';

const logger = createLogger({ name: 'test', level: 'silent' });

describe('a start refused for a known cause', () => {
  it('names the busy port and the variable that moves it', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const refused = listen(() => {}, { port, host: '127.0.0.1', portVariable: 'ANOMALY_DETECTOR_PORT' });
      await expect(refused).rejects.toThrow(StartupError);
      await expect(refused).rejects.toThrow(
        `port ${port} on 127.0.0.1 is already in use (EADDRINUSE: is Swarmscope already running?): stop what holds it, or set ANOMALY_DETECTOR_PORT to a free port`,
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('is one line for a configuration error with several problems', () => {
    const error = new ConfigError(['BUS_SHARDS: must be ≥ 1 (got "0")', 'HOST: required']);
    expect(startupFailureLine(error)).toBe('invalid configuration: BUS_SHARDS: must be ≥ 1 (got "0"); HOST: required');
    expect(startupFailureLine(new Error('a bug'))).toBeUndefined();
  });

  it('refuses backends whose Redis does not answer, naming it and REDIS_URL (never memory instead)', async () => {
    const port = await freePort();
    const env = parseEnv(commonEnv, { REDIS_URL: `redis://:secret@127.0.0.1:${port}` });
    const opening = openBackends({ env, windowRetentionMs: 60_000, logger });
    await expect(opening).rejects.toThrow(StartupError);
    await expect(opening).rejects.toThrow(
      new RegExp(
        `^Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} is unreachable \\(.*ECONNREFUSED.*\\): start it, or set REDIS_URL`,
      ),
    );
  });

  it('refuses backends whose Redis Cluster does not answer, naming REDIS_CLUSTER_NODES', async () => {
    const port = await freePort();
    const env = parseEnv(commonEnv, { REDIS_CLUSTER_NODES: `127.0.0.1:${port}` });
    await expect(openBackends({ env, windowRetentionMs: 60_000, logger })).rejects.toThrow(
      /^Redis Cluster at 127\.0\.0\.1:\d+ is unreachable .*set REDIS_CLUSTER_NODES/,
    );
  });

  it('refuses REDIS_URL and REDIS_CLUSTER_NODES together', async () => {
    const env = parseEnv(commonEnv, { REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: '127.0.0.1:2' });
    await expect(openBackends({ env, windowRetentionMs: 60_000, logger })).rejects.toThrow(ConfigError);
  });

  describe('with a Redis server that runs', () => {
    let redis: RedisServerHandle;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(() => redis.stop());

    it('opens the Redis backends the environment names, and memory ones when it names none', async () => {
      const onRedis = await openBackends({
        env: parseEnv(commonEnv, { REDIS_URL: redis.url }),
        windowRetentionMs: 60_000,
        logger,
      });
      expect([onRedis.store.kind, onRedis.bus.kind]).toEqual(['redis', 'redis']);
      await onRedis.close();
      const inMemory = await openBackends({ env: parseEnv(commonEnv, {}), windowRetentionMs: 60_000, logger });
      expect([inMemory.store.kind, inMemory.bus.kind]).toEqual(['memory', 'memory']);
      await inMemory.close();
    });
  });
});
