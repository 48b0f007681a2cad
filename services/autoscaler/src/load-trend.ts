/**
 * Short-horizon trend of one pool's load: an ordinary least-squares line through the last few ticks (extrapolated
 * only when its slope is significant), and the load's noise split in two by its variogram: the variance of lag-j
 * differences is 2σ²(white) + j·σ²(walk), so lags 1 and `window` give both — white noise (measurement, Poisson
 * counting) does not grow with the horizon, a random walk (the load itself wandering) grows as √(ticks ahead). Each
 * variance is robust: (1.4826 · median |Δ|)², so one jump does not inflate it.
 */
const SIGNIFICANT_T = 3;

export interface LoadProjection {
  /** The line's level at the last tick (the mean of the window when its slope is not significant). */
  level: number;
  /** Requests/s per second; 0 unless significant (|t| ≥ 3). */
  slopePerSecond: number;
  /** Tick-to-tick white noise σ (requests/s). */
  whiteStd: number;
  /** Random-walk σ per tick (requests/s): the forecast's sd after k ticks is √(white² + k · walk²). */
  walkStd: number;
}

export class LoadTrend {
  private readonly times: number[] = [];
  private readonly loads: number[] = [];

  constructor(
    private readonly window = 8,
    /** An hour of 15 s ticks: the noise split needs many differences (over 40 its sd wandered 8–30 rps on flat 15 % noise, and the plan with it). */
    private readonly noiseWindow = 240,
  ) {}

  observe(at: number, load: number): void {
    this.times.push(at);
    this.loads.push(load);
    if (this.times.length > this.noiseWindow) {
      this.times.shift();
      this.loads.shift();
    }
  }

  project(): LoadProjection | undefined {
    const all = this.loads.length;
    if (all === 0) return undefined;
    const n = Math.min(this.window, all);
    const from = all - n;
    const lag1 = robustVariance(this.loads, 1);
    const lagK = robustVariance(this.loads, this.window);
    const walkVar = lagK !== undefined && lag1 !== undefined ? Math.max(0, (lagK - lag1) / (this.window - 1)) : 0;
    const whiteVar = lag1 !== undefined ? Math.max(0, (lag1 - walkVar) / 2) : 0;
    const noise = { whiteStd: Math.sqrt(whiteVar), walkStd: Math.sqrt(walkVar) };
    if (n < 3) return { level: this.loads[all - 1]!, slopePerSecond: 0, ...noise };
    const t0 = this.times[from]!;
    let meanX = 0;
    let meanY = 0;
    for (let i = from; i < all; i++) {
      meanX += (this.times[i]! - t0) / 1000;
      meanY += this.loads[i]!;
    }
    meanX /= n;
    meanY /= n;
    let sxx = 0;
    let sxy = 0;
    for (let i = from; i < all; i++) {
      const x = (this.times[i]! - t0) / 1000 - meanX;
      sxx += x * x;
      sxy += x * (this.loads[i]! - meanY);
    }
    const fitted = sxx > 0 ? sxy / sxx : 0;
    let sse = 0;
    for (let i = from; i < all; i++)
      sse += (this.loads[i]! - (meanY + fitted * ((this.times[i]! - t0) / 1000 - meanX))) ** 2;
    const residualStd = Math.sqrt(sse / (n - 2));
    // Extrapolate only a significant slope (|t| ≥ 3): on noise alone the window mean is the steadier level.
    const significant = sxx > 0 && Math.abs(fitted) * Math.sqrt(sxx) >= SIGNIFICANT_T * residualStd;
    const slope = significant ? fitted : 0;
    const lastX = (this.times[all - 1]! - t0) / 1000 - meanX;
    return { level: Math.max(0, meanY + slope * lastX), slopePerSecond: slope, ...noise };
  }
}

/** (1.4826 · median |x[i] − x[i − lag]|)²: a robust variance of lag differences; undefined without any. */
function robustVariance(values: readonly number[], lag: number): number | undefined {
  if (values.length <= lag) return undefined;
  const diffs: number[] = [];
  for (let i = lag; i < values.length; i++) diffs.push(Math.abs(values[i]! - values[i - lag]!));
  diffs.sort((a, b) => a - b);
  const mid = diffs.length >> 1;
  const median = diffs.length % 2 ? diffs[mid]! : (diffs[mid - 1]! + diffs[mid]!) / 2;
  return (1.4826 * median) ** 2;
}
