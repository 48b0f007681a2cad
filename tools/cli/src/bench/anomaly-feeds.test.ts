import { createLogger, parseEnv } from '@swarmscope/core';
import { generateBlock, planFleet } from '@swarmscope/fleetgen';
import { backendsFor, healthMonitorEnv, runHealthMonitor } from '@swarmscope/health-monitor';
import { fleetgenFeed, simulatorFeed } from './anomaly-feeds';

const logger = createLogger({ name: 'test', level: 'silent' });

describe('fleetgen speaks the public ingest API', () => {
  it('a real health-monitor accepts every report and interaction of a fleetgen block, and nothing is refused', async () => {
    const plan = planFleet({ seed: 9, agents: 40, hours: 1 });
    const block = generateBlock(plan, 40);
    expect(block.reports.length).toBeGreaterThan(100);
    expect(block.interactions.length).toBeGreaterThan(0);
    const env = parseEnv(healthMonitorEnv, { HEALTH_MONITOR_PORT: '0', LOG_LEVEL: 'silent' });
    const backends = await backendsFor(env, logger);
    const running = await runHealthMonitor(env, backends, logger, () => block.to);
    try {
      const post = async (path: string, body: unknown) => {
        const response = await fetch(running.server.url + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return {
          status: response.status,
          body: (await response.json()) as { accepted: number; rejected: number; errors: unknown[] },
        };
      };
      const reports = await post('/v1/ingest', { reports: block.reports });
      expect([reports.status, reports.body.accepted, reports.body.rejected, reports.body.errors]).toEqual([
        200,
        block.reports.length,
        0,
        [],
      ]);
      const interactions = await post('/v1/interactions', { interactions: block.interactions });
      expect([interactions.status, interactions.body.accepted, interactions.body.rejected]).toEqual([
        200,
        block.interactions.length,
        0,
      ]);
    } finally {
      await running.stop();
      await backends.close();
    }
  });
});

describe('replay feeds', () => {
  it('fleetgen: its truth, pools and the load-test stop; reports as health-monitor publishes them', () => {
    const feed = fleetgenFeed({ agents: 40, hours: 1, seed: 9, faults: true });
    const plan = planFleet({ seed: 9, agents: 40, hours: 1 });
    expect(feed.faults.map((f) => [f.id, f.type, f.agents, f.start, f.end])).toEqual(
      plan.faults.map((f) => [f.id, f.type, [f.agentId], f.start, f.end]),
    );
    expect(feed.stops).toEqual([
      { pool: 'loadtest-shadow', at: plan.pools.at(-1)!.stopsAt, agents: plan.pools.at(-1)!.agents },
    ]);
    const { reports } = feed.step(40);
    expect(reports).toHaveLength(generateBlock(plan, 40).reports.length);
    for (const r of reports) expect(r.quality).toBeDefined();
    expect(fleetgenFeed({ agents: 40, hours: 1, seed: 9, faults: false }).faults).toEqual([]);
  });

  it('simulator: the anomalies scenario’s truth as fault windows, none in its baseline', () => {
    const feed = simulatorFeed({ agents: 20, hours: 1, seed: 2, faults: true });
    expect(feed.faults.length).toBeGreaterThanOrEqual(7);
    for (const f of feed.faults) expect(f.agents.every((a) => feed.poolOf.has(a)) && f.end > f.start).toBe(true);
    expect(simulatorFeed({ agents: 20, hours: 1, seed: 2, faults: false }).faults).toEqual([]);
    expect(feed.steps).toBe(3600 * 4);
  });
});
