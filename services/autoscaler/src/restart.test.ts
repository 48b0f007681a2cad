import { createBackends, createLogger, parseEnv, type Backends, type SampleReport } from '@swarmscope/core';
import type { Actuator, ScaleRequest } from './actuators/actuator';
import { autoscalerEnv } from './env';
import { runAutoscaler } from './run';
import { startRedisServer, type RedisServerHandle } from '@swarmscope/testkit';

const logger = createLogger({ name: 'test', level: 'silent' });

/** Holds replicas by pool, as a cluster would across the autoscaler's restart. */
class Pools implements Actuator {
  readonly kind = 'simulator' as const;
  constructor(readonly replicas: Map<string, number>) {}
  async currentReplicas(pools: readonly string[]) {
    return new Map([...this.replicas].filter(([pool]) => pools.includes(pool)));
  }
  async scale(request: ScaleRequest) {
    this.replicas.set(request.pool, request.replicas);
  }
  async replace() {}
}

const reports = (at: number, cpu: number): SampleReport[] =>
  Array.from({ length: 4 }, (_, i) => ({
    agentId: `a-${i}`,
    timestamp: at,
    model: 'm',
    pool: 'support',
    type: 'general',
    metrics: { requests: 2, cpu_percent: cpu },
    quality: {},
    receivedAt: at,
  }));

// Policies and decisions lived in the process only: a restart set `support` back to 1 min replica and 0 decisions.
describe('autoscaler restarted on the same Redis', () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis.stop());

  it('finds its policies and its decisions again', async () => {
    const env = parseEnv(autoscalerEnv, {
      AUTOSCALER_PORT: '0',
      REDIS_URL: redis.url,
      LOG_LEVEL: 'silent',
      AUTOSCALER_TICK_SECONDS: '300',
      BUS_SHARDS: '2',
    });
    const pools = new Pools(new Map([['support', 4]]));
    let clock = Date.UTC(2025, 0, 6, 3, 0);
    const run = async (backends: Backends) =>
      runAutoscaler(env, backends.bus, backends.store, logger, { actuator: pools, now: () => clock });

    const first = createBackends({ env, windowRetentionMs: 60_000, logger });
    const before = await run(first);
    const post = (path: string, body: unknown) =>
      fetch(`${before.server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('/policies', { pool: 'support', minReplicas: 7, maxReplicas: 40 })).status).toBe(200);
    for (let tick = 0; tick < 3; tick++) {
      clock += 30_000;
      for (const report of reports(clock, 50)) before.autoscaler.ingest(report);
      expect(await before.autoscaler.analyze()).toHaveLength(1);
    }
    const decided = before.autoscaler.decisions.query({ limit: 100 });
    expect(decided).toHaveLength(3);
    await before.stop();
    await first.close();

    const second = createBackends({ env, windowRetentionMs: 60_000, logger });
    const after = await run(second);
    try {
      const policy = (await (await fetch(`${after.server.url}/policies/support`)).json()) as {
        minReplicas: number;
        maxReplicas: number;
      };
      expect(policy).toMatchObject({ minReplicas: 7, maxReplicas: 40 });
      const { items } = (await (await fetch(`${after.server.url}/decisions?limit=100`)).json()) as {
        items: Array<{ id: string }>;
      };
      expect(items.map((d) => d.id)).toEqual(decided.map((d) => d.id));
      // The restored policy is the one the next decision runs under.
      clock += 30_000;
      for (const report of reports(clock, 50)) after.autoscaler.ingest(report);
      const [next] = await after.autoscaler.analyze();
      expect(next!.desired).toBeGreaterThanOrEqual(7);
    } finally {
      await after.stop();
      await second.close();
    }
  });

  it('answers 503 and changes nothing when the policy cannot be stored', async () => {
    const env = parseEnv(autoscalerEnv, {
      AUTOSCALER_PORT: '0',
      REDIS_URL: redis.url,
      LOG_LEVEL: 'silent',
      AUTOSCALER_TICK_SECONDS: '300',
      BUS_SHARDS: '2',
    });
    const backends = createBackends({ env, windowRetentionMs: 60_000, logger });
    const running = await runAutoscaler(env, backends.bus, backends.store, logger, { actuator: new Pools(new Map()) });
    try {
      await backends.store.close(); // every store call now rejects, as with Redis gone
      const answer = await fetch(`${running.server.url}/policies`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pool: 'billing', minReplicas: 3 }),
      });
      expect(answer.status).toBe(503);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('SWS_UNAVAILABLE');
      expect(running.autoscaler.policyFor('billing').minReplicas).toBe(1);
    } finally {
      await running.stop();
      await backends.close();
    }
  });
});
