import { objectBytes } from '../stream/detector';
import { round } from '../stream/explain';
import { kolmogorovSmirnovPValue, summaryOf } from './output-drift';
import { RingBuffer } from '../../math/ring-buffer';
import { type SignalDetector, verdict, verdictBytes } from './signal';
import { SortedWindow } from '../../math/sorted-window';

// Method: a sequential two-sample test. Each value's randomised rank among the agent's own reference values (the
// probability integral transform, uniform while nothing changed, whatever the distribution and its ties) scores
// −ln(2·min(u, 1 − u)) − 1 (mean 0, variance 1 under no change; large when values fall in either tail), summed by a
// one-sided CUSUM (Page 1954); an alarm is confirmed by the two-sample Kolmogorov–Smirnov test (Stephens 1970
// p-value) of the values since the run began against the reference, whose before/after summaries are the evidence.

export interface ShapeShiftOptions {
  /** Values in the reference (default 512). */
  reference?: number;
  /** Reference values needed before judging (default 100). */
  minSamples?: number;
  /** CUSUM reference value k (default 0.5). */
  k?: number;
  /**
   * CUSUM decision level (default 18: by simulation on log-normal, Pareto-tailed and small-integer values, ≈ 0.25
   * false signals per million values in control; a new mode of a third of answers at ¼ length is found in ≈ 30 values).
   */
  decision?: number;
  /** Kolmogorov–Smirnov p-value that confirms an alarm (default 0.001; the values since the run began, at least 10). */
  ksAlpha?: number;
  /**
   * The run must have lasted this long, ms of data time, before it alarms (default 60 s): by then a spike of the whole
   * distribution fills the last values and maxRatio leaves it to the spike detector; a new shape stays a new shape.
   */
  minRunMs?: number;
  /** Values since the run began kept for the confirmation (default 256). */
  recent?: number;
  /** The reference stops learning while a change is under way (sum ≥ h/2), for at most this many values (default 2048). */
  maxFreeze?: number;
  /** What is measured, for the sentence (default `output_tokens`). */
  label?: string;
  /**
   * A run whose last 16 values' median is this many times the reference's (either way) is a shift of the whole
   * distribution, left to the caller's shift detector (default Infinity; the engine passes 3, below the token spike's
   * 4× so a spike is not typed a drift while the token detector holds it).
   */
  maxRatio?: number;
  /** Seed of the rank tie-breaks (default 1). */
  seed?: number;
}

const KEYS = [
  'cusum',
  'ksD',
  'ksPValue',
  'samples',
  'runSeconds',
  'referenceMedian',
  'recentMedian',
  'ratio',
  'referenceP95',
  'recentP95',
  'referenceMean',
  'recentMean',
] as const;

/** Fewer values since the run began cannot confirm a change. */
const MIN_RUN = 10;
/** The run's last values whose median is compared with the reference's (maxRatio). */
const RATIO_VALUES = 16;
/** A tail score above this adds no more: one value can move the chart by at most CAP − k. */
const CAP = 6;

/**
 * A lasting change in the shape of one agent's distribution (output tokens per answer): values moving into the tails of
 * its own reference — a new mode of short or long answers, a wider or narrower spread, a shift — are found within tens
 * of values, while its ordinary values, however heavy-tailed or tied, score 0 on average. Score ≥ 0.5 when the CUSUM is
 * at its decision level, the run has lasted minRunMs and the KS test confirms (then until the sum falls below half the level); it grows with the KS
 * statistic D (0.5 + D/2). After the alarm the
 * reference learns again once `maxFreeze` values have passed (a lasting drift becomes the new normal). Evidence:
 * cusum, ksD, ksPValue, samples (values since the run began, at most `recent`), runSeconds, and before/after median,
 * p95, mean (reference / since the run began; filled by `describe`). State: a {@link SortedWindow} (8 KB at 512) and a
 * ring of `recent` (2 KB).
 */
export class ShapeShiftDetector implements SignalDetector {
  readonly name = 'shape-shift';
  readonly type = 'model_drift' as const;
  readonly feature: string;
  readonly verdict = verdict(KEYS);
  private readonly reference: SortedWindow;
  private readonly recent: RingBuffer;
  private readonly minSamples: number;
  private readonly k: number;
  private readonly h: number;
  private readonly ksAlpha: number;
  private readonly maxFreeze: number;
  private readonly maxRatio: number;
  private readonly minRunMs: number;
  private sum = 0;
  private runStart = Number.NaN;
  /** Values since the run began (≤ recent's capacity). */
  private run = 0;
  private frozen = 0;
  /** Alarmed: stays so while the sum holds half its decision level (a lasting change is one anomaly, not many). */
  private alarmed = false;
  private random: number;

  constructor(options: ShapeShiftOptions = {}) {
    this.reference = new SortedWindow(options.reference ?? 512);
    this.recent = new RingBuffer(options.recent ?? 256);
    this.minSamples = Math.min(options.minSamples ?? 100, this.reference.capacity);
    this.k = options.k ?? 0.5;
    this.h = options.decision ?? 18;
    this.ksAlpha = options.ksAlpha ?? 0.001;
    this.maxFreeze = options.maxFreeze ?? 2048;
    this.maxRatio = options.maxRatio ?? Number.POSITIVE_INFINITY;
    this.minRunMs = options.minRunMs ?? 60_000;
    this.feature = options.label ?? 'output_tokens';
    this.random = (options.seed ?? 1) >>> 0 || 1;
  }

  /** True while a change is under way (the sum at half its decision level or more). */
  get changing(): boolean {
    return this.sum >= this.h / 2;
  }

  /** Forgets the run under way (another detector explains these values, e.g. a token spike); the reference stays. */
  restart(): void {
    this.sum = 0;
    this.run = 0;
    this.runStart = Number.NaN;
    this.alarmed = false;
  }

  /**
   * Scores one value at data time `timestamp`, then learns from it unless a change is under way or `learn` is false,
   * for at most maxFreeze values.
   */
  update(timestamp: number, value: number, learn = true) {
    const v = this.verdict;
    if (!Number.isFinite(value) || !Number.isFinite(timestamp)) return v;
    const ref = this.reference;
    if (ref.size < this.minSamples) {
      ref.push(value);
      v.ready = false;
      v.score = 0;
      return v;
    }
    // Randomised rank among n reference values: uniform on (0, 1) under no change, ties included.
    const n = ref.size;
    const below = ref.countBelow(value);
    const equal = ref.countUpTo(value) - below;
    const u = (below + this.uniform() * (equal + 1)) / (n + 1);
    const tail = Math.min(CAP, -Math.log(2 * Math.min(u, 1 - u)) - 1);
    if (this.sum === 0) {
      this.runStart = timestamp;
      this.run = 0;
    }
    this.sum = Math.min(this.h + CAP, Math.max(0, this.sum + tail - this.k));
    this.recent.push(value);
    if (this.run < this.recent.capacity) this.run++;
    if (this.sum === 0) this.runStart = Number.NaN;
    v.ready = true;
    v.score = 0;
    v.evidence.cusum = this.sum;
    v.evidence.runSeconds = this.runStart === this.runStart ? (timestamp - this.runStart) / 1000 : 0;
    if (!this.changing) this.alarmed = false;
    if ((this.sum >= this.h || this.alarmed) && this.run >= MIN_RUN && timestamp - this.runStart >= this.minRunMs) {
      const d = this.ksStatistic();
      const p = kolmogorovSmirnovPValue(d, n, this.run);
      v.evidence.ksD = d;
      v.evidence.ksPValue = p;
      v.evidence.samples = this.run;
      if (p <= this.ksAlpha && this.withinRatio()) {
        this.alarmed = true;
        v.score = 0.5 + d / 2;
      }
    }
    const quiet = learn && !this.changing;
    if (quiet || ++this.frozen > this.maxFreeze) {
      if (quiet) this.frozen = 0;
      ref.push(value);
    }
    return v;
  }

  describe(): string {
    const e = this.verdict.evidence;
    const before = this.referenceSummary();
    const after = summaryOf(this.runValues());
    e.referenceMedian = before.median;
    e.referenceP95 = before.p95;
    e.referenceMean = before.mean;
    e.recentMedian = after.median;
    e.recentP95 = after.p95;
    e.recentMean = after.mean;
    e.ratio = before.median !== 0 ? after.median / before.median : Number.NaN;
    return (
      `the distribution of ${this.feature} changed shape over the last ${e.samples} values (${round(e.runSeconds!)} s; Kolmogorov–Smirnov D ${round(e.ksD!)}, p = ${round(e.ksPValue!)}, ` +
      `against its ${this.reference.size} before): median ${round(after.median)} against ${round(before.median)}, p95 ${round(after.p95)} against ${round(before.p95)}, mean ${round(after.mean)} against ${round(before.mean)}`
    );
  }

  stateBytes(): number {
    return objectBytes(16) + this.reference.stateBytes() + this.recent.stateBytes() + verdictBytes(KEYS.length);
  }

  /** The exact two-sample KS statistic D between the reference and the values since the run began. */
  private ksStatistic(): number {
    const run = this.runValues().sort();
    const ref = this.reference;
    const n = ref.size;
    const m = run.length;
    let d = 0;
    for (let i = 0; i < m;) {
      const x = run[i]!;
      let j = i + 1;
      while (j < m && run[j] === x) j++;
      // Both CDFs just below x and at x.
      const below = ref.countBelow(x) / n;
      const at = ref.countUpTo(x) / n;
      d = Math.max(d, Math.abs(i / m - below), Math.abs(j / m - at));
      i = j;
    }
    return d;
  }

  /** Whether the median of the run's last RATIO_VALUES values is within maxRatio of the reference's, either way. */
  private withinRatio(): boolean {
    if (this.maxRatio === Number.POSITIVE_INFINITY) return true;
    const run = this.runValues();
    const after = summaryOf(run.subarray(Math.max(0, run.length - RATIO_VALUES))).median;
    const before = this.reference.median();
    return !(after >= this.maxRatio * before || before >= this.maxRatio * after);
  }

  private runValues(): Float64Array {
    const r = this.recent;
    const m = Math.min(this.run, r.size);
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) out[i] = r.at(r.size - m + i);
    return out;
  }

  private referenceSummary(): { median: number; p95: number; mean: number } {
    const ref = this.reference;
    return { median: ref.median(), p95: ref.quantile(0.95), mean: ref.mean() };
  }

  /** xorshift32: the rank tie-break (deterministic per detector). */
  private uniform(): number {
    let s = this.random;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.random = s >>> 0;
    return (this.random + 0.5) / 4294967296;
  }
}
