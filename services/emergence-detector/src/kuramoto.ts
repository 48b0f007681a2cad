/** The phases' mean field: r ∈ [0, 1] (1 = all in phase) and its phase ψ (Kuramoto 1975; Strogatz 2000). */
export interface OrderParameter {
  r: number;
  psi: number;
}

/** Kuramoto order parameter r·e^{iψ} = (1/n) Σ e^{iθ_j}; r = 0 for no phases. */
export function kuramotoOrder(phases: ArrayLike<number>): OrderParameter {
  const n = phases.length;
  if (n === 0) return { r: 0, psi: 0 };
  let re = 0;
  let im = 0;
  for (let j = 0; j < n; j++) {
    re += Math.cos(phases[j]!);
    im += Math.sin(phases[j]!);
  }
  return { r: Math.hypot(re, im) / n, psi: Math.atan2(im, re) };
}

/**
 * Rayleigh test of uniform phases: Z = n·r² and its p-value with Zar's (1999) small-sample correction
 * p ≈ exp(√(1 + 4n + 4(n² − R²)) − (1 + 2n)), R = n·r.
 */
export function rayleighTest(n: number, r: number): { z: number; p: number } {
  if (n === 0) return { z: 0, p: 1 };
  const big = n * r;
  const p = Math.exp(Math.sqrt(1 + 4 * n + 4 * (n * n - big * big)) - (1 + 2 * n));
  return { z: n * r * r, p: Math.min(1, Math.max(0, p)) };
}
