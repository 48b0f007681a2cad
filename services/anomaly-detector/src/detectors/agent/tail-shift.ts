import { TYPED_ARRAY_OVERHEAD_BYTES, objectBytes } from '../stream/detector';
import { ExcursionEnvelope, type ExcursionEnvelopeOptions } from './excursion-envelope';
import { round } from '../stream/explain';
import { RingBuffer } from '../../math/ring-buffer';
import { type SignalDetector, verdict, verdictBytes } from './signal';
import { SortedWindow } from '../../math/sorted-window';
import { stateArrays } from '../../engine/state-arrays';

// Method: a distribution-free Bernoulli CUSUM (Reynolds & Stoumbos 1999) on exceedances of the agent's own 90th
// percentile — an exceedance control chart (Chakraborti, van der Laan & van de Wiel 2004): the agent's tail, however
// heavy (log-normal body, Pareto spikes), decides only which values count as high, never how far a value is "out".
// Increments are deflated by the indicators' own lag-1 autocorrelation (effective sample size (1 − r)/(1 + r)), and an
// alarm must hold (as Prometheus' `for:`) as long as the agent's own natural excursions of that size last (see
// excursion-envelope.ts): an upstream hiccup like the agent's usual ones is not a fault to page on, a shift beyond them is.

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
  /**
   * The longest hold, ms of data time (default 120 s): an alarm waits as long as the agent's natural excursions of its
   * size last (its {@link ExcursionEnvelope}), at most this long, and this long until the envelope is learned. 0: no hold.
   */
  holdMs?: number;
  /** The envelope's budget and learning (its maxHoldMs is `holdMs`). */
  envelope?: Omit<ExcursionEnvelopeOptions, 'maxHoldMs'>;
  /** The pool's envelope of this metric, shared by its agents (an agent with little history borrows it). */
  pool?: ExcursionEnvelope;
  /** Last values whose median is compared with the baseline median in the evidence (default 9). */
  recent?: number;
  /** The alarm also needs recent median / baseline median ≥ this (default 1: the exceedances alone decide). */
  minRatio?: number;
  /** The baseline stops learning while the chart is at its decision level, for at most this many values (default 512). */
  maxFreeze?: number;
}

const KEYS = [
  'value',
  'baselineMedian',
  'baselineP90',
  'recentMedian',
  'ratio',
  'cusum',
  'runSeconds',
  'holdSeconds',
  'autocorrelation',
] as const;

/** EWMA weight of one learned pair in the autocorrelation estimate (≈ the last 500 values). */
const AUTOCORRELATION_WEIGHT = 1 / 500;

/**
 * A sustained upward shift of one per-request metric of one agent (latency, token counts), judged against the agent's
 * own distribution. Each value is high when above the baseline's `quantile`; a one-sided Bernoulli CUSUM with in-control
 * share p0 = 1 − quantile and shifted share p1 adds ln(p1/p0) for a high value and ln((1 − p1)/(1 − p0)) otherwise,
 * capped one step above the decision level (so it falls below it within a few ordinary values once the excursion ends).
 * A run starts at a high value found with the sum below one up-step and ends when the sum is back at 0. Its hold is
 * how long the agent's natural excursions as high as this run (its peak height: the median of its values, the last
 * `recent`, against the usual median) last, from its own and its pool's history (the {@link ExcursionEnvelope}); it
 * alarms at the decision level once a second CUSUM over the values after the hold reaches half of it. A run that
 * reached a third of the decision level (short excursions of slow agents too) is recorded in the envelope when it ends. Score ≥ 0.5 only while alarmed, growing
 * with the ratio. `onset`: the run's start. Evidence: value, baselineMedian, baselineP90, recentMedian, ratio, cusum,
 * runSeconds, holdSeconds, autocorrelation. State: a {@link SortedWindow}
 * (4 KB at 256), a ring of `recent` and the envelope (1.2 KB).
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
  private readonly maxFreeze: number;
  private readonly minRatio: number;
  private readonly envelope: ExcursionEnvelope;
  private readonly pool: ExcursionEnvelope | undefined;
  private sum = 0;
  private runStart = Number.NaN;
  /** The run's peak height, whether it reached a third of the decision level and whether it alarmed. */
  private peak = 0;
  private reached = false;
  private alarmed = false;
  /** Whether the run reached the decision level, and the last value that held it there (or at a third of it). */
  private full = false;
  private lastStrong = Number.NaN;
  /** Values in the run, and a CUSUM of those after its hold. */
  private runValues = 0;
  private late = 0;
  private lastAt = Number.NaN;
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
    this.maxFreeze = options.maxFreeze ?? 512;
    this.minRatio = options.minRatio ?? 1;
    this.envelope = new ExcursionEnvelope({ ...options.envelope, maxHoldMs: options.holdMs ?? 120_000 });
    this.pool = options.pool;
    this.share = p0;
    this.pairs = p0 * p0;
  }

  /** True while the chart is at its decision level (an excursion under way, held or not yet). */
  get shifting(): boolean {
    return this.sum >= this.decision;
  }

  /** Data time the current run began (NaN: none under way): the onset of the shift an alarm is about. */
  get onset(): number {
    return this.runStart;
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
    // Observed time for the envelopes (the agent's own and its pool's).
    if (this.lastAt === this.lastAt && timestamp > this.lastAt) {
      this.envelope.observe(timestamp - this.lastAt);
      this.pool?.observe(timestamp - this.lastAt);
    }
    if (!(timestamp <= this.lastAt)) this.lastAt = timestamp;
    const p90 = w.quantile(this.quantile);
    const high = value > p90;
    const r = this.autocorrelation();
    const weight = (1 - r) / (1 + r);
    const step = weight * (high ? this.up : this.down);
    // A run begins with a high value while the sum holds less than one high value's worth of evidence (in control the
    // sum hovers there): its clock must not start with the noise before an excursion.
    if (high && this.sum < this.up) {
      this.runStart = timestamp;
      this.runValues = 0;
      this.peak = 0;
      this.reached = false;
      this.full = false;
      this.late = 0;
      this.alarmed = false;
    }
    this.sum = Math.min(this.decision + this.up, Math.max(0, this.sum + step));
    const median = w.median();
    const recentMedian = this.medianOfLast(this.recent.size);
    const ratio = median > 0 ? recentMedian / median : recentMedian > 0 ? Number.POSITIVE_INFINITY : 1;
    const run = timestamp - this.runStart;
    let hold = 0;
    let held = false;
    if (run === run) {
      // The run's height: the median of its values so far (the last `recent` of them, from 3 on: one value of a heavy
      // tail says nothing) against the usual median.
      const n = Math.min(++this.runValues, this.recent.size);
      const height = median > 0 && n >= 3 ? this.medianOfLast(n) / median : 1;
      if (height > this.peak) this.peak = height;
      // Its length: to the last value that kept it at the decision level (a third of it — about two high values in a row —
      // if it never got there); random high values while the sum decays after an excursion do not lengthen it.
      if (this.sum >= this.decision) this.lastStrong = timestamp;
      else if (this.sum >= this.decision / 3 && !this.full) this.lastStrong = timestamp;
      if (this.sum >= this.decision / 3) this.reached = true;
      if (this.sum >= this.decision) this.full = true;
      hold = this.envelope.holdMs(this.peak, this.pool);
      // The evidence gathered after the run's first `hold` must be significant on its own (half the decision level):
      // an excursion that ended within the hold leaves the run with ordinary values only.
      if (run >= hold) this.late = Math.min(this.decision / 2 + this.up, Math.max(0, this.late + step));
      if (this.sum >= this.decision && this.late >= this.decision / 2) this.alarmed = true;
      held = this.alarmed && this.sum >= this.decision && ratio >= this.minRatio;
    }
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
    v.evidence.holdSeconds = hold / 1000;
    v.evidence.autocorrelation = r;
    if (this.sum === 0 && this.runStart === this.runStart) this.endRun();
    const quiet = learn && this.sum < this.decision;
    if (quiet || ++this.frozen > this.maxFreeze) {
      if (quiet) this.frozen = 0;
      this.learnPair(high);
      w.push(value);
    }
    return v;
  }

  /** The run is over: one that reached a third of the decision level is an excursion of this agent (see ExcursionEnvelope.record). */
  private endRun(): void {
    if (this.reached) {
      const length = this.lastStrong - this.runStart;
      this.envelope.record(this.peak, length);
      this.pool?.record(this.peak, length);
    }
    this.runStart = Number.NaN;
    this.reached = false;
    this.full = false;
    this.alarmed = false;
    this.late = 0;
    this.peak = 0;
  }

  describe(): string {
    const e = this.verdict.evidence;
    return (
      `${this.feature} above its usual 90th percentile ${round(e.baselineP90!)} for ${round(e.runSeconds!)} s ` +
      `(median of the last ${this.recent.size} ${round(e.recentMedian!)} against its usual ${round(e.baselineMedian!)}: ${round(e.ratio!)}×)`
    );
  }

  stateBytes(): number {
    return (
      objectBytes(23) +
      this.envelope.stateBytes() +
      this.window.stateBytes() +
      this.recent.stateBytes() +
      TYPED_ARRAY_OVERHEAD_BYTES +
      this.scratch.byteLength +
      verdictBytes(KEYS.length)
    );
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

  /** The median of the last n values (n ≤ recent). */
  private medianOfLast(n: number): number {
    const s = this.scratch;
    const from = this.recent.size - n;
    // Insertion sort of a handful of values: no allocation on the hot path.
    for (let i = 0; i < n; i++) {
      const x = this.recent.at(from + i);
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
