import { History } from './history';
import { exportTable } from './read-only';
import { silent, tempDir } from './test-support/fixtures';
import { ToolUsageRecorder, toolUsageRows, type ToolTotals } from './tool-usage';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A stand-in for health-monitor's tool usage table: running totals by (pool, tool). */
function usageTable() {
  const totals = new Map<string, { pool: string; tool: string; totals: ToolTotals }>();
  return {
    add(pool: string, tool: string, calls: number, errors: number, durationSeconds: number) {
      const key = `${pool}/${tool}`;
      const entry = totals.get(key) ?? { pool, tool, totals: { calls: 0, errors: 0, durationSeconds: 0 } };
      entry.totals = {
        calls: entry.totals.calls + calls,
        errors: entry.totals.errors + errors,
        durationSeconds: entry.totals.durationSeconds + durationSeconds,
      };
      totals.set(key, entry);
    },
    entries: () => totals.values(),
  };
}

describe('tool usage rows', () => {
  it("are each (pool, tool)'s calls since the previous totals, leaving out pairs without new calls", () => {
    const table = usageTable();
    table.add('support', 'search', 3, 1, 1.5);
    table.add('billing', 'search', 1, 0, 0.25);
    const first = toolUsageRows(new Map(), table, 0, 60_000);
    expect(first.rows).toEqual([
      { start: 0, duration_ms: 60_000, pool: 'support', tool: 'search', calls: 3, errors: 1, duration_seconds: 1.5 },
      { start: 0, duration_ms: 60_000, pool: 'billing', tool: 'search', calls: 1, errors: 0, duration_seconds: 0.25 },
    ]);
    table.add('support', 'search', 2, 0, 0.5);
    table.add('support', 'lookup', 1, 1, 2);
    const second = toolUsageRows(first.totals, table, 60_000, 60_000);
    expect(second.rows).toEqual([
      {
        start: 60_000,
        duration_ms: 60_000,
        pool: 'support',
        tool: 'search',
        calls: 2,
        errors: 0,
        duration_seconds: 0.5,
      },
      { start: 60_000, duration_ms: 60_000, pool: 'support', tool: 'lookup', calls: 1, errors: 1, duration_seconds: 2 },
    ]);
    expect(toolUsageRows(second.totals, table, 120_000, 60_000).rows).toEqual([]);
  });
});

describe('the tool usage recorder', () => {
  it("writes each window's usage on the window grid and the open window's on stop; the table is queryable and exported", async () => {
    const dataDir = tempDir();
    const history = await History.open({ dataDir, logger: silent });
    const table = usageTable();
    let clock = 30_000;
    const recorder = new ToolUsageRecorder(history, table, { windowMs: 60_000, logger: silent, now: () => clock });
    table.add('support', 'search', 4, 1, 2);
    await recorder.record(0);
    table.add('support', 'search', 1, 0, 0.5);
    clock = 70_000;
    await recorder.stop();
    expect(
      await history.select(
        'SELECT start, duration_ms, pool, tool, calls, errors, duration_seconds FROM tool_usage ORDER BY start',
      ),
    ).toEqual([
      { start: '0', duration_ms: '60000', pool: 'support', tool: 'search', calls: 4, errors: 1, duration_seconds: 2 },
      // The recorder's open window was the one it started in (clock 30 s): a stop writes the usage since into it.
      { start: '0', duration_ms: '60000', pool: 'support', tool: 'search', calls: 1, errors: 0, duration_seconds: 0.5 },
    ]);
    await history.close();
    const out = join(dataDir, 'tools.csv');
    await exportTable(dataDir, 'tool_usage', 'csv', out);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toEqual([
      'start,duration_ms,pool,tool,calls,errors,duration_seconds',
      '0,60000,support,search,4.0,1.0,2.0',
      '0,60000,support,search,1.0,0.0,0.5',
    ]);
  });
});
