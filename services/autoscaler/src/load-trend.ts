/**
 * Short-horizon trend of one pool's load: an ordinary least-squares line through the last few ticks, for what the
 * minute-bucket Holt-Winters model reacts to too slowly (a flash crowd ramps within its first bucket). It gives the
 * load extrapolated over the lead time and the tick-to-tick noise to keep headroom for: a robust σ from the median
 * absolute first difference over a longer window (σ = 1.4826 · median|Δ| / √2; differences cancel slow trends, the
 * median ignores a single jump).
 */
const SIGNIFICANT_T = 3;

export class LoadTrend {
  private readonly times: number[] = [];
  private readonly loads: number[] = [];
  private readonly steps: number[] = [];

  constructor(
    private readonly window = 8,
    private readonly noiseWindow = 40,
  ) {}

  observe(at: number, load: number): void {
    const previous = this.loads[this.loads.length - 1];
    if (previous !== undefined) {
      this.steps.push(Math.abs(load - previous));
      if (this.steps.length > this.noiseWindow) this.steps.shift();
    }
    this.times.push(at);
    this.loads.push(load);
    if (this.times.length > this.window) {
      this.times.shift();
      this.loads.shift();
    }
  }

  /** The fitted load `aheadSeconds` after the last tick (the line, not the last tick's noise), and the noise σ. */
  project(aheadSeconds: number): { load: number; slopePerSecond: number; noiseStd: number } | undefined {
    const n = this.times.length;
    if (n === 0) return undefined;
    const noiseStd = this.steps.length > 0 ? (1.4826 * median(this.steps)) / Math.SQRT2 : 0;
    if (n < 3) return { load: this.loads[n - 1]!, slopePerSecond: 0, noiseStd };
    const t0 = this.times[0]!;
    const xs = this.times.map((t) => (t - t0) / 1000);
    const meanX = xs.reduce((a, b) => a + b, 0) / n;
    const meanY = this.loads.reduce((a, b) => a + b, 0) / n;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) {
      sxx += (xs[i]! - meanX) ** 2;
      sxy += (xs[i]! - meanX) * (this.loads[i]! - meanY);
    }
    const fitted = sxx > 0 ? sxy / sxx : 0;
    let sse = 0;
    for (let i = 0; i < n; i++) sse += (this.loads[i]! - (meanY + fitted * (xs[i]! - meanX))) ** 2;
    const residualStd = Math.sqrt(sse / (n - 2));
    // Extrapolate only a significant slope (|t| ≥ 3): on noise alone the window mean is the steadier level.
    const significant = sxx > 0 && Math.abs(fitted) * Math.sqrt(sxx) >= SIGNIFICANT_T * residualStd;
    const slope = significant ? fitted : 0;
    const level = significant ? meanY + slope * (xs[n - 1]! - meanX) : meanY;
    return { load: Math.max(0, level + slope * aheadSeconds), slopePerSecond: slope, noiseStd };
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
