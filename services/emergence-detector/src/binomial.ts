import { regularizedBeta } from './f-distribution';

/** Above this many trials the tail comes from the incomplete beta: the sum would cost O(n) (an agent may report any count). */
const MAX_SUMMED_TRIALS = 10_000;

/**
 * P(X ≥ k) for X ~ Binomial(n, p): summed in log space up to MAX_SUMMED_TRIALS trials, beyond that by the identity
 * P(X ≥ k) = I_p(k, n − k + 1) (the regularized incomplete beta), in bounded time whatever the counts.
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  if (n > MAX_SUMMED_TRIALS) return regularizedBeta(p, k, n - k + 1);
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  let logTerm = logChoose(n, k) + k * logP + (n - k) * logQ;
  let sum = 0;
  for (let i = k; i <= n; i++) {
    sum += Math.exp(logTerm);
    // Ratio of consecutive terms: C(n, i+1)/C(n, i) · p/q.
    logTerm += Math.log((n - i) / (i + 1)) + logP - logQ;
  }
  return Math.min(1, sum);
}

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}
