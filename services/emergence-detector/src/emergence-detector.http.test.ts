import {
  createLogger,
  MemoryBus,
  parseEnv,
  topics,
  type EmergenceEvent,
  type Interaction,
  type SampleReport,
} from '@swarmscope/core';
import { emergenceDetectorEnv } from './env';
import { runEmergenceDetector, type RunningEmergenceDetector } from './run';

const logger = createLogger({ name: 'test', level: 'silent' });
const TICK = 10_000;
const T0 = Math.floor((Date.now() - 3_600_000) / TICK) * TICK;
const AGENTS = 200;
const id = (i: number) => `coding-${String(i).padStart(5, '0')}`;

/** 200 agents on a chain (i → i + 1), 10 requests a tick; agents 0, 1, 2 fail in turn from `failAt` (ticks). */
function tickData(tick: number, failAt: number): { samples: SampleReport[]; interactions: Interaction[] } {
  const samples: SampleReport[] = [];
  const interactions: Interaction[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const failing = i < 3 && tick >= failAt + 2 * i;
    samples.push({
      agentId: id(i),
      timestamp: T0 + tick * TICK + 500,
      model: 'm',
      pool: 'coding',
      type: 'general',
      metrics: { requests: 10, errors: failing ? 8 : (tick + i) % 25 === 0 ? 1 : 0, response_time_seconds: 0.5 },
      quality: { accuracy: 0.8 },
    });
    if (i + 1 < AGENTS)
      interactions.push({
        from: id(i + 1),
        to: id(i),
        kind: 'delegation',
        outcome: 'success',
        latencySeconds: 0.5,
        timestamp: T0 + tick * TICK + 600,
      });
  }
  return { samples, interactions };
}

describe('emergence-detector service', () => {
  let bus: MemoryBus;
  let running: RunningEmergenceDetector;
  let url: string;

  beforeEach(async () => {
    bus = new MemoryBus({ shards: 4 });
    const env = parseEnv(emergenceDetectorEnv, {
      EMERGENCE_DETECTOR_PORT: '0',
      BUS_SHARDS: '4',
      LOG_LEVEL: 'silent',
      API_KEYS: 'secret-key',
    });
    running = await runEmergenceDetector(env, bus, logger);
    url = running.server.url;
  });
  afterEach(async () => {
    await running.stop();
    await bus.close();
  });

  const post = (body: unknown, key = 'secret-key') =>
    fetch(`${url}/analyze`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });

  it('finds a failure cascade in bus data, serves and publishes it, and exports fleet metrics', async () => {
    const published: EmergenceEvent[] = [];
    const subscription = bus.subscribe(
      topics.emergence,
      { group: 'test', consumer: 'c', startFrom: 'earliest' },
      async (messages) => {
        for (const message of messages) published.push(message.payload);
      },
    );
    for (let tick = 0; tick < 40; tick++) {
      const { samples, interactions } = tickData(tick, 30);
      await bus.publish(topics.samples, 0, samples);
      await bus.publish(topics.interactions, 1, interactions);
    }
    // The bus delivers asynchronously: wait until the last tick's data is in, then analyse through it.
    const until = T0 + 40 * TICK;
    let cascade: EmergenceEvent | undefined;
    for (let attempt = 0; attempt < 100 && !cascade; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if ((running.detector.newestData ?? 0) < T0 + 39 * TICK) continue;
      expect((await post({ until })).status).toBe(200);
      const events = (await (await fetch(`${url}/events?type=cascade_failure`)).json()) as { items: EmergenceEvent[] };
      cascade = events.items[0];
    }
    expect(cascade).toBeDefined();
    expect(cascade!.agents).toEqual([id(0), id(1), id(2)]);
    expect(cascade!.path?.map((s) => [s.agent, s.via])).toEqual([
      [id(0), null],
      [id(1), id(0)],
      [id(2), id(1)],
    ]);
    expect(cascade!.explanation).toMatch(/3 agents failed/);
    for (let i = 0; i < 100 && !published.some((e) => e.type === 'cascade_failure'); i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(published.find((e) => e.type === 'cascade_failure')?.event).toBe('opened');
    await subscription.close();

    const state = (await (await fetch(`${url}/fleet/state`)).json()) as {
      now: { parameters: Record<string, number> };
      history: unknown[];
    };
    expect(state.now.parameters.failing_agents).toBe(3);
    expect(state.history.length).toBeGreaterThan(30);
    const network = (await (await fetch(`${url}/network/analysis`)).json()) as {
      nodes: number;
      edges: number;
      hubs: unknown[];
      communities: unknown[];
    };
    expect(network).toMatchObject({ nodes: AGENTS, edges: AGENTS - 1 });
    expect(network.communities.length).toBeGreaterThan(1);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/swarmscope_emergence_events_total\{[^}]*type="cascade_failure"[^}]*\} 1/);
    expect(metrics).toMatch(/swarmscope_emergence_events_total\{[^}]*type="phase_transition"[^}]*\} 0/);
    expect(metrics).toMatch(/swarmscope_emergence_order_parameter\{[^}]*parameter="failing_agents"[^}]*\} 3/);
    expect(metrics).toMatch(/swarmscope_emergence_graph\{[^}]*measure="nodes"[^}]*\} 200/);
    expect(metrics).toMatch(/swarmscope_emergence_agents_tracked\{[^}]*\} 200/);
    expect(metrics).toMatch(/swarmscope_emergence_early_warning\{[^}]*\} 0/);
    expect(metrics).toMatch(/swarmscope_emergence_early_warnings_total\{[^}]*outcome="not_followed"[^}]*\} 0/);
    const fleet = (await (await fetch(`${url}/fleet/state`)).json()) as { now: { warnings: Record<string, number> } };
    expect(fleet.now.warnings).toEqual({ raised: 0, followed: 0, notFollowed: 0, pending: 0 });
    expect(metrics).toMatch(/swarmscope_emergence_loop_slice_seconds_count\{[^}]*\} [1-9]/);
  });

  it('is ready while its engine thread runs, and not once it has stopped', async () => {
    const ready = (await (await fetch(`${url}/readyz`)).json()) as { checks: { name: string; ok: boolean }[] };
    expect(ready.checks).toContainEqual({ name: 'engine thread', ok: true });
    await running.detector.engine.close();
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(
      ((await response.json()) as { checks: { name: string; ok: boolean; error?: string }[] }).checks,
    ).toContainEqual({ name: 'engine thread', ok: false, error: 'the engine thread was closed' });
  });

  it('analyses posted data on POST /analyze', async () => {
    for (let tick = 0; tick < 40; tick++) {
      const response = await post({ ...tickData(tick, 30), until: T0 + tick * TICK });
      expect(response.status).toBe(200);
    }
    const response = await post({ until: T0 + 40 * TICK });
    const body = (await response.json()) as { ticks: number; state: { parameters: Record<string, number> } };
    expect(body.ticks).toBe(1);
    expect(body.state.parameters.failing_agents).toBe(3);
    const events = (await (await fetch(`${url}/events?limit=5`)).json()) as { items: EmergenceEvent[] };
    expect(events.items.map((e) => e.type)).toContain('cascade_failure');
    // A report for a tick analysed already is dropped, and counted.
    const late = (await (await fetch(`${url}/metrics`)).text()).match(
      /^swarmscope_emergence_late_reports_total(?:\{[^}]*\})? (\d+)/m,
    );
    expect(late?.[1]).toBe('0');
    expect((await post({ samples: tickData(5, 30).samples.slice(0, 3), until: T0 + 41 * TICK })).status).toBe(200);
    const after = (await (await fetch(`${url}/metrics`)).text()).match(
      /^swarmscope_emergence_late_reports_total(?:\{[^}]*\})? (\d+)/m,
    );
    expect(after?.[1]).toBe('3');
  });

  it('rejects bad input with a 400 naming the field, and writes without a valid API key', async () => {
    const bad = await post({ samples: [{ agentId: 'a', timestamp: 'yesterday' }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^samples\.0\.timestamp: /);
    const kind = await post({ interactions: [{ from: 'a', to: 'b', kind: 'gossip', timestamp: T0 }] });
    expect(((await kind.json()) as { error: { message: string } }).error.message).toMatch(
      /^interactions\.0\.kind: must be one of/,
    );
    // One far-future sample would move the data clock for every agent: refused, like a far-future `until`.
    const ahead = await post({ samples: [{ agentId: 'a', timestamp: Date.now() + 3_600_000 }] });
    expect(ahead.status).toBe(400);
    expect(((await ahead.json()) as { error: { message: string } }).error.message).toBe(
      'samples.0.timestamp: more than 300 s in the future (MAX_FUTURE_SKEW_SECONDS)',
    );
    expect((await post({ until: Date.now() + 3_600_000 })).status).toBe(400);
    const query = await fetch(`${url}/events?type=weather`);
    expect(query.status).toBe(400);
    expect(((await query.json()) as { error: { message: string } }).error.message).toMatch(
      /^query\.type: must be one of/,
    );
    expect((await post({}, 'wrong')).status).toBe(403);
    expect((await fetch(`${url}/analyze`, { method: 'POST' })).status).toBe(401);
  });
});
