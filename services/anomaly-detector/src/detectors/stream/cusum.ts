import { type Detector, type DetectorResult, emptyResult, objectBytes } from './detector';
import { robustScale } from './robust-zscore';
import { RingBuffer } from '../../math/ring-buffer';
import { SortedWindow } from '../../math/sorted-window';

// Method: two-sided tabular CUSUM (Page 1954; Montgomery, Introduction to Statistical Quality Control, §9.1).
// On Huber-clipped robust scores (x − median) / (c·σ̂) against a sliding reference window, σ̂ inflated for lag-1
// autocorrelation (the AR(1) variance factor; cf. residual charts, Alwan & Roberts 1988), restarted after each alarm.

export interface CusumOptions {
  /** Allowance k per sample, in clipped units (default 0.5: a shift of ≥ c·σ/2 accumulates). */
  k?: number;
  /** Decision interval h (default 10: a clean shift alarms after ≈ 20 samples; noise alone rarely gets there). */
  h?: number;
  /** Deviations are divided by c·σ̂ and clipped to ±1 (default 2): one spike adds at most 1 − k. */
  c?: number;
  /** Largest |u| a sample contributes (default 1). */
  cap?: number;
  /**
   * Weight of each sample in the lag-1 autocorrelation estimate ρ that inflates σ by √((1+ρ)/(1−ρ)) (default 0.01;
   * 0 = off): on a smooth, autocorrelated series consecutive deviations are not independent evidence.
   */
  autocorrelationAlpha?: number;
  /** The reference stops learning while the sum exceeds this fraction of h (default 0.5). */
  freeze?: number;
  /** Reference window of recent values (default 64). */
  window?: number;
  /**
   * Samples a value waits before it joins the reference (default 0). With a gap of ≈ h / (1 − k) = 20 a shift is tested
   * only against the past, so shifts as small as 3σ alarm in ≈ 25 samples; without it the reference absorbs slow or
   * small shifts (a 3σ shift may never alarm), which on NAB costs fewer false alarms than it costs detections.
   */
  gap?: number;
  /** Reference values needed (again after an alarm) before the sums run (default 24). */
  minSamples?: number;
}

/**
 * Detects sustained level shifts that a per-point z-score misses or sees only once: sums bounded, standardized
 * deviations from the median of the recent reference window beyond an allowance k, and scores C / h (1 at the
 * alarm). The reference learns only while no shift is building up (C ≤ h/2), as the in-control estimates of
 * a CUSUM chart should, and σ̂ is inflated by √((1+ρ)/(1−ρ)) for the series' lag-1 autocorrelation ρ, so a smooth
 * drifting metric is not read as a string of shifts. Each sample's influence is bounded, so isolated spikes cannot raise an alarm; a shift of a few σ raises
 * it in about h / (1 − k) samples (20 at the defaults). After an alarm the reference is rebuilt from the new level (a restart).
 * State: one {@link SortedWindow} (16 bytes × window: ≈ 1.3 KB by default) and a few numbers.
 */
export class CusumDetector implements Detector {
  readonly name = 'cusum';
  private readonly k: number;
  private readonly h: number;
  private readonly c: number;
  private readonly minSamples: number;
  private readonly cap: number;
  private readonly freeze: number;
  private readonly reference: SortedWindow;
  private readonly delay: RingBuffer | undefined;
  private readonly result = emptyResult();
  private high = 0;
  private low = 0;
  private cross = 0;
  private power = 0;
  private prevBase = 0;
  private readonly rhoAlpha: number;
  /** Alarms raised so far. */
  alarms = 0;

  constructor(options: CusumOptions = {}) {
    this.k = options.k ?? 0.5;
    this.h = options.h ?? 10;
    this.c = options.c ?? 2;
    this.cap = options.cap ?? 1;
    this.freeze = options.freeze ?? 0.5;
    this.rhoAlpha = options.autocorrelationAlpha ?? 0.01;
    this.reference = new SortedWindow(options.window ?? 64);
    this.minSamples = Math.min(options.minSamples ?? 24, this.reference.capacity);
    const gap = options.gap ?? 0;
    this.delay = gap > 0 ? new RingBuffer(gap) : undefined;
  }

  /** Current upper and lower sums. */
  sums(): { high: number; low: number } {
    return { high: this.high, low: this.low };
  }

  update(_timestamp: number, value: number): DetectorResult {
    const r = this.result;
    const ref = this.reference;
    if (ref.size < this.minSamples) {
      ref.push(value);
      r.score = 0;
      r.deviation = 0;
      r.expected = ref.median();
      r.ready = false;
      return r;
    }
    const median = ref.median();
    const base = (value - median) / (this.c * robustScale(ref));
    // Lag-1 autocorrelation of the bounded deviations: a smooth, drifting series is not a string of shifts.
    const b = base > 1 ? 1 : base < -1 ? -1 : base;
    let inflate = 1;
    if (this.rhoAlpha > 0 && this.power > 0) {
      const rho = Math.min(0.95, Math.max(0, this.cross / this.power));
      inflate = Math.sqrt((1 + rho) / (1 - rho));
    }
    let u = base / inflate;
    if (u > this.cap) u = this.cap;
    else if (u < -this.cap) u = -this.cap;
    this.high = Math.max(0, this.high + u - this.k);
    this.low = Math.max(0, this.low - u - this.k);
    const sum = Math.max(this.high, this.low);
    r.expected = median;
    r.deviation = this.high >= this.low ? this.high : -this.low;
    r.score = Math.min(1, sum / this.h);
    r.ready = true;
    if (sum >= this.h) {
      this.alarms++;
      this.high = this.low = 0;
      ref.clear();
      this.delay?.clear();
      ref.push(value);
    } else {
      // Values reach the reference only `gap` samples later, and only while no shift is building up: the data under
      // test never teaches the in-control estimates (nor the autocorrelation) it is tested against.
      const due = this.delay ? this.delay.push(value) : value;
      if (sum <= this.h * this.freeze) {
        if (due === due) ref.push(due);
        this.cross += (b * this.prevBase - this.cross) * this.rhoAlpha;
        this.power += (b * b - this.power) * this.rhoAlpha;
      }
    }
    this.prevBase = b;
    return r;
  }

  stateBytes(): number {
    return objectBytes(16) + objectBytes(4) + this.reference.stateBytes() + (this.delay?.stateBytes() ?? 0);
  }
}
