import { DDSketch } from '@datadog/sketches-js';
import { Registry } from 'prom-client';
import { History } from './history';
import { Maintenance, checkIntegrity, pruneOld, rollUpOldWindows } from './maintenance';
import { parseDuration, retentionFrom, rollupCutoff } from './retention';
import { HOUR_MS } from './rollup';
import { encodeSketch } from './sketches';
import { anomaly, incident, silent, tempDir, window } from './test-support/fixtures';

const DAY = 24 * HOUR_MS;
const retention = { rawMs: 7 * DAY, rollupMs: 90 * DAY, eventsMs: 30 * DAY };

describe('retention settings', () => {
  it('parses durations and rejects anything else by name', () => {
    expect(parseDuration('X', '7d')).toBe(7 * DAY);
    expect(parseDuration('X', '36h')).toBe(36 * HOUR_MS);
    expect(parseDuration('X', '90m')).toBe(90 * 60_000);
    expect(() => parseDuration('RETENTION_RAW', '7 days')).toThrow(
      'RETENTION_RAW: expected a duration like 7d, 36h or 90m, got "7 days"',
    );
    expect(() => parseDuration('RETENTION_RAW', '0d')).toThrow('RETENTION_RAW');
    expect(retentionFrom({})).toEqual({ rawMs: 7 * DAY, rollupMs: 90 * DAY, eventsMs: 90 * DAY });
  });

  it('rolls up only complete hours older than the raw retention', () => {
    expect(rollupCutoff(10 * DAY + 90 * 60_000, 7 * DAY)).toBe(3 * DAY + HOUR_MS);
  });
});

describe('maintenance jobs', () => {
  it('rolls minutes older than the raw retention up to hours, keeps newer minutes, and reads both as one range', async () => {
    const history = await History.open({ dataDir: tempDir(), logger: silent });
    const now = 10 * DAY;
    const old = [0, 1, 2].map((m) => ({ key: 'pool:support', window: window(m * 60_000) }));
    const recent = { key: 'pool:support', window: window(now - HOUR_MS) };
    const current = { key: 'pool:support', window: window(now) };
    await history.writeWindows([
      ...old,
      recent,
      current,
      { key: 'agent:a-1', window: window(HOUR_MS) },
      { key: 'agent:a-1', window: window(now - HOUR_MS) },
    ]);
    // The pool's hour 0 and the agent's hour 1 (their minutes dropped), and the pool's last complete hour (its minute
    // kept); neither the agent's recent hour nor the hour in progress.
    expect(await rollUpOldWindows(history, now, retention)).toBe(3);
    expect(await history.select('SELECT key, start, duration_ms, count FROM windows_hourly')).toEqual([
      { key: 'agent:a-1', start: String(HOUR_MS), duration_ms: String(HOUR_MS), count: 10 },
    ]);
    expect(
      await history.select('SELECT key, start, duration_ms, count FROM series_windows_hourly ORDER BY start'),
    ).toEqual([
      { key: 'pool:support', start: '0', duration_ms: String(HOUR_MS), count: 30 },
      { key: 'pool:support', start: String(now - HOUR_MS), duration_ms: String(HOUR_MS), count: 10 },
    ]);
    expect(await history.select('SELECT start FROM series_windows ORDER BY start')).toEqual([
      { start: String(now - HOUR_MS) },
      { start: String(now) },
    ]);
    // Windows as closed: the minutes where they are kept, the hour where they are gone.
    expect((await history.windows('pool:support', 0, now)).map((w) => [w.start, w.durationMs])).toEqual([
      [0, HOUR_MS],
      [now - HOUR_MS, 60_000],
      [now, 60_000],
    ]);
    expect(await rollUpOldWindows(history, now, retention)).toBe(0);
    await history.close();
  });

  it('rolls a recent hour up again when a window of it is written after its roll-up', async () => {
    let clock = 1;
    const history = await History.open({ dataDir: tempDir(), logger: silent, now: () => clock });
    const now = 10 * DAY;
    await history.writeWindows([{ key: 'fleet', window: window(now - HOUR_MS, 10) }]);
    expect(await rollUpOldWindows(history, now, retention)).toBe(1);
    clock = 2;
    await history.writeWindows([{ key: 'fleet', window: window(now - HOUR_MS + 60_000, 5) }]);
    expect(await rollUpOldWindows(history, now, retention)).toBe(1);
    expect(await history.select('SELECT start, count FROM series_windows_hourly')).toEqual([
      { start: String(now - HOUR_MS), count: 15 },
    ]);
    expect(await rollUpOldWindows(history, now, retention)).toBe(0);
    await history.close();
  });

  it("rolls a series' minute sketches up into the hour's sketch: the hour's percentiles stay exact to 1 %", async () => {
    const history = await History.open({ dataDir: tempDir(), logger: silent });
    const minute = (m: number) => {
      const sketch = new DDSketch({ relativeAccuracy: 0.01 });
      for (let i = 1; i <= 100; i++) sketch.accept(m * 100 + i);
      return { key: 'fleet', window: { ...window(m * 60_000, 100), latencySketch: encodeSketch(sketch) } };
    };
    await history.writeWindows([minute(0), minute(1)]);
    expect(await rollUpOldWindows(history, 10 * DAY, retention)).toBe(1);
    // Values 1..200: p99 ≈ 198 from the hourly row alone (the minutes are gone).
    expect(await history.select('SELECT count(*)::INTEGER AS n FROM series_windows')).toEqual([{ n: 0 }]);
    const { samples, windows, percentiles } = await history.latencyPercentiles('fleet', 0, HOUR_MS);
    expect({ samples, windows }).toEqual({ samples: 200, windows: 1 });
    expect(Math.abs(percentiles.p99! - 198) / 198).toBeLessThan(0.02);
    await history.close();
  });

  it('prunes hourly windows and events past their retention, and resolved incidents with their timelines', async () => {
    const history = await History.open({ dataDir: tempDir(), logger: silent });
    const now = 100 * DAY;
    await history.writeAnomalies([anomaly('old', now - 31 * DAY), anomaly('new', now - DAY)]);
    await history.writeIncidents([
      { ...incident('gone', 'resolved'), updatedAt: now - 40 * DAY },
      { ...incident('open'), updatedAt: now - 40 * DAY },
    ]);
    const usage = (start: number) => ({
      start,
      duration_ms: 60_000,
      pool: 'support',
      tool: 'search',
      calls: 1,
      errors: 0,
      duration_seconds: 0.5,
    });
    await history.writeToolUsage([usage(now - 31 * DAY), usage(now - DAY)]);
    const dropped = await pruneOld(history, now, retention);
    expect(dropped).toMatchObject({ anomaly_events: 1, incidents: 1, incident_timeline: 2, tool_usage: 1 });
    expect(await history.select('SELECT start FROM tool_usage')).toEqual([{ start: String(now - DAY) }]);
    expect((await history.anomalyEvents(0, now)).map((e) => e.id)).toEqual(['new']);
    expect((await history.unresolvedIncidents()).map((i) => i.id)).toEqual(['open']);
    expect(await history.incident('gone')).toBeUndefined();
    await history.close();
  });

  it('finds impossible windows and orphaned timeline rows', async () => {
    const history = await History.open({ dataDir: tempDir(), logger: silent });
    await history.writeWindows([{ key: 'agent:a-1', window: window(0) }]);
    expect(Object.values(await checkIntegrity(history)).every((n) => n === 0)).toBe(true);
    await history.writeWindows([{ key: 'agent:a-1', window: { ...window(60_000), errors: 50 } }]);
    await history.transaction(async () =>
      history.insertRows('incident_timeline', [{ incident_id: 'nobody', at: 1, kind: 'opened', detail: '', by: null }]),
    );
    expect(await checkIntegrity(history)).toMatchObject({ windows_impossible: 1, orphan_timeline: 1 });
    await history.close();
  });

  it("shows each job's last run on the registry", async () => {
    const history = await History.open({ dataDir: tempDir(), logger: silent });
    const registry = new Registry();
    const maintenance = new Maintenance({ history, retention, logger: silent, now: () => 5 * DAY });
    maintenance.register(registry);
    await maintenance.run('rollup');
    await maintenance.run('integrity');
    const text = await registry.metrics();
    expect(text).toContain('swarmscope_history_job_last_run_timestamp_seconds{job="rollup"} 432000');
    expect(text).toContain('swarmscope_history_job_last_run_ok{job="integrity"} 1');
    expect(text).toMatch(/swarmscope_history_job_duration_seconds\{job="rollup"\} \d/);
    expect(text).not.toContain('job="prune"');
    await maintenance.stop();
    await history.close();
  });
});
