import { TYPED_ARRAY_OVERHEAD_BYTES, objectBytes } from '../stream/detector';
import { round } from '../stream/explain';
import { type SignalDetector, logistic, verdict, verdictBytes } from './signal';
import { stateArrays } from '../../engine/state-arrays';

// Method: two tests between a reference window and the recent window, over the reference's quantile bins: the
// population stability index PSI = Σ (a_i − e_i)·ln(a_i / e_i) (Siddiqi 2006: > 0.25 a significant shift) and the
// two-sample Kolmogorov–Smirnov statistic D = max |F_ref − F_recent| at the bin edges (a lower bound of the exact D,
// so a conservative test), its p-value from the Kolmogorov distribution with the Stephens (1970) correction.

/** PSI of `actual` against `expected` proportions (same length; each summing to 1). Empty bins take `epsilon`. */
export function populationStabilityIndex(
  expected: ArrayLike<number>,
  actual: ArrayLike<number>,
  epsilon = 1e-4,
): number {
  let psi = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i]!, epsilon);
    const a = Math.max(actual[i]!, epsilon);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** Bin edges at the reference's 1/bins … (bins−1)/bins quantiles, ties merged: ≤ bins − 1 increasing edges. */
export function quantileEdges(reference: ArrayLike<number>, bins: number): Float64Array {
  const sorted = Float64Array.from(reference).sort();
  const n = sorted.length;
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const pos = ((n - 1) * k) / bins;
    const lo = Math.floor(pos);
    const edge = sorted[lo]! + (pos - lo) * ((sorted[Math.min(n - 1, lo + 1)] ?? sorted[lo]!) - sorted[lo]!);
    if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  return Float64Array.from(edges);
}

/** The bin of `value`: the number of edges ≤ value (values equal to an edge go up, as with `[lo, hi)` bins). */
export function binOf(edges: Float64Array, value: number, count = edges.length): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * P(D ≥ d) for the two-sample Kolmogorov–Smirnov statistic of samples of n and m values (asymptotic Kolmogorov
 * distribution, λ = (√nₑ + 0.12 + 0.11/√nₑ)·d with nₑ = nm/(n+m); Stephens 1970, as in Numerical Recipes' probks).
 */
export function kolmogorovSmirnovPValue(d: number, n: number, m: number): number {
  const ne = (n * m) / (n + m);
  const sqrt = Math.sqrt(ne);
  const lambda = (sqrt + 0.12 + 0.11 / sqrt) * d;
  if (lambda < 0.3) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = (k % 2 ? 2 : -2) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-16 * Math.abs(sum) || Math.abs(term) < 1e-300) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/** PSI between two samples, binned at the reference's deciles (or `bins` quantiles). */
export function psiOfSamples(reference: ArrayLike<number>, recent: ArrayLike<number>, bins = 10): number {
  const edges = quantileEdges(reference, bins);
  const k = edges.length + 1;
  const e = new Float64Array(k);
  const a = new Float64Array(k);
  for (let i = 0; i < reference.length; i++) e[binOf(edges, reference[i]!)]! += 1 / reference.length;
  for (let i = 0; i < recent.length; i++) a[binOf(edges, recent[i]!)]! += 1 / recent.length;
  return populationStabilityIndex(e, a);
}

export interface OutputDriftOptions {
  /** Values in the reference window (default 1,000). */
  reference?: number;
  /** Values in the recent window compared with it (default 300). */
  recent?: number;
  /** Quantile bins of the reference (default 10, deciles). */
  bins?: number;
  /** PSI that scores 0.5 (default 0.25: a significant shift)… */
  threshold?: number;
  /** …or Kolmogorov–Smirnov p-value that scores 0.5 (default 1e-8, as PSI 0.25 at the default windows). */
  ksAlpha?: number;
  /** The reference's bins are recomputed after this many new reference values (default 100). */
  rebinEvery?: number;
  /**
   * The reference stops learning while the PSI is at or above the threshold (or the caller says the agent is
   * anomalous), for at most this many values: then the drift is the new normal and flows into the reference (default
   * 10,000: a model update is accepted after ≈ 3 hours at a request a second, while a 10-minute flood at 8× never is).
   */
  rebaseAfter?: number;
  /** What is measured, for the sentence (default `output_tokens`). */
  label?: string;
}

const KEYS = [
  'psi',
  'ksD',
  'ksPValue',
  'referenceMedian',
  'recentMedian',
  'ratio',
  'referenceP95',
  'recentP95',
  'referenceMean',
  'recentMean',
  'samples',
] as const;

/**
 * Model/output drift of one distribution (output tokens, response length, latency): the PSI between the last `recent`
 * values and the `reference` values before them, binned at the reference's deciles. Values leave the recent window
 * into the reference — except while a drift is flagged or the caller says the agent is anomalous, so neither a drift
 * nor a passing spike becomes the reference; after `rebaseAfter` such values the reference learns again (a lasting
 * drift is accepted as the new normal and stops being flagged). Score = logistic around the threshold (PSI 0.1 → 0.05,
 * 0.25 → 0.5, 0.5 → 0.99). Per value: O(log bins) for the recent bin counts and O(bins) for the PSI; every
 * `rebinEvery` reference values the bins are recomputed (a sort of the reference). Under no drift, PSI ≈
 * (1/reference + 1/recent)·χ²(bins − 1): ≈ 0.04 on average at the defaults, and 0.25 (χ² ≈ 58) has p ≈ 10⁻⁸ —
 * smaller windows make the 0.25 rule fire on sampling noise alone.
 * Evidence: psi, referenceMedian, recentMedian, ratio (recent / reference median), samples (recent values).
 * State: both windows as Float32 plus the recent values' bins and flags (≈ 7 KB at the defaults).
 */
export class OutputDriftDetector implements SignalDetector {
  readonly name = 'psi-drift';
  readonly type = 'model_drift' as const;
  readonly feature: string;
  readonly verdict = verdict(KEYS);
  private readonly referenceSize: number;
  private readonly recentSize: number;
  private readonly bins: number;
  private readonly threshold: number;
  private readonly logKsAlpha: number;
  private readonly rebinEvery: number;
  private readonly rebaseAfter: number;
  private readonly referenceValues: Float32Array;
  private readonly recentValues: Float32Array;
  private readonly recentBins: Uint8Array;
  /** 1 where the recent value came with `learn` false (from an anomalous stretch). */
  private readonly recentHeld: Uint8Array;
  private heldInRecent = 0;
  private readonly counts: Uint32Array;
  private readonly expected: Float64Array;
  /** The reference's exact bin shares (unsmoothed), for the Kolmogorov–Smirnov CDF. */
  private readonly referenceShare: Float64Array;
  private readonly edges: Float64Array;
  private edgeCount = -1; // −1: no bins yet
  private referenceHead = 0;
  private referenceCount = 0;
  private sinceRebin = 0;
  private recentHead = 0;
  private recentCount = 0;
  private held = 0;
  /** Values held out of the reference so far (drift or caller's anomaly). */
  heldOut = 0;

  constructor(options: OutputDriftOptions = {}) {
    this.referenceSize = options.reference ?? 1000;
    this.recentSize = options.recent ?? 300;
    this.bins = options.bins ?? 10;
    if (this.bins < 2 || this.bins > 255) throw new RangeError(`bins must be in [2, 255] (got ${this.bins})`);
    this.threshold = options.threshold ?? 0.25;
    this.logKsAlpha = -Math.log10(options.ksAlpha ?? 1e-8);
    this.rebinEvery = options.rebinEvery ?? 100;
    this.rebaseAfter = options.rebaseAfter ?? 10_000;
    this.feature = options.label ?? 'output_tokens';
    this.referenceValues = stateArrays.float32(this.referenceSize);
    this.recentValues = stateArrays.float32(this.recentSize);
    this.recentBins = stateArrays.uint8(this.recentSize);
    this.recentHeld = stateArrays.uint8(this.recentSize);
    this.counts = stateArrays.uint32(this.bins);
    this.expected = stateArrays.float64(this.bins);
    this.referenceShare = stateArrays.float64(this.bins);
    this.edges = stateArrays.float64(this.bins - 1);
  }

  /**
   * Adds one value. `learn` false (the caller knows the agent is anomalous) marks it: when it leaves the recent window
   * it does not join the reference.
   */
  update(value: number, learn = true) {
    const v = this.verdict;
    if (!Number.isFinite(value)) return v;
    // The recent window: the value leaving it moves to the reference (unless held out).
    const head = this.recentHead;
    let leaving = Number.NaN;
    let leavingHeld = 0;
    if (this.recentCount === this.recentSize) {
      leaving = this.recentValues[head]!;
      leavingHeld = this.recentHeld[head]!;
      if (this.edgeCount >= 0) this.counts[this.recentBins[head]!]!--;
    } else this.recentCount++;
    this.recentValues[head] = value;
    this.heldInRecent += (learn ? 0 : 1) - leavingHeld;
    this.recentHeld[head] = learn ? 0 : 1;
    let rebinned = false;
    if (leaving === leaving) {
      // Held out: a value that came during an anomaly, or any value while a drift is flagged.
      const hold = leavingHeld === 1 || v.score >= 0.5;
      if (hold && this.held < this.rebaseAfter) {
        this.held++;
        this.heldOut++;
      } else {
        if (!hold) this.held = 0; // past rebaseAfter, a lasting drift keeps flowing in until it is no longer one
        rebinned = this.toReference(leaving);
      }
    }
    if (!rebinned && this.edgeCount >= 0) {
      const bin = binOf(this.edges, value, this.edgeCount);
      this.recentBins[head] = bin;
      this.counts[bin]!++;
    }
    this.recentHead = head + 1 === this.recentSize ? 0 : head + 1;
    if (this.edgeCount < 0 || this.recentCount < this.recentSize) {
      v.ready = false;
      v.score = 0;
      return v;
    }
    let psi = 0;
    let ks = 0;
    let cumA = 0;
    let cumE = 0;
    const k = this.edgeCount + 1;
    for (let i = 0; i < k; i++) {
      // Laplace-smoothed proportions: an empty bin does not make the PSI infinite.
      const a = (this.counts[i]! + 0.5) / (this.recentCount + 0.5 * k);
      const e = this.expected[i]!;
      psi += (a - e) * Math.log(a / e);
      cumA += this.counts[i]! / this.recentCount;
      cumE += this.referenceShare[i]!;
      if (Math.abs(cumA - cumE) > ks) ks = Math.abs(cumA - cumE);
    }
    const p = kolmogorovSmirnovPValue(ks, this.referenceSize, this.recentCount);
    v.ready = true;
    v.score = Math.max(
      logistic(psi, this.threshold, 20),
      logistic(-Math.log10(Math.max(p, 1e-300)), this.logKsAlpha, 1.5),
    );
    v.evidence.psi = psi;
    v.evidence.ksD = ks;
    v.evidence.ksPValue = p;
    v.evidence.samples = this.recentCount;
    return v;
  }

  /**
   * Share of the recent window that arrived with `learn` false. A caller that opens anomalies on drift should not let
   * a window mostly filled during an earlier anomaly open a new one: it would be that anomaly's tail, not a drift.
   */
  get heldShare(): number {
    return this.recentCount ? this.heldInRecent / this.recentCount : 0;
  }

  /** Fills the before/after summaries (sorts the windows: for anomalies only) and describes the drift. */
  describe(): string {
    const e = this.verdict.evidence;
    const before = summaryOf(this.referenceValues.subarray(0, this.referenceCount));
    const after = summaryOf(this.recentValues.subarray(0, this.recentCount));
    e.referenceMedian = before.median;
    e.recentMedian = after.median;
    e.referenceP95 = before.p95;
    e.recentP95 = after.p95;
    e.referenceMean = before.mean;
    e.recentMean = after.mean;
    e.ratio = e.referenceMedian !== 0 ? e.recentMedian / e.referenceMedian : Number.NaN;
    return (
      `the distribution of ${this.feature} drifted (PSI ${round(e.psi!)}, Kolmogorov–Smirnov D ${round(e.ksD!)} p = ${round(e.ksPValue!)}, over the last ${e.samples} values against the ${this.referenceCount} before them; ` +
      `median ${round(after.median)} against ${round(before.median)}, p95 ${round(after.p95)} against ${round(before.p95)}, mean ${round(after.mean)} against ${round(before.mean)})`
    );
  }

  stateBytes(): number {
    return (
      objectBytes(24) +
      7 * TYPED_ARRAY_OVERHEAD_BYTES +
      this.recentHeld.byteLength +
      this.referenceValues.byteLength +
      this.recentValues.byteLength +
      this.recentBins.byteLength +
      this.counts.byteLength +
      this.expected.byteLength +
      TYPED_ARRAY_OVERHEAD_BYTES +
      this.referenceShare.byteLength +
      this.edges.byteLength +
      verdictBytes(KEYS.length)
    );
  }

  /** Appends to the reference; returns true when that recomputed the bins (and re-binned the recent window). */
  private toReference(value: number): boolean {
    this.referenceValues[this.referenceHead] = value;
    this.referenceHead = this.referenceHead + 1 === this.referenceSize ? 0 : this.referenceHead + 1;
    if (this.referenceCount < this.referenceSize) this.referenceCount++;
    if (this.referenceCount === this.referenceSize && (this.edgeCount < 0 || ++this.sinceRebin >= this.rebinEvery)) {
      this.rebin();
      return true;
    }
    return false;
  }

  /** Deciles of the reference → edges and proportions; the recent values are binned again. */
  private rebin(): void {
    this.sinceRebin = 0;
    const edges = quantileEdges(this.referenceValues, this.bins);
    this.edges.set(edges);
    this.edgeCount = edges.length;
    const k = this.edgeCount + 1;
    const view = this.edges.subarray(0, this.edgeCount);
    this.expected.fill(0);
    for (let i = 0; i < this.referenceSize; i++) this.expected[binOf(view, this.referenceValues[i]!)]!++;
    for (let i = 0; i < k; i++) {
      this.referenceShare[i] = this.expected[i]! / this.referenceSize;
      this.expected[i] = (this.expected[i]! + 0.5) / (this.referenceSize + 0.5 * k);
    }
    this.counts.fill(0);
    for (let i = 0; i < this.recentCount; i++) {
      const bin = binOf(view, this.recentValues[i]!);
      this.recentBins[i] = bin;
      this.counts[bin]!++;
    }
  }
}

/** Median, p95 and mean of a window (a sorted copy; the window is left as it is): drift evidence, before / after. */
export function summaryOf(values: ArrayLike<number>): { median: number; p95: number; mean: number } {
  const n = values.length;
  if (n === 0) return { median: Number.NaN, p95: Number.NaN, mean: Number.NaN };
  const s = Float64Array.from(values).sort();
  const h = n >> 1;
  const pos = 0.95 * (n - 1);
  const lo = Math.floor(pos);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += s[i]!;
  return {
    median: n & 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2,
    p95: s[lo]! + (pos - lo) * (s[Math.min(n - 1, lo + 1)]! - s[lo]!),
    mean: sum / n,
  };
}
