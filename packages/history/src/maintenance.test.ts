import { Registry } from 'prom-client';
import { History } from './history';
import { Maintenance, checkIntegrity, pruneOld, rollUpOldWindows } from './maintenance';
import { parseDuration, retentionFrom, rollupCutoff } from './retention';
import { HOUR_MS } from './rollup';
import { anomaly, incident, silent, tempDir, window } from './test-support/fixtures';

const DAY = 24 * HOUR_MS;
const retention = { rawMs: 7 * DAY, rollupMs: 90 * DAY, eventsMs: 30 * DAY };

describe('retention settings', () => {
  it('parses durations and rejects anything else by name', () => {
    expect(parseDuration('X', '7d')).toBe(7 * DAY);
    expect(parseDuration('X', '36h')).toBe(36 * HOUR_MS);
    expect(parseDuration('X', '90m')).toBe(90 * 60_000);
    expect(() => parseDuration('RETENTION_RAW', '7 days')).toThrow('RETENTION_RAW: expected a duration like 7d, 36h or 90m, got "7 days"');
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
    await history.writeWindows([...old, recent, { key: 'agent:a-1', window: window(HOUR_MS) }]);
    expect(await rollUpOldWindows(history, now, retention)).toBe(2);
    const rows = await history.select('SELECT key, start, duration_ms, count FROM windows_hourly ORDER BY key, start');
    expect(rows).toEqual([
      { key: 'agent:a-1', start: String(HOUR_MS), duration_ms: String(HOUR_MS), count: 10 },
      { key: 'pool:support', start: '0', duration_ms: String(HOUR_MS), count: 30 },
    ]);
    expect((await history.windows('pool:support', 0, now)).map((w) => [w.start, w.durationMs])).toEqual([[0, HOUR_MS], [now - HOUR_MS, 60_000]]);
    expect(await rollUpOldWindows(history, now, retention)).toBe(0);
    await history.close();
  });

  it('prunes hourly windows and events past their retention, and resolved incidents with their timelines', async () => {
    const history = await History.open({ dataDir: tempDir(), logger: silent });
    const now = 100 * DAY;
    await history.writeAnomalies([anomaly('old', now - 31 * DAY), anomaly('new', now - DAY)]);
    await history.writeIncidents([{ ...incident('gone', 'resolved'), updatedAt: now - 40 * DAY }, { ...incident('open'), updatedAt: now - 40 * DAY }]);
    const dropped = await pruneOld(history, now, retention);
    expect(dropped).toMatchObject({ anomaly_events: 1, incidents: 1, incident_timeline: 2 });
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
    await history.transaction(async () => history.insertRows('incident_timeline', [{ incident_id: 'nobody', at: 1, kind: 'opened', detail: '', by: null }]));
    expect(await checkIntegrity(history)).toMatchObject({ windows_impossible: 1, orphan_timeline: 1 });
    await history.close();
  });

  it('shows each job\'s last run on the registry', async () => {
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
