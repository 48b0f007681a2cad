import { HoltWinters, smapeTerm } from './holt-winters';

export interface LoadForecasterOptions {
  /** Width of one forecasting bucket (the load is averaged over it). */
  bucketSeconds?: number;
  /** Buckets per season: 1440 one-minute buckets = a daily cycle. */
  seasonBuckets?: number;
  /** Forecasts scored for the error figure (the most recent ones). */
  errorWindow?: number;
  alpha?: number;
  beta?: number;
  gamma?: number;
  /** See HoltWintersOptions.initialSmoothing; default 7 buckets either side (a 15-minute average). */
  initialSmoothing?: number;
}

export interface LoadForecast {
  /** Highest forecast load (requests/s) from now to now + lead time. */
  peak: number;
  /** Buckets looked ahead. */
  horizonBuckets: number;
  /** True once a full season has initialised the seasonal indices. */
  seasonal: boolean;
}

/**
 * One pool's load forecaster: averages ticks into buckets, feeds a Holt-Winters model (holt-winters.ts), forecasts the
 * peak over a lead time, and scores its own forecasts made one lead time earlier with sMAPE.
 */
export class LoadForecaster {
  private readonly bucketMs: number;
  private readonly model: HoltWinters;
  private readonly errorWindow: number;
  private bucket: number | undefined;
  private bucketSum = 0;
  private bucketWeight = 0;
  private lastClosed = 0;
  private readonly pending = new Map<number, number>();
  private readonly errors: number[] = [];
  private horizon = 1;

  constructor(options: LoadForecasterOptions = {}) {
    this.bucketMs = (options.bucketSeconds ?? 60) * 1000;
    this.model = new HoltWinters({
      period: options.seasonBuckets ?? 1440,
      initialSmoothing: options.initialSmoothing ?? 7,
      ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
      ...(options.beta !== undefined ? { beta: options.beta } : {}),
      ...(options.gamma !== undefined ? { gamma: options.gamma } : {}),
    });
    this.errorWindow = options.errorWindow ?? 120;
  }

  /** Adds the load measured over [at − durationMs, at); closes the buckets it leaves behind. */
  observe(at: number, load: number, durationMs: number): void {
    const bucket = Math.floor(at / this.bucketMs);
    if (this.bucket === undefined) this.bucket = bucket;
    if (bucket > this.bucket) {
      this.closeBucket(this.bucket, this.bucketWeight > 0 ? this.bucketSum / this.bucketWeight : this.lastClosed);
      // A gap (no ticks for whole buckets) carries the last value forward, at most one season of it.
      const gap = Math.min(bucket - this.bucket - 1, this.model.period);
      for (let i = 1; i <= gap; i++) this.closeBucket(bucket - gap - 1 + i, this.lastClosed);
      this.bucket = bucket;
      this.bucketSum = 0;
      this.bucketWeight = 0;
    }
    this.bucketSum += load * durationMs;
    this.bucketWeight += durationMs;
  }

  /** The peak load forecast from now over `leadSeconds` (at least the current bucket's). */
  forecast(leadSeconds: number): LoadForecast | undefined {
    if (this.model.observations === 0) return undefined;
    const horizonBuckets = 1 + Math.ceil((leadSeconds * 1000) / this.bucketMs);
    this.horizon = horizonBuckets;
    let peak = 0;
    for (let h = 1; h <= horizonBuckets; h++) peak = Math.max(peak, this.model.forecast(h));
    return { peak, horizonBuckets, seasonal: this.model.isSeasonal };
  }

  /** sMAPE (0..2) of the forecasts made one horizon before the buckets they predicted; undefined before any. */
  error(): number | undefined {
    if (this.errors.length === 0) return undefined;
    return this.errors.reduce((a, b) => a + b, 0) / this.errors.length;
  }

  private closeBucket(bucket: number, value: number): void {
    this.model.update(value);
    this.lastClosed = value;
    const predicted = this.pending.get(bucket);
    if (predicted !== undefined) {
      this.pending.delete(bucket);
      this.errors.push(smapeTerm(predicted, value));
      if (this.errors.length > this.errorWindow) this.errors.shift();
    }
    // Remember what we now expect for the bucket one horizon ahead, to score it when it closes.
    this.pending.set(bucket + this.horizon, this.model.forecast(this.horizon));
    for (const key of this.pending.keys()) if (key <= bucket) this.pending.delete(key);
  }
}
