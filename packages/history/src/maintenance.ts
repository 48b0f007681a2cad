import { Gauge, type OpenMetricsContentType, type Registry } from 'prom-client';
import type { Logger, WindowSummary } from '@swarmscope/core';
import type { History } from './history';
import { type Retention, rollupCutoff } from './retention';
import { HOUR_MS, rollUpBinned } from './rollup';
import type { SketchBin } from './sketches';
import { WINDOW_TABLES, windowOfRow, windowRow } from './rows';

export const JOBS = ['rollup', 'prune', 'integrity'] as const;
export type Job = (typeof JOBS)[number];

/**
 * Rolls every complete hour older than the raw retention up to hourly windows and drops its minutes; rolls the
 * aggregate series' (pools, models, the fleet) newer complete hours up too, keeping their minutes, so that a month of a
 * pool or a day's percentiles read a few hundred hourly rows (see window-reads.ts). Resolves to the hours rolled.
 */
export async function rollUpOldWindows(history: History, now: number, retention: Retention): Promise<number> {
  let rolledHours = 0;
  for (const tables of WINDOW_TABLES) rolledHours += await rollUpTables(history, now, retention, tables);
  rolledHours += await rollUpRecentHours(history, now, retention, WINDOW_TABLES[1]);
  return rolledHours;
}

type WindowTables = (typeof WINDOW_TABLES)[number];

async function rollUpTables(
  history: History,
  now: number,
  retention: Retention,
  tables: WindowTables,
): Promise<number> {
  const { raw } = tables;
  const cutoff = rollupCutoff(now, retention.rawMs);
  const hours = await history.select(
    `SELECT DISTINCT (start // ${HOUR_MS}) * ${HOUR_MS} AS hour FROM ${raw} WHERE start < $1 ORDER BY hour`,
    [String(cutoff)],
  );
  for (const { hour } of hours) {
    const from = Number(hour);
    // One transaction per hour: a crash mid-way leaves each hour either raw or rolled up, never both or neither.
    await history.transaction(async () => {
      await rollUpHour(history, tables, from);
      await history.select(`DELETE FROM ${raw} WHERE start >= $1 AND start < $2`, [
        String(from),
        String(from + HOUR_MS),
      ]);
    });
  }
  return hours.length;
}

/**
 * The complete hours newer than the raw retention that have no hourly row yet, or a window written after it (a late
 * one): rolled up (again), their minutes kept.
 */
async function rollUpRecentHours(
  history: History,
  now: number,
  retention: Retention,
  tables: WindowTables,
): Promise<number> {
  const { raw, hourly } = tables;
  const cutoff = rollupCutoff(now, retention.rawMs);
  const lastComplete = Math.floor(now / HOUR_MS) * HOUR_MS;
  const hours = await history.select(
    `SELECT DISTINCT m.hour FROM (
       SELECT key, (start // ${HOUR_MS}) * ${HOUR_MS} AS hour, max(written_at) AS written_at FROM ${raw}
       WHERE start >= $1::BIGINT AND start < $2::BIGINT GROUP BY ALL) m
     LEFT JOIN (SELECT key, start, max(written_at) AS written_at FROM ${hourly} WHERE start >= $1::BIGINT GROUP BY ALL) h
       ON h.key = m.key AND h.start = m.hour
     WHERE h.written_at IS NULL OR h.written_at < m.written_at
     ORDER BY m.hour`,
    [String(cutoff), String(lastComplete)],
  );
  for (const { hour } of hours) await history.transaction(() => rollUpHour(history, tables, Number(hour)));
  return hours.length;
}

/** Replaces the hourly rows of the hour at `from` by the roll-up of its windows (inside a transaction). */
async function rollUpHour(history: History, { raw, hourly }: WindowTables, from: number): Promise<void> {
  const rows = await history.select(
    `SELECT * FROM ${raw} WHERE start >= $1 AND start < $2
     QUALIFY row_number() OVER (PARTITION BY key, start ORDER BY written_at DESC) = 1`,
    [String(from), String(from + HOUR_MS)],
  );
  const byKey = new Map<
    string,
    { entries: Array<{ window: WindowSummary; bins: SketchBin[] | null }>; writtenAt: number }
  >();
  for (const row of rows) {
    const key = String(row.key);
    const series = byKey.get(key) ?? byKey.set(key, { entries: [], writtenAt: 0 }).get(key)!;
    series.entries.push({ window: windowOfRow(row), bins: (row.latency_bins as SketchBin[] | null) ?? null });
    series.writtenAt = Math.max(series.writtenAt, Number(row.written_at));
  }
  // An hourly row is as new as the newest window in it: a window written later makes the hour roll up again.
  const rolled = [...byKey].map(([key, { entries, writtenAt }]) =>
    windowRow(key, rollUpBinned(entries, from, HOUR_MS), writtenAt),
  );
  await history.select(`DELETE FROM ${hourly} WHERE start = $1::BIGINT`, [String(from)]);
  await history.insertRows(hourly, rolled);
}

/** Drops hourly windows and events past their retention; resolves to the rows dropped by table. */
export async function pruneOld(history: History, now: number, retention: Retention): Promise<Record<string, number>> {
  const rollupBefore = String(now - retention.rollupMs);
  const eventsBefore = String(now - retention.eventsMs);
  const dropped: Record<string, number> = {};
  await history.transaction(async () => {
    const run = async (table: string, sql: string, param: string) => {
      const result = await history.select(`${sql} RETURNING 1`, [param]);
      dropped[table] = result.length;
    };
    for (const { hourly } of WINDOW_TABLES) await run(hourly, `DELETE FROM ${hourly} WHERE start < $1`, rollupBefore);
    await run('edges', 'DELETE FROM edges WHERE start < $1', eventsBefore);
    await run('tool_usage', 'DELETE FROM tool_usage WHERE start < $1', eventsBefore);
    await run('anomaly_events', 'DELETE FROM anomaly_events WHERE time < $1', eventsBefore);
    await run('emergence_events', 'DELETE FROM emergence_events WHERE time < $1', eventsBefore);
    await run('scaling_decisions', 'DELETE FROM scaling_decisions WHERE time < $1', eventsBefore);
    await run(
      'incident_timeline',
      `DELETE FROM incident_timeline WHERE incident_id IN (SELECT id FROM incidents WHERE status = 'resolved' AND updated_at < $1)`,
      eventsBefore,
    );
    await run('incidents', `DELETE FROM incidents WHERE status = 'resolved' AND updated_at < $1`, eventsBefore);
  });
  return dropped;
}

/**
 * Checks what the schema cannot: windows with impossible numbers, timelines without their incident, keys whose kind
 * column disagrees; then checkpoints (DuckDB verifies block checksums as it reads). Resolves to the problems found.
 */
export async function checkIntegrity(history: History): Promise<Record<string, number>> {
  const count = async (sql: string) => Number((await history.select(`SELECT count(*) AS n FROM (${sql})`))[0]!.n);
  const problems: Record<string, number> = {};
  for (const table of WINDOW_TABLES.flatMap((t) => [t.raw, t.hourly])) {
    problems[`${table}_impossible`] = await count(
      `SELECT 1 FROM ${table} WHERE count < 0 OR errors < 0 OR errors > count OR error_rate < 0 OR error_rate > 1 OR latency_max < 0 OR duration_ms <= 0`,
    );
    problems[`${table}_kind_mismatch`] = await count(
      `SELECT 1 FROM ${table} WHERE kind <> CASE WHEN contains(key, ':') THEN split_part(key, ':', 1) ELSE key END`,
    );
  }
  problems.orphan_timeline = await count(
    'SELECT 1 FROM incident_timeline t ANTI JOIN incidents i ON t.incident_id = i.id',
  );
  await history.checkpoint();
  return problems;
}

export interface MaintenanceOptions {
  history: History;
  retention: Retention;
  logger: Logger;
  now?: () => number;
  /** How often each job runs (default: roll-up and prune hourly, integrity every 6 h). */
  everyMs?: Partial<Record<Job, number>>;
}

/** Runs the jobs on their schedules (and once at start), one at a time; records each run on /metrics and in the log. */
export class Maintenance {
  private readonly timers: NodeJS.Timeout[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private readonly lastRun = new Map<Job, { at: number; seconds: number; ok: boolean }>();
  private readonly now: () => number;

  constructor(private readonly options: MaintenanceOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    const every: Record<Job, number> = {
      rollup: HOUR_MS,
      prune: HOUR_MS,
      integrity: 6 * HOUR_MS,
      ...this.options.everyMs,
    };
    for (const job of JOBS) {
      void this.run(job);
      const timer = setInterval(() => void this.run(job), every[job]);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** Runs one job now (after any running one); never rejects: a failed run is logged and shown on /metrics. */
  run(job: Job): Promise<void> {
    const next = this.chain.then(() => this.runNow(job));
    this.chain = next;
    return next;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.chain;
  }

  /** Gauges of each job's last run, and of the rows committed, on a service's registry. */
  register(registry: Registry | Registry<OpenMetricsContentType>): void {
    const lastRun = this.lastRun;
    const history = this.options.history;
    new Gauge({
      name: 'swarmscope_history_rows_committed',
      help: 'Rows committed to the history database by table since this process started.',
      labelNames: ['table'],
      registers: [registry],
      collect() {
        for (const [table, rows] of history.rowsWritten) this.set({ table }, rows);
      },
    });
    new Gauge({
      name: 'swarmscope_history_job_last_run_timestamp_seconds',
      help: 'When each history maintenance job last finished (unix seconds).',
      labelNames: ['job'],
      registers: [registry],
      collect() {
        for (const [job, run] of lastRun) this.set({ job }, run.at / 1000);
      },
    });
    new Gauge({
      name: 'swarmscope_history_job_duration_seconds',
      help: 'How long each history maintenance job took on its last run.',
      labelNames: ['job'],
      registers: [registry],
      collect() {
        for (const [job, run] of lastRun) this.set({ job }, run.seconds);
      },
    });
    new Gauge({
      name: 'swarmscope_history_job_last_run_ok',
      help: 'Whether each history maintenance job succeeded on its last run (1) or failed (0).',
      labelNames: ['job'],
      registers: [registry],
      collect() {
        for (const [job, run] of lastRun) this.set({ job }, run.ok ? 1 : 0);
      },
    });
  }

  private async runNow(job: Job): Promise<void> {
    const { history, retention, logger } = this.options;
    const started = performance.now();
    const now = this.now();
    try {
      const result =
        job === 'rollup'
          ? { hours: await rollUpOldWindows(history, now, retention) }
          : job === 'prune'
            ? await pruneOld(history, now, retention)
            : await checkIntegrity(history);
      const seconds = (performance.now() - started) / 1000;
      this.lastRun.set(job, { at: this.now(), seconds, ok: true });
      const problems = job === 'integrity' && Object.values(result).some((n) => n > 0);
      logger[problems ? 'warn' : 'info'](
        { job, seconds, result },
        problems ? 'history integrity check found problems' : 'history job done',
      );
    } catch (error) {
      this.lastRun.set(job, { at: this.now(), seconds: (performance.now() - started) / 1000, ok: false });
      logger.error({ job, err: error }, 'history job failed');
    }
  }
}
