import type { WindowSummary } from '@swarmscope/core';
import { encodeSketch, mergeSketches, sketchOfBins, sumBins, type Sketch, type SketchBin } from './sketches';

export const HOUR_MS = 3_600_000;

/**
 * Folds closed windows of one series into one window of `durationMs` starting at `start`. Counts, tokens and cost
 * add up; the error rate is recomputed; latency mean is weighted by latency samples, metric means by requests, `max`
 * exact. Percentiles come from the merged latency sketches when every window with latencies has one (aggregate
 * windows; within the sketch's 1 %), and are otherwise the sample-weighted mean of the windows' own (an approximation).
 * `merged`: the windows' sketches already merged by the caller (a read sums their bins instead of decoding each).
 */
export function rollUp(
  windows: readonly WindowSummary[],
  start: number,
  durationMs: number,
  merged?: Sketch,
): WindowSummary {
  let count = 0;
  let errors = 0;
  let samples = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let costUsd = 0;
  let max = 0;
  const latencySums = { mean: 0, p50: 0, p95: 0, p99: 0 };
  const meanSums = new Map<string, { sum: number; weight: number }>();
  for (const w of windows) {
    count += w.count;
    errors += w.errors;
    inputTokens += w.inputTokens;
    outputTokens += w.outputTokens;
    costUsd += w.costUsd;
    samples += w.latency.samples;
    max = Math.max(max, w.latency.max);
    for (const q of ['mean', 'p50', 'p95', 'p99'] as const) latencySums[q] += w.latency[q] * w.latency.samples;
    // A window without requests still carries gauges (e.g. queue depth): weigh it as one observation then.
    const weight = w.count > 0 ? w.count : 1;
    for (const [name, value] of Object.entries(w.means)) {
      const acc = meanSums.get(name) ?? { sum: 0, weight: 0 };
      acc.sum += value * weight;
      acc.weight += weight;
      meanSums.set(name, acc);
    }
  }
  const per = (sum: number) => (samples > 0 ? sum / samples : 0);
  const timed = windows.filter((w) => w.latency.samples > 0);
  const sketch =
    merged ??
    (timed.length > 0 && timed.every((w) => w.latencySketch)
      ? mergeSketches(timed.map((w) => w.latencySketch!))
      : undefined);
  const percentile = (q: number, weighted: number) => (sketch ? sketch.getValueAtQuantile(q) : per(weighted));
  return {
    start,
    durationMs,
    count,
    errors,
    errorRate: count > 0 ? errors / count : 0,
    latency: {
      mean: per(latencySums.mean),
      p50: percentile(0.5, latencySums.p50),
      p95: percentile(0.95, latencySums.p95),
      p99: percentile(0.99, latencySums.p99),
      max,
      samples,
    },
    inputTokens,
    outputTokens,
    costUsd,
    means: Object.fromEntries([...meanSums].map(([name, acc]) => [name, acc.sum / acc.weight])),
    ...(sketch ? { latencySketch: encodeSketch(sketch) } : {}),
  };
}

/**
 * rollUp of windows as the history keeps them, each with its sketch's bins (or none): the bins of the timed windows
 * summed and one sketch rebuilt, when every one has them — what merging their sketches gives, without decoding each.
 */
export function rollUpBinned(
  entries: ReadonlyArray<{ window: WindowSummary; bins: readonly SketchBin[] | null | undefined }>,
  start: number,
  durationMs: number,
): WindowSummary {
  const timed = entries.filter((e) => e.window.latency.samples > 0);
  const merged =
    timed.length > 0 && timed.every((e) => e.bins) ? sketchOfBins(sumBins(timed.map((e) => e.bins!))) : undefined;
  return rollUp(
    entries.map((e) => e.window),
    start,
    durationMs,
    merged,
  );
}
