import { kendallTau } from './kendall';
import { detrend, variance } from './series';

/** Critical slowing down indicators of one series (Scheffer et al. 2009; Dakos et al. 2012). */
export interface EarlyWarningIndicators {
  /** Variance of the last rolling window (after removing its linear trend). */
  variance: number;
  /** Lag-1 autocorrelation of the last rolling window. */
  autocorrelation: number;
  /** Kendall τ of the rolling variance against time. */
  varianceTau: number;
  /** Kendall τ of the rolling lag-1 autocorrelation against time. */
  autocorrelationTau: number;
  /** Last window's variance over the first window's (1 when the first had none). */
  varianceRatio: number;
}

/**
 * Rolling-window variance and lag-1 autocorrelation of `x` (each window linearly detrended, so a slow drift
 * is not read as rising variance), and their Kendall τ trends: both rising is the signature of critical slowing
 * down before a tipping point (Scheffer et al. 2009; Dakos et al. 2008, 2012). Undefined if `x` is shorter
 * than two windows.
 */
export function earlyWarningIndicators(x: ArrayLike<number>, window: number): EarlyWarningIndicators | undefined {
  const n = x.length;
  if (window < 4 || n < 2 * window) return undefined;
  const variances: number[] = [];
  const autocorrelations: number[] = [];
  const residuals = new Float64Array(window);
  for (let start = 0; start + window <= n; start++) {
    const slice = Array.prototype.slice.call(x, start, start + window) as number[];
    detrend(slice, residuals);
    variances.push(variance(residuals));
    autocorrelations.push(lag1Autocorrelation(residuals));
  }
  const first = variances[0]!;
  const last = variances[variances.length - 1]!;
  return {
    variance: last,
    autocorrelation: autocorrelations[autocorrelations.length - 1]!,
    varianceTau: kendallTau(variances),
    autocorrelationTau: kendallTau(autocorrelations),
    // From no variance at all nothing can be said about a trend: ratio 1.
    varianceRatio: first > 0 ? last / first : 1,
  };
}

/** Lag-1 autocorrelation Σ(x_t − x̄)(x_{t+1} − x̄) / Σ(x_t − x̄)²; 0 for a constant series. */
export function lag1Autocorrelation(x: ArrayLike<number>): number {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i]!;
  m /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - m;
    den += d * d;
    if (i + 1 < n) num += d * (x[i + 1]! - m);
  }
  return den > 0 ? num / den : 0;
}
