import type { Logger, ToolUsageQuery, ToolUsageRow } from '@swarmscope/core';
import type { Reads } from './window-reads';
import type { Row } from './rows';

/** One (pool, tool)'s running totals since start, as health-monitor's tool usage table keeps them. */
export interface ToolTotals {
  calls: number;
  errors: number;
  durationSeconds: number;
}

/** What the recorder reads of health-monitor's tool usage (`HealthMonitor.tools`), structurally. */
export interface ToolUsageSource {
  entries(): Iterable<{ pool: string; tool: string; totals: Readonly<ToolTotals> }>;
}

/** Where the recorder writes a window's rows (`History.writeToolUsage`); narrow, so this module need not import History. */
export interface ToolUsageSink {
  writeToolUsage(rows: Row[]): Promise<void>;
}

export const TOOL_USAGE_COLUMNS = {
  start: 'BIGINT',
  duration_ms: 'BIGINT',
  pool: 'VARCHAR',
  tool: 'VARCHAR',
  calls: 'DOUBLE',
  errors: 'DOUBLE',
  duration_seconds: 'DOUBLE',
} as const;

/**
 * The rows of one window: each (pool, tool)'s usage since `previous` (the totals at the window's start); pairs with
 * no new call are left out. Resolves the totals to compare the next window with. Pure.
 */
export function toolUsageRows(
  previous: ReadonlyMap<string, ToolTotals>,
  source: ToolUsageSource,
  start: number,
  durationMs: number,
): { rows: Row[]; totals: Map<string, ToolTotals> } {
  const rows: Row[] = [];
  const totals = new Map<string, ToolTotals>();
  for (const { pool, tool, totals: now } of source.entries()) {
    const key = JSON.stringify([pool, tool]);
    totals.set(key, { ...now });
    const before = previous.get(key) ?? { calls: 0, errors: 0, durationSeconds: 0 };
    const calls = now.calls - before.calls;
    if (calls <= 0) continue;
    rows.push({
      start,
      duration_ms: durationMs,
      pool,
      tool,
      calls,
      errors: now.errors - before.errors,
      duration_seconds: now.durationSeconds - before.durationSeconds,
    });
  }
  return { rows, totals };
}

/**
 * Writes the fleet's tool usage by pool and tool into `tool_usage`, one row per (pool, tool) with calls in each
 * window, as each window of the `windowMs` grid ends, and once more, for the open window, on stop. Calls count in the
 * window the platform received them in (not by report timestamp). A crash loses at most the open window's, like the
 * other windows.
 */
export class ToolUsageRecorder {
  private totals = new Map<string, ToolTotals>();
  private windowStart: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly sink: ToolUsageSink,
    private readonly source: ToolUsageSource,
    private readonly options: { windowMs: number; logger: Logger; now?: () => number },
  ) {
    this.windowStart = this.windowOf(this.now());
  }

  start(): void {
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.record(this.windowStart);
  }

  /** Writes the usage since the last write as the window starting at `start`; never rejects (a failure is logged). */
  record(start: number): Promise<void> {
    this.running = this.running.then(async () => {
      const { rows, totals } = toolUsageRows(this.totals, this.source, start, this.options.windowMs);
      try {
        await this.sink.writeToolUsage(rows);
        this.totals = totals;
      } catch (error) {
        // The calls stay counted against the old totals: the next window's rows carry them.
        this.options.logger.error({ err: error }, 'history: writing tool usage failed');
      }
    });
    return this.running;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private windowOf(time: number): number {
    return Math.floor(time / this.options.windowMs) * this.options.windowMs;
  }

  private schedule(): void {
    if (this.stopped) return;
    const closesAt = this.windowStart + this.options.windowMs;
    this.timer = setTimeout(
      () => {
        const start = this.windowStart;
        this.windowStart = this.windowOf(this.now());
        void this.record(start).then(() => this.schedule());
      },
      Math.max(0, closesAt - this.now()),
    );
    this.timer.unref();
  }
}

/**
 * Tool usage over the windows starting in [fromMs, toMs], summed by pool and tool (most called first), or by hour
 * (the hour a window starts in), pool and tool (ascending hours). A pool or tool named keeps only its rows.
 */
export async function toolUsageRange(reads: Reads, query: ToolUsageQuery): Promise<ToolUsageRow[]> {
  const hourly = query.step === 'hour';
  const result = await reads.columns(
    `SELECT ${hourly ? '((start // 3600000) * 3600000)::DOUBLE AS hour, ' : ''}pool, tool, sum(calls) AS calls,
       sum(errors) AS errors, sum(duration_seconds) AS duration_seconds
     FROM tool_usage
     WHERE start BETWEEN $1::BIGINT AND $2::BIGINT AND ($3::VARCHAR IS NULL OR pool = $3) AND ($4::VARCHAR IS NULL OR tool = $4)
     GROUP BY ALL ORDER BY ${hourly ? 'hour, ' : ''}calls DESC, pool, tool`,
    [String(query.fromMs), String(query.toMs), query.pool ?? null, query.tool ?? null],
  );
  const { hour, pool, tool, calls, errors, duration_seconds: seconds } = result.columns;
  return Array.from({ length: result.rows }, (_, i) => ({
    ...(hour ? { start: Number(hour[i]) } : {}),
    pool: String(pool![i]),
    tool: String(tool![i]),
    calls: Number(calls![i]),
    errors: Number(errors![i]),
    durationSeconds: Number(seconds![i]),
  }));
}
