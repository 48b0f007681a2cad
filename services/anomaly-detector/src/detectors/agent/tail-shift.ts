import { TYPED_ARRAY_OVERHEAD_BYTES, objectBytes } from '../stream/detector';
import { round } from '../stream/explain';
import { RingBuffer } from '../../math/ring-buffer';
import { type SignalDetector, verdict, verdictBytes } from './signal';
import { SortedWindow } from '../../math/sorted-window';
import { stateArrays } from '../../engine/state-arrays';

// Method: a distribution-free Bernoulli CUSUM (Reynolds & Stoumbos 1999) on exceedances of the agent's own 90th
// percentile — an exceedance control chart (Chakraborti, van der Laan & van de Wiel 2004): the agent's tail, however
// heavy (log-normal body, Pareto spikes), decides only which values count as high, never how far a value is "out".
// Increments are deflated by the indicators' own lag-1 autocorrelation (effective sample size (1 − r)/(1 + r)), and an
// alarm must hold for `holdMs` of data time (as Prometheus' `for:`): the values after the run's first holdMs must be
// significant on their own. An upstream hiccup of a minute is not a fault to page on.

export interface TailShiftOptions {
  /** The anomaly type it reports (`latency_spike`, `token_spike`). */
  type: 'latency_spike' | 'token_spike';
  /** The metric, for the sentence and the event's `features`. */
  label: string;
  /** Values in the agent's own baseline (default 256). */
  baseline?: number;
  /** Values needed before scoring (default 40). */
  minSamples?: number;
  /** The baseline quantile whose exceedances are counted (default 0.9: one value in ten is "high" in control). */
  quantile?: number;
  /** Share of high values the chart is tuned to detect (default 0.5: half the requests above the usual p90). */
  shiftedShare?: number;
  /** CUSUM decision level (default 10: ≈ 150,000 values between false signals in control; 11 values at a 70 % share). */
  decision?: number;
  /** The alarm must hold this long from its run's first high value, ms of data time (default 120 s). */
  holdMs?: number;
  /** Last values whose median is compared with the baseline median in the evidence (default 9). */
  recent?: number;
  /** The alarm also needs recent median / baseline median ≥ this (default 1: the exceedances alone decide). */
  minRatio?: number;
  /** The baseline stops learning while the chart is at its decision level, for at most this many values (default 512). */
  maxFreeze?: number;
}

const KEYS = ['value', 'baselineMedian', 'baselineP90', 'recentMedian', 'ratio', 'cusum', 'runSeconds', 'autocorrelation'] as const;

/** EWMA weight of one learned pair in the autocorrelation estimate (≈ the last 500 values). */
const AUTOCORRELATION_WEIGHT = 1 / 500;

/**
 * A sustained upward shift of one per-request metric of one agent (latency, token counts), judged against the agent's
 * own distribution. Each value is high when above the baseline's `quantile`; a one-sided Bernoulli CUSUM with in-control
 * share p0 = 1 − quantile and shifted share p1 adds ln(p1/p0) for a high value and ln((1 − p1)/(1 − p0)) otherwise,
 * capped one step above the decision level (so it falls below it within a few ordinary values once the excursion ends).
 * It alarms when at the decision level and a second CUSUM over the values after the run's first holdMs (the run: since
 * a high value found the sum below one up-step) reaches half of it. Score ≥ 0.5 only
 * then, growing with recent median / baseline median. Evidence: value, baselineMedian, baselineP90, recentMedian,
 * ratio, cusum, runSeconds, autocorrelation. State: a {@link SortedWindow} (4 KB at 256) and a ring of `recent`.
 */
export class TailShiftDetector implements SignalDetector {
  readonly name = 'tail-shift';
  readonly type: 'latency_spike' | 'token_spike';
  readonly feature: string;
  readonly verdict = verdict(KEYS);
  private readonly window: SortedWindow;
  private readonly recent: RingBuffer;
  private readonly scratch: Float64Array;
  private readonly minSamples: number;
  private readonly quantile: number;
  private readonly up: number;
  private readonly down: number;
  private readonly decision: number;
  private readonly holdMs: number;
  private readonly maxFreeze: number;
  private readonly minRatio: number;
  private sum = 0;
  private runStart = Number.NaN;
  /** A CUSUM of the values after the run's first holdMs. */
  private late = 0;
  private frozen = 0;
  /** EWMA of the high-value indicator and of the product of consecutive indicators (learned values only). */
  private share: number;
  private pairs: number;
  private previousHigh = false;

  constructor(options: TailShiftOptions) {
    this.type = options.type;
    this.feature = options.label;
    this.window = new SortedWindow(options.baseline ?? 256);
    this.minSamples = Math.min(options.minSamples ?? 40, this.window.capacity);
    this.recent = new RingBuffer(options.recent ?? 9);
    this.scratch = stateArrays.float64(this.recent.capacity);
    this.quantile = options.quantile ?? 0.9;
    const p0 = 1 - this.quantile;
    const p1 = options.shiftedShare ?? 0.5;
    if (!(p1 > p0 && p1 < 1)) throw new RangeError(`shiftedShare must lie in (${p0}, 1) (got ${p1})`);
    this.up = Math.log(p1 / p0);
    this.down = Math.log((1 - p1) / (1 - p0));
    this.decision = options.decision ?? 10;
    this.holdMs = options.holdMs ?? 120_000;
    this.maxFreeze = options.maxFreeze ?? 512;
    this.minRatio = options.minRatio ?? 1;
    this.share = p0;
    this.pairs = p0 * p0;
  }

  /** True while the chart is at its decision level (an excursion under way, held or not yet). */
  get shifting(): boolean {
    return this.sum >= this.decision;
  }

  /**
   * Scores one value (≥ 0) at data time `timestamp`, then learns from it unless the chart is at its decision level or
   * `learn` is false (the caller knows the agent is anomalous), for at most maxFreeze values.
   */
  update(timestamp: number, value: number, learn = true) {
    const v = this.verdict;
    if (!(value >= 0) || !Number.isFinite(timestamp)) return v;
    const w = this.window;
    this.recent.push(value);
    if (w.size < this.minSamples) {
      w.push(value);
      v.ready = false;
      v.score = 0;
      return v;
    }
    const p90 = w.quantile(this.quantile);
    const high = value > p90;
    const r = this.autocorrelation();
    const weight = (1 - r) / (1 + r);
    const step = weight * (high ? this.up : this.down);
    // A run begins with a high value while the sum holds less than one high value's worth of evidence (in control the
    // sum hovers there): its clock must not start with the noise before an excursion.
    if (high && this.sum < this.up) {
      this.runStart = timestamp;
      this.late = 0;
    }
    this.sum = Math.min(this.decision + this.up, Math.max(0, this.sum + step));
    const run = timestamp - this.runStart;
    // The evidence gathered after the run's first holdMs must be significant on its own (half the decision level):
    // an excursion that ended within holdMs leaves the run with ordinary values only.
    if (run >= this.holdMs) this.late = Math.min(this.decision / 2 + this.up, Math.max(0, this.late + step));
    if (this.sum === 0) {
      this.runStart = Number.NaN;
      this.late = 0;
    }
    const median = w.median();
    const recentMedian = this.recentMedian();
    const ratio = median > 0 ? recentMedian / median : recentMedian > 0 ? Number.POSITIVE_INFINITY : 1;
    const held = this.sum >= this.decision && this.late >= this.decision / 2 && ratio >= this.minRatio;
    v.ready = true;
    // 0.5 at the alarm, then with the size of the shift: 0.625 at 2×, 0.75 at 4×, 0.98 at ≈ 14×.
    v.score = held ? 0.5 + 0.5 * Math.min(1, Math.max(0, Math.log(ratio) / Math.log(16))) : 0;
    v.evidence.value = value;
    v.evidence.baselineMedian = median;
    v.evidence.baselineP90 = p90;
    v.evidence.recentMedian = recentMedian;
    v.evidence.ratio = ratio;
    v.evidence.cusum = this.sum;
    v.evidence.runSeconds = run === run ? run / 1000 : 0;
    v.evidence.autocorrelation = r;
    const quiet = learn && this.sum < this.decision;
    if (quiet || ++this.frozen > this.maxFreeze) {
      if (quiet) this.frozen = 0;
      this.learnPair(high);
      w.push(value);
    }
    return v;
  }

  describe(): string {
    const e = this.verdict.evidence;
    return (
      `${this.feature} above its usual 90th percentile ${round(e.baselineP90!)} for ${round(e.runSeconds!)} s ` +
      `(median of the last ${this.recent.size} ${round(e.recentMedian!)} against its usual ${round(e.baselineMedian!)}: ${round(e.ratio!)}×)`
    );
  }

  stateBytes(): number {
    return objectBytes(19) + this.window.stateBytes() + this.recent.stateBytes() + TYPED_ARRAY_OVERHEAD_BYTES + this.scratch.byteLength + verdictBytes(KEYS.length);
  }

  /** Lag-1 autocorrelation of the learned high-value indicators, clamped to [0, 0.8] (negative: treated as none). */
  private autocorrelation(): number {
    const p = this.share;
    const variance = p * (1 - p);
    if (!(variance > 1e-6)) return 0;
    const r = (this.pairs - p * p) / variance;
    return r < 0 ? 0 : r > 0.8 ? 0.8 : r;
  }

  private learnPair(high: boolean): void {
    const x = high ? 1 : 0;
    this.share += AUTOCORRELATION_WEIGHT * (x - this.share);
    this.pairs += AUTOCORRELATION_WEIGHT * ((this.previousHigh ? x : 0) - this.pairs);
    this.previousHigh = high;
  }

  private recentMedian(): number {
    const n = this.recent.size;
    const s = this.scratch;
    // Insertion sort of a handful of values: no allocation on the hot path.
    for (let i = 0; i < n; i++) {
      const x = this.recent.at(i);
      let j = i - 1;
      while (j >= 0 && s[j]! > x) {
        s[j + 1] = s[j]!;
        j--;
      }
      s[j + 1] = x;
    }
    const h = n >> 1;
    return n & 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
  }
}
