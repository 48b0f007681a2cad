/**
 * Holt-Winters' additive method (Hyndman & Athanasopoulos, "Forecasting: Principles and Practice", 3rd ed., §8.3):
 *   level  ℓt = α(yt − st−m) + (1 − α)(ℓt−1 + bt−1)
 *   trend  bt = β(ℓt − ℓt−1) + (1 − β)bt−1
 *   season st = γ(yt − ℓt) + (1 − γ)st−m
 *   ŷt+h|t = ℓt + h·bt + st+h−m(k+1),  k = ⌊(h − 1)/m⌋
 * Until one full season has been seen it runs Holt's linear method (no seasonal term); the first season then
 * initialises the seasonal indices as deviations from its mean. O(m) memory, O(1) per update.
 */
export interface HoltWintersOptions {
  /** Observations per season (e.g. 1440 one-minute buckets for a daily cycle); 1 disables seasonality. */
  period: number;
  alpha?: number;
  beta?: number;
  gamma?: number;
  /**
   * Half-width (in observations) of a circular moving average over the initial seasonal indices: one season's
   * deviations are mostly noise at a fine resolution (1-minute buckets), the true daily shape is smooth. 0 = none.
   */
  initialSmoothing?: number;
}

export class HoltWinters {
  readonly period: number;
  private readonly alpha: number;
  private readonly beta: number;
  private readonly gamma: number;
  private readonly smoothing: number;
  private level = 0;
  private trend = 0;
  private readonly season: Float64Array;
  private readonly firstSeason: number[] = [];
  private seasonal = false;
  private count = 0;

  constructor(options: HoltWintersOptions) {
    if (!Number.isInteger(options.period) || options.period < 1)
      throw new RangeError('period must be a whole number ≥ 1');
    this.period = options.period;
    this.alpha = options.alpha ?? 0.3;
    this.beta = options.beta ?? 0.05;
    this.gamma = options.gamma ?? 0.2;
    this.smoothing = Math.min(options.initialSmoothing ?? 0, Math.floor((options.period - 1) / 2));
    this.season = new Float64Array(options.period);
  }

  /** Observations seen so far. */
  get observations(): number {
    return this.count;
  }

  /** True once the seasonal indices are initialised (one full season seen). */
  get isSeasonal(): boolean {
    return this.seasonal;
  }

  update(y: number): void {
    const t = this.count++;
    if (t === 0) {
      this.level = y;
      if (this.period > 1) this.firstSeason.push(y);
      return;
    }
    const index = t % this.period;
    const s = this.seasonal ? this.season[index]! : 0;
    const previousLevel = this.level;
    this.level = this.alpha * (y - s) + (1 - this.alpha) * (previousLevel + this.trend);
    this.trend = this.beta * (this.level - previousLevel) + (1 - this.beta) * this.trend;
    if (this.seasonal) {
      this.season[index] = this.gamma * (y - this.level) + (1 - this.gamma) * s;
    } else if (this.period > 1) {
      this.firstSeason.push(y);
      if (this.firstSeason.length === this.period) this.initialiseSeason();
    }
  }

  /** The forecast h ≥ 1 steps ahead of the last observation (NaN before any observation). */
  forecast(h: number): number {
    if (this.count === 0) return Number.NaN;
    const s = this.seasonal ? this.season[(this.count - 1 + h) % this.period]! : 0;
    return this.level + h * this.trend + s;
  }

  private initialiseSeason(): void {
    const mean = this.firstSeason.reduce((a, b) => a + b, 0) / this.period;
    // Indices as deviations from the first season's mean, the level at that mean. The trend restarts at 0: the Holt
    // trend learnt during the first season mostly measured the season's own shape (a morning ramp is not a trend).
    const k = this.smoothing;
    for (let i = 0; i < this.period; i++) {
      let sum = 0;
      for (let j = i - k; j <= i + k; j++) sum += this.firstSeason[(j + this.period) % this.period]!;
      this.season[i] = sum / (2 * k + 1) - mean;
    }
    this.level = mean;
    this.trend = 0;
    this.seasonal = true;
    this.firstSeason.length = 0;
  }
}

/** Symmetric mean absolute percentage error term of one forecast, in [0, 2]; 0 when both are 0. */
export function smapeTerm(forecast: number, actual: number): number {
  const denominator = (Math.abs(forecast) + Math.abs(actual)) / 2;
  return denominator === 0 ? 0 : Math.abs(forecast - actual) / denominator;
}
