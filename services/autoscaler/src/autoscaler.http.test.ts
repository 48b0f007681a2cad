import { createLogger, MemoryBus, parseEnv, topics, type SampleReport } from '@swarmscope/core';
import type { Actuator, ScaleRequest } from './actuators/actuator';
import { autoscalerEnv } from './env';
import { actuatorFromEnv } from './actuators/from-env';
import { runAutoscaler, type RunningAutoscaler } from './run';

const logger = createLogger({ name: 'test', level: 'silent' });
const KEY = 'test-key';
/** An ingest-scoped key: it may not change policies. */
const INGEST_KEY = 'agents-key';

/** An actuator that knows the pool's replicas and records what it is asked. */
class RecordingActuator implements Actuator {
  readonly kind = 'simulator' as const;
  readonly scaled: ScaleRequest[] = [];
  readonly replaced: Array<{ pool: string; agentIds: readonly string[] }> = [];
  constructor(public replicas: Map<string, number>) {}
  async currentReplicas(pools: readonly string[]) {
    return new Map([...this.replicas].filter(([pool]) => pools.includes(pool)));
  }
  async scale(request: ScaleRequest) {
    this.scaled.push(request);
    this.replicas.set(request.pool, request.replicas);
  }
  async replace(pool: string, agentIds: readonly string[]) {
    this.replaced.push({ pool, agentIds });
  }
}

function samples(agents: number, at: number, metrics: Record<string, number>, skip: string[] = []): SampleReport[] {
  return Array.from({ length: agents }, (_, i) => `agent-${i + 1}`)
    .filter((id) => !skip.includes(id))
    .map((agentId) => ({
      agentId,
      timestamp: at,
      model: 'gpt-4o',
      pool: 'support',
      type: 'general',
      metrics,
      quality: {},
      receivedAt: at,
    }));
}

async function waitFor(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('autoscaler service', () => {
  let bus: MemoryBus;
  let running: RunningAutoscaler;
  let actuator: RecordingActuator;
  let url: string;
  let clock: number;
  const post = (path: string, body: unknown, key: string | null = KEY) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });
  const publish = async (reports: SampleReport[]) => {
    await bus.publish(topics.samples, 0, reports);
  };

  beforeEach(async () => {
    bus = new MemoryBus({ shards: 2 });
    clock = Date.UTC(2025, 0, 6, 3, 0);
    actuator = new RecordingActuator(new Map([['support', 10]]));
    const env = parseEnv(autoscalerEnv, {
      AUTOSCALER_PORT: '0',
      BUS_SHARDS: '2',
      LOG_LEVEL: 'silent',
      API_KEYS: `${KEY},ingest:${INGEST_KEY}`,
      AUTOSCALER_TICK_SECONDS: '300',
    });
    running = await runAutoscaler(env, bus, undefined, logger, { actuator, now: () => clock });
    url = running.server.url;
  });
  afterEach(async () => {
    await running.stop();
    await bus.close();
  });

  it('decides from bus samples on POST /analyze, actuates, explains itself and exports the metrics', async () => {
    clock += 10_000;
    await publish(
      samples(10, clock, { requests: 5, cpu_percent: 140, memory_bytes: 400e6, response_time_seconds: 1.2 }),
    );
    await waitFor(() => running.autoscaler.knowsPool('support'));
    expect((await post('/analyze', {}, null)).status).toBe(401);
    const answer = await post('/analyze', {});
    expect(answer.status).toBe(200);
    const { decisions } = (await answer.json()) as { decisions: any[] };
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      pool: 'support',
      current: 10,
      desired: 20,
      direction: 'up',
      strategy: 'reactive',
      crossed: ['cpu>70'],
    });
    expect(decisions[0].inputs).toMatchObject({ loadRps: 5, cpuPercent: 140, agentsReporting: 10 });
    expect(decisions[0].reason).toMatch(/up 10 → 20 by reactive/);
    expect(actuator.scaled).toEqual([expect.objectContaining({ pool: 'support', replicas: 20 })]);

    const listed = (await (await fetch(`${url}/decisions?pool=support&limit=5`)).json()) as { items: any[] };
    expect(listed.items.map((d) => d.desired)).toEqual([20]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/swarmscope_autoscaler_desired_replicas\{[^}]*pool="support"[^}]*\} 20/);
    expect(metrics).toMatch(/swarmscope_autoscaler_current_replicas\{[^}]*pool="support"[^}]*\} 10/);
    expect(metrics).toMatch(
      /swarmscope_autoscaler_decisions_total\{[^}]*strategy="reactive"[^}]*direction="up"[^}]*\} 1/,
    );
    expect(metrics).toMatch(
      /swarmscope_autoscaler_actuations_total\{[^}]*actuator="simulator"[^}]*outcome="success"[^}]*\} 1/,
    );
    expect(metrics).toMatch(/swarmscope_autoscaler_decision_duration_seconds_count\{[^}]*\} 1/);
    expect(metrics).toMatch(/swarmscope_autoscaler_max_replicas\{[^}]*pool="support"[^}]*\} 1000/);
    expect(metrics).not.toMatch(/agent-1/);

    const efficiency = (await (await fetch(`${url}/efficiency`)).json()) as { pools: any[] };
    expect(efficiency.pools[0]).toMatchObject({ pool: 'support', sloAttainment: 1 });
    expect(efficiency.pools[0].costUsd).toBeGreaterThan(0);
  });

  it('replaces an agent silent beyond the timeout while its pool reports', async () => {
    // CPU at the 70 % target: the pool holds at 10 (a scale-down would take the silent agent away instead).
    await publish(samples(10, clock, { requests: 1, cpu_percent: 70 }));
    await waitFor(() => running.autoscaler.knowsPool('support'));
    clock += 70_000;
    await publish(samples(10, clock, { requests: 1, cpu_percent: 70 }, ['agent-7']));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await post('/analyze', { pool: 'support' });
    expect(actuator.replaced).toEqual([{ pool: 'support', agentIds: ['agent-7'] }]);
    const events = (await (await fetch(`${url}/events?pool=support`)).json()) as { items: any[] };
    expect(events.items[0]).toMatchObject({ type: 'agents-replaced', evidence: { agentIds: ['agent-7'] } });
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(
      /swarmscope_autoscaler_replacements_total\{[^}]*pool="support"[^}]*\} 1/,
    );
  });

  it('edits policies with the API key, validates naming the field, and logs changes as events', async () => {
    expect((await post('/policies', { pool: 'support', minReplicas: 2 }, null)).status).toBe(401);
    const ingestOnly = await post('/policies', { pool: 'support', minReplicas: 2 }, INGEST_KEY);
    expect(ingestOnly.status).toBe(403);
    expect(((await ingestOnly.json()) as { error: { message: string } }).error.message).toContain(
      'needs a key with scope admin',
    );
    const bad = async (body: unknown) => {
      const response = await post('/policies', body);
      expect(response.status).toBe(400);
      return ((await response.json()) as { error: { code: string; message: string } }).error;
    };
    expect(await bad({ pool: 'support', minReplicas: -1 })).toEqual(
      expect.objectContaining({ code: 'SWS_INVALID_FIELD', message: 'minReplicas: must be ≥ 1' }),
    );
    expect((await bad({ pool: 'support', minReplicas: 50, maxReplicas: 10 })).message).toBe(
      'maxReplicas: must be ≥ minReplicas',
    );
    expect((await bad({ pool: 'support', schedules: [{ cron: 'every day', minReplicas: 3 }] })).message).toMatch(
      /^schedules\.0\.cron: is not a cron expression/,
    );
    expect((await bad({ pool: 'support', strategies: ['magic'] })).message).toMatch(
      /^strategies\.0: must be one of reactive/,
    );
    expect((await bad({ pool: 'support', cpuScaleUpPercent: 'high' })).message).toBe(
      'cpuScaleUpPercent: must be a number',
    );
    expect((await bad({ minReplicas: 2 })).message).toMatch(/^pool: /);
    expect((await bad({ pool: 'support', surprise: 1 })).message).toMatch(/surprise/);

    const ok = await post('/policies', {
      pool: 'support',
      minReplicas: 4,
      schedules: [{ cron: '* 8-17 * * 1-5', minReplicas: 12 }],
    });
    expect(ok.status).toBe(200);
    const { policy, changes } = (await ok.json()) as { policy: any; changes: any };
    expect(policy).toMatchObject({
      pool: 'support',
      minReplicas: 4,
      maxReplicas: 1000,
      cpuScaleUpPercent: 70,
      cpuScaleDownPercent: 30,
      memoryScaleUpPercent: 80,
      responseTimeSeconds: 5,
      cooldownSeconds: 300,
    });
    expect(changes.minReplicas).toEqual({ from: 1, to: 4 });
    const listed = (await (await fetch(`${url}/policies`)).json()) as { policies: any[] };
    expect(listed.policies.map((p) => p.pool)).toEqual(['support']);
    const events = (await (await fetch(`${url}/events`)).json()) as { items: any[] };
    expect(events.items[0]).toMatchObject({ type: 'policy-changed', pool: 'support' });
    expect(events.items[0].explanation).toMatch(/minReplicas, schedules/);
  });

  it('refuses bad queries and unknown pools naming the field', async () => {
    const limit = await fetch(`${url}/decisions?limit=0`);
    expect(limit.status).toBe(400);
    expect(((await limit.json()) as { error: { message: string } }).error.message).toBe('query.limit: must be ≥ 1');
    const unknown = await post('/analyze', { pool: 'nobody' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/^pool: /);
  });
});

describe('autoscaler configuration', () => {
  it('names the variable an actuator is missing, and refuses unknown actuators', async () => {
    await expect(actuatorFromEnv(parseEnv(autoscalerEnv, { AUTOSCALER_ACTUATOR: 'simulator' }))).rejects.toThrow(
      'SIMULATOR_CONTROL_URL: is required',
    );
    await expect(actuatorFromEnv(parseEnv(autoscalerEnv, { AUTOSCALER_ACTUATOR: 'webhook' }))).rejects.toThrow(
      'AUTOSCALER_WEBHOOK_URL: is required',
    );
    expect(() => parseEnv(autoscalerEnv, { AUTOSCALER_ACTUATOR: 'terraform' })).toThrow(
      /AUTOSCALER_ACTUATOR: must be one of dry-run, simulator, kubernetes, webhook/,
    );
    expect(parseEnv(autoscalerEnv, {})).toMatchObject({
      AUTOSCALER_PORT: 8083,
      AUTOSCALER_ACTUATOR: 'dry-run',
      AUTOSCALER_TICK_SECONDS: 10,
    });
  });
});
