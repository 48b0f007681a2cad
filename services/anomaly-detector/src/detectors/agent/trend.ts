import { TYPED_ARRAY_OVERHEAD_BYTES, deviationScore, objectBytes } from '../stream/detector';
import { round } from '../stream/explain';
import { type AgentAnomalyType, type SignalDetector, verdict, verdictBytes } from './signal';
import { stateArrays } from '../../engine/state-arrays';

// Method: Mann–Kendall trend test (Mann 1945; Kendall 1975; tie-corrected variance) with the Theil–Sen slope
// (Theil 1950; Sen 1968) for the size of the trend, over a sliding window of bucket means.

/** The Mann–Kendall statistic of a series. */
export interface MannKendall {
  /** S = Σ_{i<j} sign(x_j − x_i). */
  s: number;
  /** Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18, ties of size t corrected. */
  variance: number;
  /** Continuity-corrected standard score: (S − sign S) / √Var(S) (0 when S = 0). */
  z: number;
}

/** Mann–Kendall S, its tie-corrected variance and Z for `values[0..n)` (n ≥ 2; O(n²), allocation-free but for ties). */
export function mannKendall(
  values: ArrayLike<number>,
  n = values.length,
  out: MannKendall = { s: 0, variance: 0, z: 0 },
): MannKendall {
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = values[i]!;
    for (let j = i + 1; j < n; j++) {
      const d = values[j]! - xi;
      s += d > 0 ? 1 : d < 0 ? -1 : 0;
    }
  }
  let tieTerm = 0;
  const sorted = tieScratch(n);
  for (let i = 0; i < n; i++) sorted[i] = values[i]!;
  const view = sorted.subarray(0, n).sort();
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && view[j] === view[i]) j++;
    const t = j - i;
    if (t > 1) tieTerm += t * (t - 1) * (2 * t + 5);
    i = j;
  }
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  out.s = s;
  out.variance = variance;
  out.z = s === 0 || variance <= 0 ? 0 : (s - Math.sign(s)) / Math.sqrt(variance);
  return out;
}

/** Theil–Sen slope: the median of the pairwise slopes (y_j − y_i) / (x_j − x_i) over pairs with x_j ≠ x_i. */
export function theilSenSlope(x: ArrayLike<number>, y: ArrayLike<number>, n = Math.min(x.length, y.length)): number {
  const slopes = slopeScratch((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = x[j]! - x[i]!;
      if (dx !== 0) slopes[k++] = (y[j]! - y[i]!) / dx;
    }
  }
  if (k === 0) return Number.NaN;
  const view = slopes.subarray(0, k).sort();
  const h = k >> 1;
  return k & 1 ? view[h]! : (view[h - 1]! + view[h]!) / 2;
}

export interface TrendOptions {
  /** Which trend is an anomaly: `down` (quality falling, default) or `up` (memory growing). */
  direction?: 'down' | 'up';
  /** Observations averaged into one bucket (default 8): the test runs on bucket means. */
  bucketSamples?: number;
  /** Bucket means in the sliding window (default 32). */
  window?: number;
  /** Buckets needed before testing (default 12). */
  minBuckets?: number;
  /** One-sided |Z| of significance (default 3.09, α = 0.001). */
  zCritical?: number;
  /** The Theil–Sen change over the window must be at least this much in absolute units (default 0)… */
  minChange?: number;
  /** …and this fraction of the window's median level (default 0). */
  minRelativeChange?: number;
  /** The anomaly type this detector reports (default `quality_degradation` down, `memory_leak` up). */
  type?: AgentAnomalyType;
  /** Name for events and explanations (default `trend`). */
  name?: string;
  /** What is measured, for the sentence (default `value`). */
  label?: string;
}

const KEYS = ['z', 's', 'slopePerHour', 'change', 'from', 'to', 'buckets'] as const;

/**
 * A significant monotone trend in one stream: observations are averaged into buckets of `bucketSamples`; at each
 * completed bucket, Mann–Kendall over the last `window` bucket means, and the Theil–Sen slope (against the buckets'
 * mean timestamps) gives the size of the change. Score: 0.5 at one-sided Z = zCritical, rising towards 1 —
 * provided the change over the window reaches `minChange` / `minRelativeChange`; otherwise 0.
 * Evidence: z, s, slopePerHour, change (over the window), from / to (fitted level at the window's ends), buckets.
 * State: two Float64Arrays of `window` (≈ 0.7 KB at 32).
 */
export class TrendDetector implements SignalDetector {
  readonly name: string;
  readonly type: AgentAnomalyType;
  readonly verdict = verdict(KEYS);
  private readonly up: boolean;
  private readonly bucketSamples: number;
  private readonly capacity: number;
  private readonly minBuckets: number;
  private readonly zCritical: number;
  private readonly minChange: number;
  private readonly minRelativeChange: number;
  readonly feature: string;
  private readonly means: Float64Array;
  private readonly times: Float64Array;
  private readonly mk: MannKendall = { s: 0, variance: 0, z: 0 };
  private head = 0;
  private count = 0;
  private sum = 0;
  private timeSum = 0;
  private inBucket = 0;

  constructor(options: TrendOptions = {}) {
    this.up = options.direction === 'up';
    this.type = options.type ?? (this.up ? 'memory_leak' : 'quality_degradation');
    this.name = options.name ?? 'trend';
    this.feature = options.label ?? 'value';
    this.bucketSamples = options.bucketSamples ?? 8;
    this.capacity = options.window ?? 32;
    this.minBuckets = Math.max(3, Math.min(options.minBuckets ?? 12, this.capacity));
    this.zCritical = options.zCritical ?? 3.09;
    this.minChange = options.minChange ?? 0;
    this.minRelativeChange = options.minRelativeChange ?? 0;
    this.means = stateArrays.float64(this.capacity);
    this.times = stateArrays.float64(this.capacity);
  }

  /**
   * Adds one observation at `timestamp` (epoch ms). The verdict changes only when a bucket completes; in between
   * it keeps the last bucket's answer.
   */
  update(timestamp: number, value: number) {
    if (!Number.isFinite(value)) return this.verdict;
    this.sum += value;
    this.timeSum += timestamp;
    if (++this.inBucket < this.bucketSamples) return this.verdict;
    this.push(this.sum / this.inBucket, this.timeSum / this.inBucket);
    this.sum = 0;
    this.timeSum = 0;
    this.inBucket = 0;
    this.test();
    return this.verdict;
  }

  describe(): string {
    const e = this.verdict.evidence;
    const word = this.up ? 'rising' : 'falling';
    return `${this.feature} is ${word}: from ${round(e.from!)} to ${round(e.to!)} over the last ${e.buckets} buckets of ${this.bucketSamples} (Theil–Sen ${round(e.slopePerHour!)} an hour; Mann–Kendall Z = ${round(e.z!)})`;
  }

  stateBytes(): number {
    return (
      objectBytes(22) +
      2 * TYPED_ARRAY_OVERHEAD_BYTES +
      this.means.byteLength +
      this.times.byteLength +
      objectBytes(3) +
      verdictBytes(KEYS.length)
    );
  }

  private push(mean: number, time: number): void {
    this.means[this.head] = mean;
    this.times[this.head] = time;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    if (this.count < this.capacity) this.count++;
  }

  private test(): void {
    const v = this.verdict;
    const n = this.count;
    if (n < this.minBuckets) {
      v.ready = false;
      v.score = 0;
      return;
    }
    // Oldest first: the window may wrap in the ring.
    const ys = orderScratch(2 * n);
    const start = n === this.capacity ? this.head : 0;
    for (let i = 0; i < n; i++) {
      const j = (start + i) % this.capacity;
      ys[i] = this.means[j]!;
      ys[n + i] = this.times[j]!;
    }
    const y = ys.subarray(0, n);
    const t = ys.subarray(n, 2 * n);
    const mk = mannKendall(y, n, this.mk);
    const z = this.up ? mk.z : -mk.z;
    v.ready = true;
    v.evidence.z = mk.z;
    v.evidence.s = mk.s;
    v.evidence.buckets = n;
    if (z < this.zCritical * 0.5) {
      // Far from significant: skip the O(n²) slope.
      v.score = 0;
      v.evidence.slopePerHour = Number.NaN;
      v.evidence.change = 0;
      v.evidence.from = v.evidence.to = Number.NaN;
      return;
    }
    const slope = theilSenSlope(t, y, n); // per ms
    const span = t[n - 1]! - t[0]!;
    const change = slope * span;
    // Sen's intercept: the median of y − slope·t, evaluated at the window's ends.
    const resid = slopeScratch(n);
    for (let i = 0; i < n; i++) resid[i] = y[i]! - slope * (t[i]! - t[0]!);
    const rs = resid.subarray(0, n).sort();
    const level = n & 1 ? rs[n >> 1]! : (rs[(n >> 1) - 1]! + rs[n >> 1]!) / 2;
    v.evidence.slopePerHour = slope * 3_600_000;
    v.evidence.change = change;
    v.evidence.from = level;
    v.evidence.to = level + change;
    const big =
      Math.abs(change) >= this.minChange &&
      Math.abs(change) >= this.minRelativeChange * Math.abs(level) &&
      (this.up ? change > 0 : change < 0);
    v.score = big ? deviationScore(z, this.zCritical, 1.5) : 0;
  }
}

// Shared scratch (single-threaded; each use completes before the next).
let ties = new Float64Array(64);
let slopes = new Float64Array(512);
let order = new Float64Array(64);
function tieScratch(n: number): Float64Array {
  if (ties.length < n) ties = new Float64Array(n);
  return ties;
}
function slopeScratch(n: number): Float64Array {
  if (slopes.length < n) slopes = new Float64Array(n);
  return slopes;
}
function orderScratch(n: number): Float64Array {
  if (order.length < n) order = new Float64Array(n);
  return order;
}
