/** Small helpers over number series (typed arrays or arrays): mean, variance, least-squares detrending. */

export function mean(x: ArrayLike<number>, from = 0, to = x.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]!;
  return to > from ? sum / (to - from) : 0;
}

/** Population variance (divides by n). */
export function variance(x: ArrayLike<number>, from = 0, to = x.length): number {
  const m = mean(x, from, to);
  let sum = 0;
  for (let i = from; i < to; i++) sum += (x[i]! - m) ** 2;
  return to > from ? sum / (to - from) : 0;
}

/** Residuals of the least-squares line through (i, x_i), written into `out` (may be `x` itself). */
export function detrend(
  x: ArrayLike<number>,
  out: Float64Array | number[] = new Float64Array(x.length),
): Float64Array | number[] {
  const n = x.length;
  if (n === 0) return out;
  const tMean = (n - 1) / 2;
  const xMean = mean(x);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - tMean) * (x[i]! - xMean);
    sxx += (i - tMean) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  for (let i = 0; i < n; i++) out[i] = x[i]! - xMean - slope * (i - tMean);
  return out;
}

/** Scales `x` in place to mean 0, variance 1; false (and x untouched) when it has no variance. */
export function standardizeInPlace(x: Float64Array): boolean {
  const m = mean(x);
  const sd = Math.sqrt(variance(x));
  if (!(sd > 1e-12)) return false;
  for (let i = 0; i < x.length; i++) x[i] = (x[i]! - m) / sd;
  return true;
}
