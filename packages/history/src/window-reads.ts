import type { RangePercentiles, WindowSummary } from '@swarmscope/core';
import type { ColumnResult, Param } from './read-connection';
import { HOUR_MS, rollUpBinned } from './rollup';
import { kindOf, windowOf, windowTablesOf } from './rows';
import { sketchOfBins, type SketchBin } from './sketches';

// Range reads of windows. A long range costs in turning rows into JavaScript objects more than in DuckDB's scan (a
// pool's 7 days of minutes: ≈ 1 ms to find and count its 10,080 rows, tens of ms to hand them over), so a month is
// read at one window an hour; each read is one prepared statement on the read connection, its result taken as columns.

/** What the reads run their statements through (History's read connection). */
export interface Reads {
  rows(sql: string, params: readonly Param[]): Promise<Array<Record<string, unknown>>>;
  columns(sql: string, params: readonly Param[]): Promise<ColumnResult>;
}

/** The quantiles an agent's windows keep (they carry no sketch): the only ones a range of them can answer. */
export const WINDOW_QUANTILES = [0.5, 0.95, 0.99] as const;

/** A window written again (same series and start) is a new row: the newest one counts. */
const NEWEST = 'QUALIFY row_number() OVER (PARTITION BY start, duration_ms ORDER BY written_at DESC) = 1';

/** The columns of a window, numbers as DOUBLE (a BIGINT crosses into JavaScript as a BigInt, then a Number). */
const WINDOW_SELECT = `start::DOUBLE AS start, duration_ms::DOUBLE AS duration_ms, count, errors, error_rate, latency_mean, latency_p50,
  latency_p95, latency_p99, latency_max, latency_samples, input_tokens, output_tokens, cost_usd, means`;

const IN_RANGE = 'key = $1 AND start BETWEEN $2::BIGINT AND $3::BIGINT';
const HOUR_OF = `(start // ${HOUR_MS}) * ${HOUR_MS}`;

/** Row `i` of a columnar result as a window. */
function windowAt({ columns }: ColumnResult, i: number): WindowSummary {
  return windowOf((name) => columns[name]![i]);
}

/** Windows of `key` starting in [fromMs, toMs] as they were written (hourly roll-ups where the minutes are gone), ascending. */
export async function windowRange(reads: Reads, key: string, fromMs: number, toMs: number): Promise<WindowSummary[]> {
  const { raw, hourly } = windowTablesOf(key);
  const result = await reads.columns(
    `WITH m AS (SELECT * EXCLUDE (latency_bins) FROM ${raw} WHERE ${IN_RANGE} ${NEWEST}),
     h AS (SELECT * EXCLUDE (latency_bins) FROM ${hourly} WHERE ${IN_RANGE} ${NEWEST})
     SELECT ${WINDOW_SELECT} FROM (
       SELECT * FROM m
       -- A pool's recent hours are rolled up while their minutes are kept: the minutes are the finer answer.
       UNION ALL SELECT * FROM h WHERE start NOT IN (SELECT DISTINCT ${HOUR_OF} FROM m))
     ORDER BY start`,
    [key, String(fromMs), String(toMs)],
  );
  return Array.from({ length: result.rows }, (_, i) => windowAt(result, i));
}

/**
 * Hourly windows of `key` starting in [fromMs rounded down to the hour, toMs], ascending: the hours the roll-up job
 * wrote (a pool's, model's and the fleet's every hour, an agent's past the raw retention), and the hours it has not
 * rolled yet, rolled up here from their windows by the job's own rollUp (sums, sample-weighted means, percentiles
 * from the merged sketches where every timed window has one). The current hour covers the windows closed so far.
 * One plain statement (no window function: the newest of a rewritten row is picked here, in one pass): the stored
 * hours, and the windows of the hours without one, bins included to merge.
 */
export async function hourlyRange(reads: Reads, key: string, fromMs: number, toMs: number): Promise<WindowSummary[]> {
  const { raw, hourly } = windowTablesOf(key);
  const result = await reads.columns(
    `SELECT true AS stored, written_at::DOUBLE AS written_at, ${WINDOW_SELECT}, NULL AS latency_bins FROM ${hourly} WHERE ${IN_RANGE}
     UNION ALL SELECT false, written_at::DOUBLE, ${WINDOW_SELECT}, latency_bins FROM ${raw} WHERE rowid IN (
       -- The windows of hours without a stored row, found before their bins are read (a pool keeps 7 days of minutes).
       SELECT rowid FROM ${raw} WHERE ${IN_RANGE} AND ${HOUR_OF} NOT IN (SELECT start FROM ${hourly} WHERE ${IN_RANGE}))`,
    [key, String(Math.floor(fromMs / HOUR_MS) * HOUR_MS), String(toMs)],
  );
  const {
    stored,
    written_at: writtenAt,
    start,
    duration_ms: duration,
  } = result.columns as Record<string, unknown[]> & {
    [column in 'written_at' | 'start' | 'duration_ms']: number[];
  } & { stored: boolean[] };
  const newest = [new Map<string, number>(), new Map<string, number>()];
  for (let i = 0; i < result.rows; i++) {
    const rows = newest[stored[i] ? 0 : 1]!;
    const window = `${start[i]}/${duration[i]}`;
    const before = rows.get(window);
    if (before === undefined || writtenAt[before]! <= writtenAt[i]!) rows.set(window, i);
  }
  const hours = [...newest[0]!.values()].map((i) => windowAt(result, i));
  // The minutes of each hour not rolled yet, rolled up as the job does.
  const byHour = new Map<number, number[]>();
  for (const i of newest[1]!.values()) {
    const hour = Math.floor(start[i]! / HOUR_MS) * HOUR_MS;
    (byHour.get(hour) ?? byHour.set(hour, []).get(hour)!).push(i);
  }
  const bins = result.columns.latency_bins as Array<SketchBin[] | null>;
  for (const [hour, rows] of byHour) {
    const entries = rows.map((i) => ({ window: windowAt(result, i), bins: bins[i] }));
    const { latencySketch: _, ...rolled } = rollUpBinned(entries, hour, HOUR_MS);
    hours.push(rolled);
  }
  return hours.sort((a, b) => a.start - b.start);
}

/** `0.5` → `p50`, `0.999` → `p99.9`. */
export const percentileName = (q: number): string => `p${+(q * 100).toFixed(3)}`;

/**
 * Latency percentiles of `key` over the windows starting in [fromMs, toMs] (minutes and hourly roll-ups alike). A
 * pool's, model's or the fleet's: from their sketches' bins summed in DuckDB, one sketch rebuilt, within 1 % for any
 * range. An agent's windows keep no sketch: the sample-weighted mean of their own p50/p95/p99, an approximation.
 */
export async function rangePercentiles(
  reads: Reads,
  key: string,
  fromMs: number,
  toMs: number,
  quantiles: readonly number[],
): Promise<RangePercentiles> {
  const { raw, hourly } = windowTablesOf(key);
  // An hour rolled up stands for its windows where it lies inside the range (or its windows are gone); the windows
  // of the other hours count one by one. A day of a pool: 23 hourly rows and the current hour's minutes, not 1,440.
  const columns =
    'start, duration_ms, written_at, latency_bins, latency_samples, latency_p50, latency_p95, latency_p99';
  const w = `WITH mh AS (SELECT DISTINCT ${HOUR_OF} AS hour FROM ${raw} WHERE ${IN_RANGE}),
    h AS (SELECT ${columns} FROM ${hourly} WHERE ${IN_RANGE} ${NEWEST}),
    hu AS (SELECT * FROM h WHERE start + duration_ms - 1 <= $3::BIGINT OR start NOT IN (SELECT hour FROM mh)),
    m AS (SELECT ${columns} FROM ${raw} WHERE ${IN_RANGE} AND ${HOUR_OF} NOT IN (SELECT start FROM hu) ${NEWEST}),
    w AS (SELECT * FROM hu UNION ALL SELECT * FROM m)`;
  const params = [key, String(fromMs), String(toMs)];
  if (kindOf(key) === 'agent') {
    const unknown = quantiles.filter((q) => !(WINDOW_QUANTILES as readonly number[]).includes(q));
    if (unknown.length > 0)
      throw new RangeError(
        `an agent's windows keep p50, p95 and p99 only, not ${unknown.map(percentileName).join(', ')}`,
      );
    const [row] = await reads.rows(
      `${w} SELECT count(*)::DOUBLE AS windows, coalesce(sum(latency_samples), 0) AS samples, sum(latency_p50 * latency_samples) AS p50,
         sum(latency_p95 * latency_samples) AS p95, sum(latency_p99 * latency_samples) AS p99 FROM w`,
      params,
    );
    const samples = Number(row!.samples);
    const percentiles = Object.fromEntries(
      quantiles.map((q) => [percentileName(q), samples > 0 ? Number(row![percentileName(q)]) / samples : 0]),
    );
    return { windows: Number(row!.windows), samples, percentiles, method: 'window-mean', unsketched: 0 };
  }
  const [row] = await reads.rows(
    `${w} SELECT (SELECT count(*) FROM w)::DOUBLE AS windows,
       (SELECT count(*) FROM w WHERE latency_bins IS NULL AND latency_samples > 0)::DOUBLE AS unsketched,
       (SELECT list({'k': k, 'n': n}) FROM (SELECT b.k AS k, sum(b.n) AS n FROM w, unnest(w.latency_bins) AS t(b) GROUP BY b.k)) AS bins`,
    params,
  );
  const merged = sketchOfBins((row!.bins as SketchBin[] | null) ?? []);
  const percentiles = Object.fromEntries(
    quantiles.map((q) => [percentileName(q), merged.count > 0 ? merged.getValueAtQuantile(q) : 0]),
  );
  return {
    windows: Number(row!.windows),
    samples: merged.count,
    percentiles,
    method: 'sketch',
    unsketched: Number(row!.unsketched),
  };
}
