import type { DDSketch } from '@datadog/sketches-js';
import type { WindowSummary } from '@swarmscope/core';
import { LatencyBins, newSketch } from './latency-bins';

/** Metric names with a meaning of their own in a window; every other number is averaged. */
export const METRIC = {
  responseTime: 'response_time_seconds',
  requests: 'requests',
  errors: 'errors',
  inputTokens: 'input_tokens',
  outputTokens: 'output_tokens',
  cost: 'cost_usd',
} as const;

/** Requests a report stands for: its `requests`, or one when it carries a response time but no count. */
export const requestsIn = (metrics: Readonly<Record<string, number>>): number =>
  metrics[METRIC.requests] ?? (metrics[METRIC.responseTime] !== undefined ? 1 : 0);

/**
 * A window keeps its latencies as they came (8 bytes each) while that is no bigger than binning them: past 32 values
 * it moves to a {@link LatencyBins} once the bins its values span (4 bytes each, plus ≈ 150 bytes) would take less
 * room, and at 256 values whatever their spread. Most agents' windows hold a few requests; the figures are the same
 * either way, since the values go into a sketch to be summarised.
 */
const RAW_LATENCIES = 32;
const MAX_RAW_LATENCIES = 256;
const BINS_OVERHEAD_BYTES = 150;
/** Past this many names a window's means are found through a Map instead of a scan (the fleet's windows). */
const SCAN_NAMES = 16;

/** Running totals of one series over one tumbling window. Merge-able, so model/pool windows are built from agents'. */
export class WindowAccumulator {
  requests = 0;
  errors = 0;
  inputTokens = 0;
  outputTokens = 0;
  costUsd = 0;
  /** The window's latencies while there are few (none: no array); then `bins`. */
  private latencies: number[] | undefined;
  private bins: LatencyBins | undefined;
  /** Names of the other metrics and quality scores, in order of arrival (none: no array). */
  private meanNames: string[] | undefined;
  /** [sum, count] of each of meanNames, flat (one array of doubles, not a Map of pairs: ≈ 250 bytes less a window). */
  private meanSums: number[] | undefined;
  /** name → its index, once there are more than SCAN_NAMES. */
  private meanIndex: Map<string, number> | undefined;

  constructor(readonly start: number) {}

  addReport(metrics: Readonly<Record<string, number>>, quality: Readonly<Record<string, number>>): void {
    for (const name in metrics) {
      const value = metrics[name]!;
      switch (name) {
        case METRIC.responseTime:
          this.addLatency(value);
          break;
        case METRIC.requests:
          break; // counted once below, with the reports that only carry a response time
        case METRIC.errors:
          this.errors += value;
          break;
        case METRIC.inputTokens:
          this.inputTokens += value;
          break;
        case METRIC.outputTokens:
          this.outputTokens += value;
          break;
        case METRIC.cost:
          this.costUsd += value;
          break;
        default:
          this.addMean(name, value, 1);
      }
    }
    this.requests += requestsIn(metrics);
    for (const name in quality) this.addMean(name, quality[name]!, 1);
  }

  merge(other: WindowAccumulator): void {
    this.requests += other.requests;
    this.errors += other.errors;
    this.inputTokens += other.inputTokens;
    this.outputTokens += other.outputTokens;
    this.costUsd += other.costUsd;
    if (other.bins) this.toBins().merge(other.bins);
    else if (other.latencies) for (const value of other.latencies) this.addLatency(value);
    const names = other.meanNames;
    if (names)
      for (let i = 0; i < names.length; i++)
        this.addMean(names[i]!, other.meanSums![2 * i]!, other.meanSums![2 * i + 1]!);
  }

  /** The window's summary; `withSketch` adds the latency sketch itself (aggregate windows, see WindowSummary). */
  summarize(durationMs: number, withSketch = false): WindowSummary {
    const sketch = this.bins ? this.bins.toSketch() : this.latencies ? sketchOf(this.latencies) : undefined;
    const n = sketch?.count ?? 0;
    const quantile = (q: number) => (sketch && n > 0 ? sketch.getValueAtQuantile(q) : 0);
    const means: Record<string, number> = {};
    const names = this.meanNames ?? [];
    for (let i = 0; i < names.length; i++) means[names[i]!] = this.meanSums![2 * i]! / this.meanSums![2 * i + 1]!;
    return {
      start: this.start,
      durationMs,
      count: this.requests,
      errors: this.errors,
      errorRate: this.requests > 0 ? Math.min(1, this.errors / this.requests) : 0,
      latency: {
        mean: sketch && n > 0 ? sketch.sum / n : 0,
        p50: quantile(0.5),
        p95: quantile(0.95),
        p99: quantile(0.99),
        max: sketch && n > 0 ? sketch.max : 0,
        samples: n,
      },
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      costUsd: this.costUsd,
      means,
      ...(withSketch && sketch && n > 0 ? { latencySketch: Buffer.from(sketch.toProto()).toString('base64') } : {}),
    };
  }

  private addLatency(value: number): void {
    if (this.bins) {
      this.bins.add(value);
      return;
    }
    const latencies = (this.latencies ??= []);
    latencies.push(value);
    // Checked every 32 values past the first 32: a scan of the values, so O(1) a value on average.
    if (latencies.length > RAW_LATENCIES && latencies.length % RAW_LATENCIES === 1) {
      if (latencies.length > MAX_RAW_LATENCIES || binsBytes(latencies) < latencies.length * 8) this.toBins();
    }
  }

  /** The window's bins, built from its raw latencies first if need be. */
  private toBins(): LatencyBins {
    if (!this.bins) {
      this.bins = new LatencyBins();
      for (const value of this.latencies ?? []) this.bins.add(value);
      this.latencies = undefined;
    }
    return this.bins;
  }

  private addMean(name: string, sum: number, count: number): void {
    const at = this.meanAt(name);
    const sums = this.meanSums!;
    sums[2 * at]! += sum;
    sums[2 * at + 1]! += count;
  }

  /** The index of `name` in the means, added (at 0, 0) when new. */
  private meanAt(name: string): number {
    const names = (this.meanNames ??= []);
    if (this.meanIndex) {
      const at = this.meanIndex.get(name);
      if (at !== undefined) return at;
    } else {
      for (let i = 0; i < names.length; i++) if (names[i] === name) return i;
    }
    names.push(name);
    (this.meanSums ??= []).push(0, 0);
    if (this.meanIndex) this.meanIndex.set(name, names.length - 1);
    else if (names.length > SCAN_NAMES) this.meanIndex = new Map(names.map((known, i) => [known, i]));
    return names.length - 1;
  }
}

/** What a LatencyBins of these values would take, about. */
function binsBytes(values: readonly number[]): number {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return LatencyBins.binsSpanned(min, max) * 4 + BINS_OVERHEAD_BYTES;
}

function sketchOf(values: readonly number[]): DDSketch {
  const sketch = newSketch();
  for (const value of values) sketch.accept(value);
  return sketch;
}
