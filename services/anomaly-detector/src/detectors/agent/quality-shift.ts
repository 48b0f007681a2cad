import { objectBytes } from '../stream/detector';
import { round } from '../stream/explain';
import { type SignalDetector, verdict, verdictBytes } from './signal';
import { SortedWindow } from '../../math/sorted-window';

// Method: one-sided CUSUM (Page 1954) on the agent's own robustly standardised quality — (median − value) / (1.4826 ·
// MAD) of its last `baseline` scores, winsorised at ±4 σ so a skewed or heavy-tailed score cannot jump the chart —
// with increments deflated by the scores' own lag-1 autocorrelation (effective sample size (1 − r)/(1 + r)).

export interface QualityShiftOptions {
  /** Scores in the agent's own baseline (default 256). */
  baseline?: number;
  /** Scores needed before judging (default 40). */
  minSamples?: number;
  /** Reference value k of the CUSUM in robust σ (default 0.5: tuned for a drop of 1 σ). */
  reference?: number;
  /**
   * Decision level h in robust σ (default 14: with k = 0.5, Siegmund's approximation puts ≈ 4 million Gaussian scores
   * between false signals in control; a 1.5 σ drop is found in ≈ 14 scores).
   */
  decision?: number;
  /** The drop (baseline median − recent mean) must also be at least this, in score units (default 0.03). */
  minDrop?: number;
  /** Scores in the recent mean (EWMA weight 1/recent, default 16). */
  recent?: number;
  /** Robust σ never below this, in score units (default 0.01: a constant score still has rounding). */
  minSigma?: number;
  /** The baseline stops learning while a drop is under way (sum ≥ h/2), for at most this many scores (default 512). */
  maxFreeze?: number;
  /** What is measured, for the sentence (default `quality`). */
  label?: string;
}

const KEYS = [
  'value',
  'baselineMedian',
  'sigma',
  'recentMean',
  'drop',
  'cusum',
  'runSeconds',
  'autocorrelation',
] as const;

/** Standardised scores are winsorised here: one bad answer moves the chart by at most this many σ. */
const CLIP = 4;
/** EWMA weight of one learned pair in the autocorrelation estimate (≈ the last 500 scores). */
const AUTOCORRELATION_WEIGHT = 1 / 500;

/**
 * A sustained drop of one agent's quality score (accuracy, coherence, or their mean per report) against its own
 * baseline. Score ≥ 0.5 when the CUSUM reaches its decision level and the recent mean is `minDrop` below the baseline
 * median; it then grows with the drop in σ (0.5 at the alarm, 0.75 at 2 σ, 1 from 4 σ). The sum is capped at 1.5 h, so it falls
 * back within a few ordinary scores once quality recovers. Evidence: value, baselineMedian, sigma, recentMean, drop
 * (baseline median − recent mean), cusum, runSeconds (since the sum last left 0), autocorrelation.
 * State: a {@link SortedWindow} (4 KB at 256).
 */
export class QualityShiftDetector implements SignalDetector {
  readonly name = 'quality-cusum';
  readonly type = 'quality_degradation' as const;
  readonly feature: string;
  readonly verdict = verdict(KEYS);
  private readonly window: SortedWindow;
  private readonly minSamples: number;
  private readonly k: number;
  private readonly h: number;
  private readonly minDrop: number;
  private readonly alpha: number;
  private readonly minSigma: number;
  private readonly maxFreeze: number;
  private sum = 0;
  private runStart = Number.NaN;
  private recentMean = Number.NaN;
  private frozen = 0;
  private alarmed = false;
  /** EWMA of learned standardised scores, of their squares and of consecutive products (lag-1 autocorrelation). */
  private m1 = 0;
  private m2 = 1;
  private lag = 0;
  private previous = 0;

  constructor(options: QualityShiftOptions = {}) {
    this.window = new SortedWindow(options.baseline ?? 256);
    this.minSamples = Math.min(options.minSamples ?? 40, this.window.capacity);
    this.k = options.reference ?? 0.5;
    this.h = options.decision ?? 14;
    this.minDrop = options.minDrop ?? 0.03;
    this.alpha = 1 / (options.recent ?? 16);
    this.minSigma = options.minSigma ?? 0.01;
    this.maxFreeze = options.maxFreeze ?? 512;
    this.feature = options.label ?? 'quality';
  }

  /** True while a drop is under way (the sum at half its decision level or more). */
  get sliding(): boolean {
    return this.sum >= this.h / 2;
  }

  /**
   * Scores one quality score at data time `timestamp`, then learns from it unless a drop is under way or `learn` is
   * false (the caller knows the agent is anomalous), for at most maxFreeze scores.
   */
  update(timestamp: number, value: number, learn = true) {
    const v = this.verdict;
    if (!Number.isFinite(value) || !Number.isFinite(timestamp)) return v;
    const w = this.window;
    this.recentMean =
      this.recentMean === this.recentMean ? this.recentMean + this.alpha * (value - this.recentMean) : value;
    if (w.size < this.minSamples) {
      w.push(value);
      v.ready = false;
      v.score = 0;
      return v;
    }
    const median = w.median();
    const sigma = Math.max(this.minSigma, 1.4826 * w.mad());
    const z = Math.max(-CLIP, Math.min(CLIP, (median - value) / sigma));
    const r = this.autocorrelation();
    if (this.sum === 0 && z > this.k) this.runStart = timestamp;
    this.sum = Math.min(1.5 * this.h, Math.max(0, this.sum + Math.sqrt((1 - r) / (1 + r)) * z - this.k));
    if (this.sum === 0) this.runStart = Number.NaN;
    const drop = median - this.recentMean;
    // Once raised, the alarm holds while the sum keeps half its decision level (a lasting slide is one anomaly).
    // (and the drop half of minDrop: a recent mean hovering at minDrop must not open and close it over and over).
    this.alarmed =
      (this.sum >= this.h && drop >= this.minDrop) || (this.alarmed && this.sliding && drop >= this.minDrop / 2);
    const alarm = this.alarmed;
    v.ready = true;
    // 0.5 at the alarm, rising with the drop in σ: 0.75 at 2 σ, 1 from 4 σ.
    v.score = alarm ? 0.5 + 0.125 * Math.min(4, drop / sigma) : 0;
    v.evidence.value = value;
    v.evidence.baselineMedian = median;
    v.evidence.sigma = sigma;
    v.evidence.recentMean = this.recentMean;
    v.evidence.drop = drop;
    v.evidence.cusum = this.sum;
    v.evidence.runSeconds = this.runStart === this.runStart ? (timestamp - this.runStart) / 1000 : 0;
    v.evidence.autocorrelation = r;
    const quiet = learn && !this.sliding;
    if (quiet || ++this.frozen > this.maxFreeze) {
      if (quiet) this.frozen = 0;
      this.learnPair((median - value) / sigma);
      w.push(value);
    }
    return v;
  }

  describe(): string {
    const e = this.verdict.evidence;
    return (
      `${this.feature} fell to a recent mean of ${round(e.recentMean!)} against its usual ${round(e.baselineMedian!)} ` +
      `(−${round(e.drop!)}, ${round(e.drop! / e.sigma!)} σ of its own scatter; CUSUM ${round(e.cusum!)} over ${round(e.runSeconds!)} s)`
    );
  }

  stateBytes(): number {
    return objectBytes(20) + this.window.stateBytes() + verdictBytes(KEYS.length);
  }

  /** Lag-1 autocorrelation of the learned standardised scores, clamped to [0, 0.8] (negative: treated as none). */
  private autocorrelation(): number {
    const variance = this.m2 - this.m1 * this.m1;
    if (!(variance > 1e-6)) return 0;
    const r = (this.lag - this.m1 * this.m1) / variance;
    return r < 0 ? 0 : r > 0.8 ? 0.8 : r;
  }

  private learnPair(z: number): void {
    const x = Math.max(-CLIP, Math.min(CLIP, z));
    this.m1 += AUTOCORRELATION_WEIGHT * (x - this.m1);
    this.m2 += AUTOCORRELATION_WEIGHT * (x * x - this.m2);
    this.lag += AUTOCORRELATION_WEIGHT * (x * this.previous - this.lag);
    this.previous = x;
  }
}
