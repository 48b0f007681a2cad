// Method: Lanczos approximation of ln Γ (g = 7, n = 9; Lanczos 1964, Godfrey's coefficients) and the regularized
// lower incomplete gamma P(a, x) by its series (x < a + 1) or Legendre's continued fraction (Numerical Recipes §6.2);
// the Poisson upper tail P(X ≥ k; λ) = P(k, λ).

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (≈ 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x); // reflection
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(a, x) = γ(a, x) / Γ(a), the regularized lower incomplete gamma function, for a > 0, x ≥ 0. */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 0;
  const lnPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    // Series: γ(a, x) = e^−x x^a Σ x^n / (a (a+1) … (a+n)).
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.min(1, sum * Math.exp(lnPrefix));
  }
  return Math.max(0, 1 - Math.exp(lnPrefix + logContinuedFraction(a, x)));
}

/** ln Q(a, x) = ln(1 − P(a, x)), accurate far into the tail (ln Q = −55 for Q = 1e-24), for a > 0, x ≥ 0. */
export function logRegularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x < a + 1) return Math.log1p(-regularizedGammaP(a, x));
  return a * Math.log(x) - x - logGamma(a) + logContinuedFraction(a, x);
}

/** ln of Legendre's continued fraction h, Q(a, x) = e^−x x^a h / Γ(a), for x ≥ a + 1 (modified Lentz). */
function logContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.log(h);
}

/**
 * P(X ≥ k) for X ~ Poisson(λ): 1 for k ≤ 0, else P(k, λ). For a non-integer k (decayed counts) it is the continuous
 * extension through the incomplete gamma function, monotone in k.
 */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (!(lambda > 0)) return 0;
  return regularizedGammaP(k, lambda);
}
