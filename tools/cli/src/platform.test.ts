import { createBackends, createLogger, commonEnv, parseEnv, RedisShardLeases, type Backends } from '@swarmscope/core';
import { PLATFORM, startPlatform } from './platform';
import { startRedisServer, type RedisServerHandle } from '@swarmscope/testkit';

const logger = createLogger({ name: 'platform-test', level: 'silent' });
const ports = Object.fromEntries(Object.values(PLATFORM).map((definition) => [definition.portVariable, '0']));

describe('the five service definitions', () => {
  it('each name its port variable, whose default is the documented port', () => {
    const defaults = Object.values(PLATFORM).map((definition) => [
      definition.name,
      definition.portVariable,
      (parseEnv(definition.env, {}) as Record<string, unknown>)[definition.portVariable],
    ]);
    expect(defaults).toEqual([
      ['anomaly-detector', 'ANOMALY_DETECTOR_PORT', 8081],
      ['emergence-detector', 'EMERGENCE_DETECTOR_PORT', 8082],
      ['health-monitor', 'HEALTH_MONITOR_PORT', 8080],
      ['incidents', 'INCIDENTS_PORT', 8084],
      ['autoscaler', 'AUTOSCALER_PORT', 8083],
    ]);
  });
});

describe('startPlatform (embedded)', () => {
  let backends: Backends;
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  beforeAll(async () => {
    const source = { LOG_LEVEL: 'silent', ...ports };
    backends = createBackends({ env: parseEnv(commonEnv, source), windowRetentionMs: 3_600_000, logger });
    platform = await startPlatform({ backends, source, logger: () => logger });
  });
  afterAll(async () => {
    await platform.stop();
    await backends.close();
  });

  it('starts every service on its own port, each answering /healthz with its name', async () => {
    const answers = await Promise.all(
      Object.keys(PLATFORM).map(
        async (name) =>
          (await (await fetch(`${platform[name as keyof typeof PLATFORM].url}/healthz`)).json()) as { service: string },
      ),
    );
    expect(answers.map((answer) => answer.service)).toEqual(Object.keys(PLATFORM));
  });

  it("shows anomaly-detector's lag on interactions as well as samples (it read interactions unwatched)", async () => {
    const text = await (await fetch(`${platform['anomaly-detector'].url}/metrics`)).text();
    const lagged = [...text.matchAll(/^swarmscope_bus_consumer_lag\{topic="(\w+)",group="anomaly-detector"/gm)].map(
      (match) => match[1],
    );
    expect(lagged.sort()).toEqual(['interactions', 'samples']);
  });

  it('makes the autoscaler ready only when its store answers too (it keeps policies and decisions there)', async () => {
    const ready = (await (await fetch(`${platform.autoscaler.url}/readyz`)).json()) as {
      checks: Array<{ name: string; ok: boolean }>;
    };
    expect(ready.checks).toEqual([
      { name: 'bus (memory)', ok: true },
      { name: 'store (memory)', ok: true },
    ]);
  });
});

describe('startPlatform on Redis', () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it("holds anomaly-detector's shard leases in Redis, where another replica sees them (swarmscope start held them in-process)", async () => {
    const source = { LOG_LEVEL: 'silent', REDIS_URL: redis.url, BUS_SHARDS: '4', BUS_CONSUMER: 'platform-a', ...ports };
    const backends = createBackends({ env: parseEnv(commonEnv, source), windowRetentionMs: 3_600_000, logger });
    const platform = await startPlatform({ backends, source, logger: () => logger });
    try {
      const leases = new RedisShardLeases(backends.redis!, 'anomaly-detector');
      expect(await leases.holders([0, 1, 2, 3])).toEqual(['platform-a', 'platform-a', 'platform-a', 'platform-a']);
    } finally {
      await platform.stop();
      await backends.close();
    }
  });
});
