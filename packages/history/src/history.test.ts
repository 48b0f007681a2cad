import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DDSketch } from '@datadog/sketches-js';
import { MemoryStore, type Incident } from '@swarmscope/core';
import { History } from './history';
import { SCHEMA_VERSION } from './schema';
import { encodeSketch } from './sketches';
import { durableStore, restoreInto } from './durable-store';
import { windowRow as rowOfWindow } from './rows';
import { agent, anomaly, emergence, incident, silent, tempDir, window } from './test-support/fixtures';

describe('History', () => {
  it('keeps every record kind across a close and a reopen of the same data directory', async () => {
    const dataDir = tempDir();
    const first = await History.open({ dataDir, logger: silent });
    await Promise.all([
      first.writeAgents([agent('a-1'), agent('a-2', 'billing')]),
      first.writeWindows([
        { key: 'agent:a-1', window: window(60_000) },
        { key: 'pool:support', window: window(60_000, 20) },
      ]),
      first.writeAnomalies([anomaly('an-1', 61_000)]),
      first.writeEmergence([emergence('em-1', 62_000)]),
      first.writeIncidents([incident('in-1'), incident('in-2', 'resolved')]),
      first.writeDecisions([{ time: 63_000, pool: 'support', decision: { action: 'scale_up', to: 5 } }]),
      first.writePolicies([{ pool: 'support', policy: { minReplicas: 7 } }]),
    ]);
    await first.close();

    const again = await History.open({ dataDir, logger: silent });
    expect((await again.agents()).map((a) => a.id)).toEqual(['a-1', 'a-2']);
    expect(await again.agents()).toContainEqual(agent('a-2', 'billing'));
    expect(await again.windows('pool:support', 0, 120_000)).toEqual([window(60_000, 20)]);
    expect(await again.anomalyEvents(0, 100_000)).toEqual([anomaly('an-1', 61_000)]);
    expect(await again.emergenceEvents(0, 100_000)).toEqual([emergence('em-1', 62_000)]);
    expect((await again.unresolvedIncidents()).map((i) => i.id)).toEqual(['in-1']);
    expect(await again.incident('in-2')).toEqual(incident('in-2', 'resolved'));
    expect(
      await again.select(`SELECT kind, "by" FROM incident_timeline WHERE incident_id = 'in-1' ORDER BY "at"`),
    ).toEqual([
      { kind: 'opened', by: null },
      { kind: 'acknowledged', by: 'ana' },
    ]);
    expect(await again.decisions(10)).toEqual([{ action: 'scale_up', to: 5 }]);
    expect(await again.policies()).toEqual([{ pool: 'support', policy: { minReplicas: 7 } }]);
    await again.close();
  });

  it('replaces a record upserted twice (in one commit or two) and a window written again', async () => {
    let clock = 1;
    const history = await History.open({ dataDir: tempDir(), logger: silent, now: () => clock++ });
    await Promise.all([
      history.writeAgents([agent('a-1')]),
      history.writeAgents([{ ...agent('a-1'), status: 'degraded' }]),
    ]);
    await history.writeAgents([{ ...agent('a-1'), healthScore: 0.1 }]);
    expect(await history.agents()).toEqual([{ ...agent('a-1'), healthScore: 0.1 }]);
    await history.writeIncidents([incident('in-1')]);
    await history.writeIncidents([
      { ...incident('in-1'), status: 'resolved', timeline: [{ at: 5, kind: 'resolved', detail: 'ok' }] },
    ]);
    expect(await history.select('SELECT count(*)::INTEGER AS n FROM incident_timeline')).toEqual([{ n: 1 }]);
    // Two changes of one incident in the same commit (a bus batch carries several): one timeline, the latest's.
    const twice: Incident = { ...incident('in-2'), timeline: [{ at: 1, kind: 'opened', detail: 'slow' }] };
    await Promise.all([
      // The first write starts a commit; the two changes wait for the next one, together.
      history.writeAgents([agent('a-9')]),
      history.writeIncidents([twice]),
      history.writeIncidents([
        { ...twice, status: 'resolved', timeline: [...twice.timeline, { at: 9, kind: 'resolved', detail: 'ok' }] },
      ]),
    ]);
    expect(
      await history.select(
        `SELECT "at"::INTEGER AS at, kind FROM incident_timeline WHERE incident_id = 'in-2' ORDER BY "at"`,
      ),
    ).toEqual([
      { at: 1, kind: 'opened' },
      { at: 9, kind: 'resolved' },
    ]);
    expect((await history.incident('in-2'))?.status).toBe('resolved');
    await history.writeWindows([{ key: 'agent:a-1', window: window(0, 10) }]);
    await history.writeWindows([{ key: 'agent:a-1', window: window(0, 12) }]);
    expect(await history.windows('agent:a-1', 0, 0)).toEqual([window(0, 12)]);
    await history.close();
  });

  it('restores the registry and the open incidents into a fresh live store, and completes window ranges from disk', async () => {
    const dataDir = tempDir();
    const before = await History.open({ dataDir, logger: silent });
    const store = durableStore(new MemoryStore({ windowRetentionMs: 3_600_000 }), before);
    await store.agents.upsert([agent('a-1')]);
    await store.incidents.upsert([incident('in-1'), incident('in-2', 'resolved')]);
    await store.windows.append([0, 60_000, 120_000].map((start) => ({ key: 'agent:a-1', window: window(start) })));
    await store.close();

    const after = await History.open({ dataDir, logger: silent });
    const live = new MemoryStore({ windowRetentionMs: 3_600_000 });
    expect(await restoreInto(live, after)).toEqual({ agents: 1, incidents: 1 });
    const restored = durableStore(live, after);
    expect(await restored.agents.all()).toEqual([agent('a-1')]);
    expect((await restored.incidents.unresolved()).map((i) => i.id)).toEqual(['in-1']);
    await restored.windows.append([{ key: 'agent:a-1', window: window(180_000) }]);
    // The range spans the restart: minutes 0-2 come from disk, minute 3 from memory.
    expect((await restored.windows.range('agent:a-1', 0, 180_000)).map((w) => w.start)).toEqual([
      0, 60_000, 120_000, 180_000,
    ]);
    await restored.close();
  });

  it('opens a file of schema version 1 (windows without sketches), moves its aggregate windows to their own table and adds the sketch column', async () => {
    const dataDir = tempDir();
    const instance = await DuckDBInstance.create(join(dataDir, 'history.duckdb'));
    const connection = await instance.connect();
    await connection.run(
      `CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL); INSERT INTO meta VALUES ('schema_version', '1')`,
    );
    await connection.run(`CREATE TABLE windows (key VARCHAR NOT NULL, kind VARCHAR NOT NULL, start BIGINT NOT NULL, duration_ms BIGINT NOT NULL,
      count DOUBLE NOT NULL, errors DOUBLE NOT NULL, error_rate DOUBLE NOT NULL, latency_mean DOUBLE NOT NULL, latency_p50 DOUBLE NOT NULL,
      latency_p95 DOUBLE NOT NULL, latency_p99 DOUBLE NOT NULL, latency_max DOUBLE NOT NULL, latency_samples DOUBLE NOT NULL,
      input_tokens DOUBLE NOT NULL, output_tokens DOUBLE NOT NULL, cost_usd DOUBLE NOT NULL, means VARCHAR NOT NULL, written_at BIGINT NOT NULL)`);
    await connection.run(
      `INSERT INTO windows VALUES ('pool:support', 'pool', 0, 60000, 10, 1, 0.1, 0.5, 0.4, 0.9, 1.2, 1.5, 10, 100, 50, 0.01, '{"queue_depth":3}', 1)`,
    );
    connection.closeSync();
    instance.closeSync();

    const history = await History.open({ dataDir, logger: silent });
    expect(await history.windows('pool:support', 0, 0)).toEqual([window(0)]);
    // The pool's row moved to the aggregates' table.
    expect(
      await history.select(
        `SELECT (SELECT count(*) FROM windows)::INTEGER AS agents, (SELECT count(*) FROM series_windows)::INTEGER AS series`,
      ),
    ).toEqual([{ agents: 0, series: 1 }]);
    expect(await history.select(`SELECT value FROM meta WHERE key = 'schema_version'`)).toEqual([
      { value: String(SCHEMA_VERSION) },
    ]);
    const sketch = new DDSketch({ relativeAccuracy: 0.01 });
    [0.2, 0.4, 3].forEach((v) => sketch.accept(v));
    await history.writeWindows([
      { key: 'pool:support', window: { ...window(60_000), latencySketch: encodeSketch(sketch) } },
    ]);
    expect((await history.latencyPercentiles('pool:support', 60_000, 60_000)).samples).toBe(3);
    // The old window has latencies and no sketch: left out of a percentile, and counted as such.
    expect((await history.latencyPercentiles('pool:support', 0, 0)).unsketched).toBe(1);
    await history.close();
  });

  it("answers a range's latency percentiles from the merged sketches of its minute and hourly windows", async () => {
    const sketchOf = (from: number, n: number) => {
      const sketch = new DDSketch({ relativeAccuracy: 0.01 });
      for (let i = 0; i < n; i++) sketch.accept(from + i);
      return encodeSketch(sketch);
    };
    const history = await History.open({ dataDir: tempDir(), logger: silent });
    // An hour already rolled up (values 1..100), then a minute (101..200); an agent window of the fleet is no part of it.
    await history.transaction(() =>
      history.insertRows('series_windows_hourly', [
        { ...rowOfWindow('fleet', { ...window(0, 100, 3_600_000), latencySketch: sketchOf(1, 100) }, 1) },
      ]),
    );
    await history.writeWindows([
      { key: 'fleet', window: { ...window(3_600_000, 100), latencySketch: sketchOf(101, 100) } },
      { key: 'agent:a-1', window: window(3_600_000, 100) },
    ]);
    const { samples, windows, unsketched, percentiles } = await history.latencyPercentiles(
      'fleet',
      0,
      3_600_000,
      [0.5, 0.99],
    );
    expect({ samples, windows, unsketched }).toEqual({ samples: 200, windows: 2, unsketched: 0 });
    // Exact: p50 of 1..200 ≈ 100, p99 ≈ 198; the sketch is within 1 %.
    expect(Math.abs(percentiles.p50! - 100) / 100).toBeLessThan(0.02);
    expect(Math.abs(percentiles.p99! - 198) / 198).toBeLessThan(0.02);
    await history.close();
  });
});
