/**
 * The M/M/c queue (Kleinrock, Queueing Systems vol. 1, §3.5; Gross & Harris, Fundamentals of Queueing Theory §2.3):
 * Poisson arrivals at λ, c servers each serving at μ (exponential), one FIFO queue. What the autoscaler sizes with
 * and what the benchmark's pool model serves with. Pure functions; rates per second, times in seconds.
 */

/** Relative precision of the bisections (1e-4: far inside any measurement's noise). */
const TOLERANCE = 1e-4;

/** Erlang C: the probability an arrival waits, for c servers offered a = λ / μ erlangs (1 when a ≥ c: unstable). */
export function erlangC(c: number, offered: number): number {
  if (c < 1 || !Number.isInteger(c)) throw new RangeError('c must be a whole number ≥ 1');
  if (!(offered >= 0)) throw new RangeError('offered load must be ≥ 0');
  if (offered >= c) return 1;
  // Erlang B by its stable recursion B(k) = a·B(k−1) / (k + a·B(k−1)), then C = B / (1 − ρ(1 − B)).
  let b = 1;
  for (let k = 1; k <= c; k++) b = (offered * b) / (k + offered * b);
  return b / (1 - (offered / c) * (1 - b));
}

/**
 * P(sojourn > t) in an M/M/c FIFO queue: with probability 1 − C no wait (service alone, Exp(μ)); with probability C
 * a wait Exp(cμ − λ) then service, a hypoexponential tail. Infinity-safe: 1 when unstable.
 */
export function sojournTail(t: number, arrivalRate: number, c: number, serviceRate: number): number {
  if (t <= 0) return 1;
  const capacity = c * serviceRate;
  if (arrivalRate >= capacity) return 1;
  const wait = erlangC(c, arrivalRate / serviceRate);
  const theta = capacity - arrivalRate;
  const mu = serviceRate;
  const service = Math.exp(-mu * t);
  const waitThenService =
    Math.abs(theta - mu) < 1e-9 * mu
      ? (1 + mu * t) * service
      : (theta * service - mu * Math.exp(-theta * t)) / (theta - mu);
  return (1 - wait) * service + wait * waitThenService;
}

/** Mean sojourn: 1/μ + C / (cμ − λ) (Infinity when unstable). */
export function meanSojourn(arrivalRate: number, c: number, serviceRate: number): number {
  const capacity = c * serviceRate;
  if (arrivalRate >= capacity) return Infinity;
  return 1 / serviceRate + erlangC(c, arrivalRate / serviceRate) / (capacity - arrivalRate);
}

/** The q-quantile of the sojourn time (q = 0.95: the p95 latency); Infinity when unstable. */
export function sojournQuantile(q: number, arrivalRate: number, c: number, serviceRate: number): number {
  if (arrivalRate >= c * serviceRate) return Infinity;
  const target = 1 - q;
  // The tail is below exp(−μ t)·(something ≤ cμ/(cμ−λ)·…): bracket by doubling, then bisect.
  let high = 1 / serviceRate;
  while (sojournTail(high, arrivalRate, c, serviceRate) > target) high *= 2;
  let low = 0;
  for (let i = 0; i < 60 && high - low > TOLERANCE * high; i++) {
    const mid = (low + high) / 2;
    if (sojournTail(mid, arrivalRate, c, serviceRate) > target) low = mid;
    else high = mid;
  }
  return high;
}

/** True when c servers at μ hold the q-quantile of the sojourn at or under `slo` for arrivals at λ. */
export function holdsSlo(arrivalRate: number, c: number, serviceRate: number, slo: number, q = 0.95): boolean {
  if (arrivalRate <= 0) return Math.exp(-serviceRate * slo) <= 1 - q;
  return arrivalRate < c * serviceRate && sojournTail(slo, arrivalRate, c, serviceRate) <= 1 - q;
}

/**
 * The highest arrival rate c servers at μ serve with the q-quantile of the sojourn at or under `slo` (0 when even
 * one request alone takes longer: the SLO cannot be met by adding servers). The tail at `slo` grows with λ: bisect.
 */
export function maxArrivalRate(c: number, serviceRate: number, slo: number, q = 0.95): number {
  if (!holdsSlo(0, c, serviceRate, slo, q)) return 0;
  let low = 0;
  let high = c * serviceRate;
  for (let i = 0; i < 60 && high - low > TOLERANCE * high; i++) {
    const mid = (low + high) / 2;
    if (holdsSlo(mid, c, serviceRate, slo, q)) low = mid;
    else high = mid;
  }
  return low;
}

/**
 * The fewest servers (≥ 1) holding the SLO for λ, by bisection on c over maxArrivalRate (monotone in c); `limit` when
 * none up to it does (and Infinity-free: an infeasible SLO answers `limit`).
 */
export function serversForSlo(arrivalRate: number, serviceRate: number, slo: number, limit: number, q = 0.95): number {
  if (arrivalRate <= 0) return 1;
  if (!holdsSlo(0, 1, serviceRate, slo, q)) return limit;
  let low = Math.max(1, Math.floor(arrivalRate / serviceRate));
  if (holdsSlo(arrivalRate, low, serviceRate, slo, q)) return low;
  let high = low + 1;
  while (high < limit && !holdsSlo(arrivalRate, high, serviceRate, slo, q)) {
    low = high;
    high = Math.min(limit, high * 2);
  }
  if (!holdsSlo(arrivalRate, high, serviceRate, slo, q)) return limit;
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (holdsSlo(arrivalRate, mid, serviceRate, slo, q)) high = mid;
    else low = mid;
  }
  return high;
}
