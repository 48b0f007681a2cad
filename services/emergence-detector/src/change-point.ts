/** The best level shift near the end of a series, over and above its linear trend. */
export interface StepFit {
  /** Index of the first point after the shift. */
  at: number;
  /** Share of the variance around the trend line that the shift explains, in [0, 1]. */
  explained: number;
  /** Size of the shift (after minus before, trend removed). */
  shift: number;
  /** The shift in residual standard deviations of the two-level model. */
  standardized: number;
}

/**
 * Fits y = a + b·t (model A) and y = a + b·t + c·[t ≥ k] (model B) by least squares for each candidate
 * change point k with `minAfter` ≤ n − k ≤ `maxAfter`, and keeps the k with the largest explained share
 * (SSE_A − SSE_B)/SSE_A: the partial R² of a step beyond the trend (a change-point regression in the manner of
 * Quandt 1958 and Andrews 1993). A smooth ramp (the diurnal cycle) explains nothing; a jump explains nearly all.
 */
export function fitStep(y: ArrayLike<number>, minAfter: number, maxAfter: number): StepFit | undefined {
  const n = y.length;
  if (n < minAfter + 4) return undefined;
  const sseA = residualSse(y, -1);
  let best: StepFit | undefined;
  for (let after = minAfter; after <= Math.min(maxAfter, n - 3); after++) {
    const k = n - after;
    const { sse, shift } = stepSse(y, k);
    const explained = sseA > 0 ? Math.max(0, (sseA - sse) / sseA) : 0;
    if (!best || explained > best.explained) {
      const sd = Math.sqrt(sse / Math.max(1, n - 3));
      best = { at: k, explained, shift, standardized: sd > 0 ? Math.abs(shift) / sd : shift !== 0 ? Infinity : 0 };
    }
  }
  return best;
}

/** SSE of the least-squares line (k < 0) through the series. */
function residualSse(y: ArrayLike<number>, k: number): number {
  return stepSse(y, k).sse;
}

/** Least squares of y on [1, t, step_k] (step omitted for k < 0) via the 3×3 normal equations. */
function stepSse(y: ArrayLike<number>, k: number): { sse: number; shift: number } {
  const n = y.length;
  // Sums for the normal equations X'X β = X'y with columns 1, t, s (s = 1 for t ≥ k).
  let st = 0,
    stt = 0,
    ss = 0,
    sts = 0,
    sy = 0,
    sty = 0,
    ssy = 0;
  for (let t = 0; t < n; t++) {
    const s = k >= 0 && t >= k ? 1 : 0;
    const v = y[t]!;
    st += t;
    stt += t * t;
    ss += s;
    sts += t * s;
    sy += v;
    sty += t * v;
    ssy += s * v;
  }
  const beta =
    k >= 0 ? solve3([n, st, ss, st, stt, sts, ss, sts, ss], [sy, sty, ssy]) : [...solve2(n, st, stt, sy, sty), 0];
  const [a, b, c] = beta as [number, number, number];
  let sse = 0;
  for (let t = 0; t < n; t++) {
    const fit = a + b * t + (k >= 0 && t >= k ? c : 0);
    sse += (y[t]! - fit) ** 2;
  }
  return { sse, shift: c };
}

function solve2(n: number, st: number, stt: number, sy: number, sty: number): [number, number] {
  const det = n * stt - st * st;
  if (det === 0) return [sy / n, 0];
  return [(stt * sy - st * sty) / det, (n * sty - st * sy) / det];
}

/** Cramer's rule for a symmetric 3×3 system given row-major. */
function solve3(m: number[], v: number[]): number[] {
  const det = (a: number[]) =>
    a[0]! * (a[4]! * a[8]! - a[5]! * a[7]!) -
    a[1]! * (a[3]! * a[8]! - a[5]! * a[6]!) +
    a[2]! * (a[3]! * a[7]! - a[4]! * a[6]!);
  const d = det(m);
  if (Math.abs(d) < 1e-12) return [0, 0, 0];
  return [0, 1, 2].map((col) => {
    const replaced = m.slice();
    for (let row = 0; row < 3; row++) replaced[row * 3 + col] = v[row]!;
    return det(replaced) / d;
  });
}
