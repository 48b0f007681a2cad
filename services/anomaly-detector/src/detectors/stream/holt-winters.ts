import {
  type Detector,
  type DetectorResult,
  TYPED_ARRAY_OVERHEAD_BYTES,
  deviationScore,
  emptyResult,
  objectBytes,
} from './detector';
import { MEAN_AD_TO_SIGMA } from './robust-zscore';
import { stateArrays } from '../../engine/state-arrays';

// Method: additive Holt-Winters without trend (Winters 1960; Hyndman & Athanasopoulos, FPP3 §8.3), made robust (Gelper et al. 2010).
// Seasons are indexed by phase of the period (time-of-day bins); updates use Huber-clipped residuals.

export interface HoltWintersOptions {
  /** Length of the cycle in ms (default one day). */
  periodMs?: number;
  /** Most seasonal bins (default 288: 5-minute bins over a day). Fewer are used when samples are sparser. */
  maxBins?: number;
  /** Level smoothing per sample (default 0.1). */
  alpha?: number;
  /** Seasonal smoothing per visit of a bin (default 0.25). */
  gamma?: number;
  /** Weight of each new |residual| in the spread estimates (default 0.05). */
  scaleAlpha?: number;
  /** Residuals are clipped at this many spreads before they update the model (default 4): spikes do not teach it. */
  clip?: number;
  /** Visits after which a bin ignores outliers (|residual| > clip·σ̂) instead of learning a clipped step (default 3). */
  protectAfter?: number;
  /** Periods of memory of the seasonal-strength estimate (default 2). */
  strengthPeriods?: number;
  /** Whole periods observed before scoring (default 1). */
  warmupPeriods?: number;
  /** |z| that scores 0.5 (default 4). */
  center?: number;
  /** Logistic slope around `center` (default 1.5). */
  slope?: number;
}

/** Samples whose smallest interval sets the bin count. */
const PROBE_SAMPLES = 8;
/** A bin's own spread counts as this many visits' worth against the stream's spread. */
const SHRINK_VISITS = 2;
/** Weight of the quick local levels that judge whether deseasonalizing helps (≈ the last 10 samples). */
const LOCAL_ALPHA = 0.1;

/**
 * A seasonal baseline: expected = level + season[phase bin]. Knows the daily (or any) cycle, so a busy hour that is
 * busy every day scores ≈ 0, while a missing daily peak scores high. The bin count is chosen once from the sampling
 * interval seen in the first samples (period / interval, at most `maxBins`); with fewer than 4 samples a period the
 * detector never becomes ready (no cycle to learn).
 *
 * It also reports the seasonal strength F = max(0, 1 − MAE(deseasonalized − its local level) / MAE(value − its local
 * level)) over about two periods (in the spirit of Wang, Smith & Hyndman 2006): how much removing the cycle helps a
 * detector that compares each value with its recent past, so an ensemble deseasonalizes only when the cycle is real.
 *
 * State: season and spread (Float32Array) and visits (Uint16Array) per bin — 10 bytes a bin plus ≈ 560 bytes: at most
 * ≈ 3.4 KB (288 bins, samples every 5 minutes or faster), ≈ 0.8 KB for hourly samples (24 bins).
 */
export class HoltWintersDetector implements Detector {
  readonly name = 'holt-winters';
  private readonly periodMs: number;
  private readonly maxBins: number;
  private readonly alpha: number;
  private readonly gamma: number;
  private readonly scaleAlpha: number;
  private readonly clip: number;
  private readonly warmupMs: number;
  private readonly center: number;
  private readonly slope: number;
  private readonly protectAfter: number;
  private readonly result = emptyResult();

  /** Seasonal bins in use (0 until the sampling interval is known). */
  bins = 0;
  private season: Float32Array | undefined;
  private binScale: Float32Array | undefined;
  private visits: Uint16Array | undefined;
  private level = Number.NaN;
  private globalScale = 0;
  private firstTs = Number.NaN;
  private lastTs = Number.NaN;
  private minInterval = Number.POSITIVE_INFINITY;
  private seen = 0;
  private disabled = false;
  private errSeasonal = 0;
  private strengthSamples = 0;
  private readonly strengthPeriods: number;
  private errLevel = 0;
  private plainLevel = Number.NaN;
  private desLevel = Number.NaN;

  constructor(options: HoltWintersOptions = {}) {
    this.periodMs = options.periodMs ?? 86_400_000;
    this.maxBins = options.maxBins ?? 288;
    this.alpha = options.alpha ?? 0.1;
    this.gamma = options.gamma ?? 0.25;
    this.scaleAlpha = options.scaleAlpha ?? 0.05;
    this.clip = options.clip ?? 4;
    this.warmupMs = (options.warmupPeriods ?? 1) * this.periodMs;
    this.center = options.center ?? 4;
    this.slope = options.slope ?? 1.5;
    this.protectAfter = options.protectAfter ?? 3;
    this.strengthPeriods = options.strengthPeriods ?? 2;
  }

  /** Seasonal strength in [0, 1] (0 until the cycle is known). */
  strength(): number {
    return this.season && this.errLevel > 0 ? Math.max(0, 1 - this.errSeasonal / this.errLevel) : 0;
  }

  /** The learnt seasonal offset for the bin of `timestamp` (0 when that bin is not learnt yet). */
  seasonalAt(timestamp: number): number {
    if (!this.season) return 0;
    const s = this.season[this.binOf(timestamp)]!;
    return s === s ? s : 0;
  }

  /** True once the detector scores (a full warm-up period seen). */
  get ready(): boolean {
    return this.season !== undefined && this.lastTs - this.firstTs >= this.warmupMs;
  }

  update(timestamp: number, value: number): DetectorResult {
    const r = this.result;
    r.score = 0;
    r.deviation = 0;
    r.ready = false;
    this.observeTime(timestamp);
    if (this.level !== this.level) {
      this.level = value;
      this.plainLevel = value;
      this.desLevel = value;
      r.expected = value;
      return r;
    }
    const season = this.season;
    if (!season) {
      // Still probing the sampling interval: track the level only.
      const resid = value - this.level;
      this.globalScale += (Math.abs(resid) - this.globalScale) * (this.seen <= 2 ? 1 : 0.2);
      this.level += this.alpha * resid;
      this.plainLevel = this.level;
      this.desLevel = this.level;
      r.expected = this.level;
      return r;
    }
    const b = this.binOf(timestamp);
    const s = season[b]!;
    if (s !== s) {
      // First visit of this bin: its offset is what the level does not explain.
      season[b] = value - this.level;
      this.binScale![b] = this.globalScale;
      this.visits![b] = 1;
      r.expected = value;
      return r;
    }
    const expected = this.level + s;
    const resid = value - expected;
    const n = this.visits![b]!;
    // σ̂ of this bin from its mean absolute residual, shrunk toward the stream's while the bin has few visits.
    const bs = this.binScale![b]!;
    const gs = this.globalScale;
    let scale = Math.sqrt((n * bs * bs + SHRINK_VISITS * gs * gs) / (n + SHRINK_VISITS)) * MEAN_AD_TO_SIGMA;
    if (!(scale > 0)) scale = 1e-9 * Math.max(1, Math.abs(expected));
    const z = resid / scale;
    r.expected = expected;
    if (this.ready) {
      r.deviation = z;
      r.score = deviationScore(z, this.center, this.slope);
      r.ready = true;
    }
    // Learn from the clipped residual.
    const limit = this.clip * scale;
    const rc = resid > limit ? limit : resid < -limit ? -limit : resid;
    const yc = expected + rc;
    const newLevel = this.level + this.alpha * (yc - s - this.level);
    // A learnt bin does not learn from an outlier at all (a missing daily peak must not teach tomorrow's profile).
    const outlier = n >= this.protectAfter && (resid > limit || resid < -limit);
    const newSeason = outlier ? s : s + Math.max(this.gamma, 1 / (n + 1)) * (yc - newLevel - s);
    // The spreads learn from |residuals| capped at 2σ̂: under a burst they grow at most ×(1 + 1.5·scaleAlpha) a sample.
    const a = Math.min(Math.abs(resid), 2 * scale);
    const sa = this.scaleAlpha;
    this.globalScale += (a - gs) * sa;
    const binWeight = Math.max(1 / (n + 1), this.gamma);
    this.binScale![b] = bs + (a - bs) * binWeight;
    if (n < 65535) this.visits![b] = n + 1;
    // Strength: how much better a quick local level predicts the deseasonalized series than the raw one.
    this.strengthSamples++;
    const w = Math.max(1 / this.strengthSamples, 1 / (this.strengthPeriods * this.bins));
    const deseasonalized = value - s;
    this.errLevel += (Math.abs(value - this.plainLevel) - this.errLevel) * w;
    this.errSeasonal += (Math.abs(deseasonalized - this.desLevel) - this.errSeasonal) * w;
    this.plainLevel += LOCAL_ALPHA * (value - this.plainLevel);
    this.desLevel += LOCAL_ALPHA * (deseasonalized - this.desLevel);
    this.level = newLevel;
    season[b] = newSeason;
    return r;
  }

  stateBytes(): number {
    // Once the bins are allocated: 4 + 4 + 2 bytes a bin; before, what they will take at most.
    const bins = this.season ? this.bins : this.maxBins;
    return objectBytes(28) + objectBytes(4) + 3 * TYPED_ARRAY_OVERHEAD_BYTES + 10 * bins;
  }

  private binOf(timestamp: number): number {
    const p = this.periodMs;
    const phase = ((timestamp % p) + p) % p;
    const b = Math.floor((phase / p) * this.bins);
    return b >= this.bins ? this.bins - 1 : b;
  }

  private observeTime(timestamp: number): void {
    if (this.firstTs !== this.firstTs) this.firstTs = timestamp;
    const dt = timestamp - this.lastTs;
    if (dt > 0 && dt < this.minInterval) this.minInterval = dt;
    this.lastTs = timestamp;
    this.seen++;
    if (!this.season && !this.disabled && this.seen >= PROBE_SAMPLES) {
      const perPeriod = this.periodMs / this.minInterval;
      if (!(perPeriod >= 4)) {
        this.disabled = true; // sampled too sparsely (or at one instant) to see this cycle
        return;
      }
      this.bins = Math.min(this.maxBins, Math.round(perPeriod));
      this.season = stateArrays.float32(this.bins).fill(Number.NaN);
      this.binScale = stateArrays.float32(this.bins);
      this.visits = stateArrays.uint16(this.bins);
      this.firstTs = timestamp;
    }
  }
}
