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
 * Rayleigh test of uniform phases with each phase weighted by its amplitude: for S = Σ w_j e^{iθ_j} with independent
 * uniform θ_j, |S|² / Σ w_j² is about Exp(1) (each component of S is a sum of Σ w_j²/2 variance), so
 * p ≈ exp(−|S|² / Σ w_j²). Equal weights give the plain large-n Rayleigh test, p ≈ exp(−n·r²).
 */
export function weightedRayleighP(re: number, im: number, sumSquaredWeights: number): number {
  return sumSquaredWeights > 0 ? Math.exp(-(re * re + im * im) / sumSquaredWeights) : 1;
}
