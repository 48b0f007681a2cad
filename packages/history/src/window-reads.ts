import type { RangePercentiles, WindowSummary } from '@swarmscope/core';
import { HOUR_MS } from './rollup';
import { kindOf, windowOf, windowTablesOf } from './rows';
import { sketchOfBins, type SketchBin } from './sketches';

// Range reads of windows. The time of a long range goes into turning rows into JavaScript objects, not into DuckDB's
// scan (a pool's 7 days of minutes: ≈ 1 ms to find and count its 10,080 rows, 100–450 ms to hand them over), so a
// month is read at one window an hour, rolled up inside DuckDB where the minutes are still kept.

type Select = (sql: string, params: string[]) => Promise<Array<Record<string, unknown>>>;

/** The quantiles an agent's windows keep (they carry no sketch): the only ones a range of them can answer. */
export const WINDOW_QUANTILES = [0.5, 0.95, 0.99] as const;

/** A window written again (same series and start) is a new row: the newest one counts. */
const NEWEST = 'QUALIFY row_number() OVER (PARTITION BY start, duration_ms ORDER BY written_at DESC) = 1';

/** The columns of a window, numbers as DOUBLE (a BIGINT crosses into JavaScript as a string, twice the work). */
const WINDOW_SELECT = `start::DOUBLE AS start, duration_ms::DOUBLE AS duration_ms, count, errors, error_rate, latency_mean, latency_p50,
  latency_p95, latency_p99, latency_max, latency_samples, input_tokens, output_tokens, cost_usd, means`;

/** Windows of `key` starting in [fromMs, toMs] as they were written (hourly roll-ups where the minutes are gone), ascending. */
export async function windowRange(select: Select, key: string, fromMs: number, toMs: number): Promise<WindowSummary[]> {
  const { raw, hourly } = windowTablesOf(key);
  const rows = await select(
    `WITH m AS (SELECT * EXCLUDE (latency_bins) FROM ${raw} WHERE key = $1 AND start BETWEEN $2::BIGINT AND $3::BIGINT ${NEWEST}),
     h AS (SELECT * EXCLUDE (latency_bins) FROM ${hourly} WHERE key = $1 AND start BETWEEN $2::BIGINT AND $3::BIGINT ${NEWEST})
     SELECT ${WINDOW_SELECT} FROM (
       SELECT * FROM m
       -- A pool's recent hours are rolled up while their minutes are kept: the minutes are the finer answer.
       UNION ALL SELECT * FROM h WHERE start NOT IN (SELECT DISTINCT (start // ${HOUR_MS}) * ${HOUR_MS} FROM m))
     ORDER BY start`,
    [key, String(fromMs), String(toMs)],
  );
  return rows.map((row) => windowOf(row));
}

/**
 * Hourly windows of `key` starting in [fromMs rounded down to the hour, toMs], ascending: the hours the roll-up job
 * wrote (a pool's, model's and the fleet's every hour, an agent's past the raw retention), and the hours it has not
 * rolled yet, rolled up here from their windows the same way (see rollUp: sums, sample-weighted means, percentiles
 * from the merged sketches' bins where every timed window has them). The current hour covers the windows closed so far.
 */
export async function hourlyRange(select: Select, key: string, fromMs: number, toMs: number): Promise<WindowSummary[]> {
  const { raw, hourly } = windowTablesOf(key);
  const params = [key, String(Math.floor(fromMs / HOUR_MS) * HOUR_MS), String(toMs)];
  const stored = await select(
    `SELECT ${WINDOW_SELECT} FROM ${hourly} WHERE key = $1 AND start BETWEEN $2::BIGINT AND $3::BIGINT ${NEWEST}`,
    params,
  );
  const rolled = await select(
    `WITH m AS (
       -- Only the hours not rolled up yet (filtered before the newest-row pick: the bins of the others are never read).
       SELECT (start // ${HOUR_MS}) * ${HOUR_MS} AS hour, * FROM ${raw}
       WHERE key = $1 AND start BETWEEN $2::BIGINT AND $3::BIGINT
         AND (start // ${HOUR_MS}) * ${HOUR_MS} NOT IN (SELECT start FROM ${hourly} WHERE key = $1 AND start BETWEEN $2::BIGINT AND $3::BIGINT)
       ${NEWEST}),
     totals AS (
       SELECT hour, sum(count) AS count, sum(errors) AS errors, sum(latency_samples) AS samples,
         sum(latency_mean * latency_samples) AS mean_sum, sum(latency_p50 * latency_samples) AS p50_sum,
         sum(latency_p95 * latency_samples) AS p95_sum, sum(latency_p99 * latency_samples) AS p99_sum, max(latency_max) AS max,
         sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd,
         count(*) FILTER (WHERE latency_samples > 0 AND latency_bins IS NULL)::DOUBLE AS unsketched
       FROM m GROUP BY hour),
     -- Metric means weighted by requests (a window without requests weighs one), per name.
     means AS (
       SELECT hour, to_json(map_from_entries(list({'key': name, 'value': total / weight})))::VARCHAR AS means FROM (
         SELECT hour, e.key AS name, sum(e.value * w) AS total, sum(w) AS weight FROM (
           SELECT hour, CASE WHEN count > 0 THEN count ELSE 1 END AS w, unnest(map_entries(means::JSON::MAP(VARCHAR, DOUBLE))) AS e FROM m)
         GROUP BY hour, name)
       GROUP BY hour),
     bins AS (
       SELECT hour, list({'k': k, 'n': n}) AS bins FROM (
         SELECT hour, b.k AS k, sum(b.n) AS n FROM (SELECT hour, unnest(latency_bins) AS b FROM m) GROUP BY hour, b.k)
       GROUP BY hour)
     SELECT totals.* REPLACE (hour::DOUBLE AS hour), coalesce(means.means, '{}') AS means, bins.bins
     FROM totals LEFT JOIN means USING (hour) LEFT JOIN bins USING (hour)`,
    params,
  );
  const byStart = new Map<number, WindowSummary>();
  for (const row of rolled) byStart.set(Number(row.hour), rolledHour(row));
  // An hour the job rolled up is read as it wrote it.
  for (const row of stored) byStart.set(Number(row.start), windowOf(row));
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

function rolledHour(row: Record<string, unknown>): WindowSummary {
  const n = (name: string) => Number(row[name]);
  const samples = n('samples');
  const per = (sum: number) => (samples > 0 ? sum / samples : 0);
  const bins = (row.bins as SketchBin[] | null) ?? [];
  const sketch = samples > 0 && n('unsketched') === 0 && bins.length > 0 ? sketchOfBins(bins) : undefined;
  const percentile = (q: number, weighted: string) => (sketch ? sketch.getValueAtQuantile(q) : per(n(weighted)));
  const count = n('count');
  return {
    start: n('hour'),
    durationMs: HOUR_MS,
    count,
    errors: n('errors'),
    errorRate: count > 0 ? n('errors') / count : 0,
    latency: {
      mean: per(n('mean_sum')),
      p50: percentile(0.5, 'p50_sum'),
      p95: percentile(0.95, 'p95_sum'),
      p99: percentile(0.99, 'p99_sum'),
      max: n('max'),
      samples,
    },
    inputTokens: n('input_tokens'),
    outputTokens: n('output_tokens'),
    costUsd: n('cost_usd'),
    means: JSON.parse(String(row.means)) as Record<string, number>,
  };
}

/** `0.5` → `p50`, `0.999` → `p99.9`. */
export const percentileName = (q: number): string => `p${+(q * 100).toFixed(3)}`;

/**
 * Latency percentiles of `key` over the windows starting in [fromMs, toMs] (minutes and hourly roll-ups alike). A
 * pool's, model's or the fleet's: from their sketches' bins summed in DuckDB, one sketch rebuilt, within 1 % for any
 * range. An agent's windows keep no sketch: the sample-weighted mean of their own p50/p95/p99, an approximation.
 */
export async function rangePercentiles(
  select: Select,
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
  const hour = `(start // ${HOUR_MS}) * ${HOUR_MS}`;
  const inRange = 'key = $1 AND start BETWEEN $2::BIGINT AND $3::BIGINT';
  const w = `WITH mh AS (SELECT DISTINCT ${hour} AS hour FROM ${raw} WHERE ${inRange}),
    h AS (SELECT ${columns} FROM ${hourly} WHERE ${inRange} ${NEWEST}),
    hu AS (SELECT * FROM h WHERE start + duration_ms - 1 <= $3::BIGINT OR start NOT IN (SELECT hour FROM mh)),
    m AS (SELECT ${columns} FROM ${raw} WHERE ${inRange} AND ${hour} NOT IN (SELECT start FROM hu) ${NEWEST}),
    w AS (SELECT * FROM hu UNION ALL SELECT * FROM m)`;
  const params = [key, String(fromMs), String(toMs)];
  if (kindOf(key) === 'agent') {
    const unknown = quantiles.filter((q) => !(WINDOW_QUANTILES as readonly number[]).includes(q));
    if (unknown.length > 0)
      throw new RangeError(
        `an agent's windows keep p50, p95 and p99 only, not ${unknown.map(percentileName).join(', ')}`,
      );
    const [row] = await select(
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
  const [row] = await select(
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
