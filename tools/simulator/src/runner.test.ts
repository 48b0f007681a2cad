import { startControlServer } from './control-server';
import { Population } from './population';
import { SimulationRunner } from './runner';
import { createScenario } from './scenarios';
import { StandInServer, waitFor } from './test-support/stand-in-server';
import type { ScaleRecord } from './truth';

describe('SimulationRunner', () => {
  let server: StandInServer;
  beforeEach(async () => {
    server = await new StandInServer().start();
  });
  afterEach(async () => {
    await server.stop();
  });

  function runner(options: { agents: number; durationMs?: number; onScale?: (record: ScaleRecord) => void }) {
    const seed = 17;
    const population = Population.build({ agents: options.agents, seed });
    const startEpochMs = Date.now();
    return new SimulationRunner({
      endpoint: server.url,
      apiKey: 'sim-key',
      population,
      scenario: createScenario('baseline', { population, seed, durationSeconds: 60, startEpochMs }),
      config: {
        seed,
        startEpochMs,
        tickMs: 50,
        requestsPerSecond: 5,
        daySeconds: 0,
        resourceIntervalMs: 10_000,
        interactions: true,
      },
      ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
      fleet: { flushIntervalMs: 50 },
      ...(options.onScale ? { onScale: options.onScale } : {}),
    });
  }

  it('sends the generated reports and interactions through the SDK for --duration, then stops by itself', async () => {
    const run = runner({ agents: 30, durationMs: 1000 });
    run.start();
    await run.done;
    const stats = await run.stop();
    expect(stats.finished).toBe(true);
    expect(stats.elapsedMs).toBe(1000);
    expect(stats.ticks + stats.skippedTicks).toBe(20);
    expect(stats.reportsGenerated).toBeGreaterThan(30 + 30 * 5 * 0.5);
    expect(stats.reports.sent).toBe(stats.reportsGenerated);
    expect(stats.reports.dropped + stats.reports.rejected + stats.reports.queued + stats.reports.inFlight).toBe(0);
    expect(server.reports).toHaveLength(stats.reportsGenerated);
    expect(new Set(server.reports.map((r) => r.agentId)).size).toBe(30);
    expect(stats.interactionsGenerated).toBeGreaterThan(0);
    expect(server.interactions).toHaveLength(stats.interactionsGenerated);
    expect(stats.interactions.sent).toBe(stats.interactionsGenerated);
    expect(server.authorizations).toEqual(new Set(['Bearer sim-key']));
    const times = server.reports.map((r) => r.timestamp!);
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(1000);
  });

  it('scales a pool through the control endpoint: agents appear, then disappear', async () => {
    const scaled: ScaleRecord[] = [];
    const run = runner({ agents: 40, onScale: (record) => scaled.push(record) });
    const control = await startControlServer(run, { port: 0 });
    run.start();
    try {
      const pools = (await (await fetch(`${control.url}/pools`)).json()) as {
        pools: Array<{ pool: string; agents: number }>;
      };
      expect(pools.pools).toEqual([
        { pool: 'support', agents: 14 },
        { pool: 'research', agents: 8 },
        { pool: 'coding', agents: 12 },
        { pool: 'triage', agents: 6 },
      ]);

      const up = await fetch(`${control.url}/pools/triage/scale`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ replicas: 9 }),
      });
      expect(up.status).toBe(200);
      expect(await up.json()).toMatchObject({ pool: 'triage', previous: 6, replicas: 9 });
      await waitFor(() =>
        ['triage-00006', 'triage-00007', 'triage-00008'].every((id) => server.reports.some((r) => r.agentId === id))
          ? true
          : undefined,
      );

      const down = await fetch(`${control.url}/pools/triage/scale`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ replicas: 2 }),
      });
      expect(await down.json()).toMatchObject({ pool: 'triage', previous: 9, replicas: 2 });
      const after = scaled[1]!.at;
      // Reports stamped after the scale-down keep arriving, from the two remaining triage agents only.
      await waitFor(() => (server.reports.filter((r) => r.timestamp! >= after + 500).length > 100 ? true : undefined));
      const triage = new Set(
        server.reports.filter((r) => r.timestamp! >= after && r.pool === 'triage').map((r) => r.agentId),
      );
      expect(triage).toEqual(new Set(['triage-00000', 'triage-00001']));
      expect(
        ((await (await fetch(`${control.url}/pools`)).json()) as { pools: Array<{ pool: string; agents: number }> })
          .pools,
      ).toContainEqual({ pool: 'triage', agents: 2 });
      expect(run.stats().agents).toBe(36);
      expect(scaled.map((s) => [s.kind, s.pool, s.previous, s.replicas])).toEqual([
        ['scale', 'triage', 6, 9],
        ['scale', 'triage', 9, 2],
      ]);
    } finally {
      await control.close();
      await run.stop();
    }
  });

  it('refuses bad control input with a 4xx naming the field', async () => {
    const run = runner({ agents: 10 });
    const control = await startControlServer(run, { port: 0 });
    const post = async (path: string, body: string) => {
      const response = await fetch(`${control.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
    };
    try {
      expect(await post('/pools/support/scale', '{"replicas": -1}')).toEqual({
        status: 400,
        body: {
          error: {
            code: 'SWS_INVALID_FIELD',
            message: 'replicas: must be ≥ 0',
            issues: [{ path: 'replicas', message: 'must be ≥ 0' }],
          },
        },
      });
      expect((await post('/pools/support/scale', '{"replicas": "many"}')).body.error.message).toBe(
        'replicas: must be a number',
      );
      expect((await post('/pools/support/scale', '{"replicas": 2.5}')).body.error.message).toBe(
        'replicas: must be a whole number',
      );
      expect((await post('/pools/support/scale', '{"replicas": 1000001}')).body.error.message).toBe(
        'replicas: must be ≤ 100000',
      );
      expect((await post('/pools/support/scale', '{}')).body.error.message).toBe('replicas: is required');
      const malformed = await post('/pools/support/scale', '{"replicas":');
      expect([malformed.status, malformed.body.error.code]).toEqual([400, 'SWS_MALFORMED_JSON']);
      const unknown = await post('/pools/nowhere/scale', '{"replicas": 1}');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe(
        'pool: no pool named "nowhere" (pools: support, research, coding, triage)',
      );
      expect(run.population.size).toBe(10);
    } finally {
      await control.close();
      await run.stop();
    }
  });

  it('asks for an API key on scaling when keys are configured, and listens on loopback only', async () => {
    const run = runner({ agents: 10 });
    const control = await startControlServer(run, { port: 0, apiKeys: ['ctl-key'] });
    try {
      expect(control.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((control.server.address() as { address: string }).address).toBe('127.0.0.1');
      const scale = (headers: Record<string, string>) =>
        fetch(`${control.url}/pools/coding/scale`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: '{"replicas": 1}',
        });
      expect((await scale({})).status).toBe(401);
      expect((await scale({ authorization: 'Bearer wrong' })).status).toBe(403);
      expect((await scale({ authorization: 'Bearer ctl-key' })).status).toBe(200);
      expect((await fetch(`${control.url}/pools`)).status).toBe(200);
    } finally {
      await control.close();
      await run.stop();
    }
  });
});
