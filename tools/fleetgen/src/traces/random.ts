/**
 * The traces' own random stream: xoshiro128** (Blackman & Vigna), seeded through splitmix32 — a different generator
 * from the simulator's on purpose, so no shape is shared by accident.
 */
export class TraceRandom {
  private s: [number, number, number, number];

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s = [next(), next(), next(), next()];
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    let [a, b, c, d] = this.s;
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c = (c ^ a) >>> 0;
    d = (d ^ b) >>> 0;
    b = (b ^ c) >>> 0;
    a = (a ^ d) >>> 0;
    c = (c ^ t) >>> 0;
    d = rotl(d, 11);
    this.s = [a, b, c, d];
    return result / 4294967296;
  }

  /** Standard normal (Marsaglia's polar method). */
  normal(): number {
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const q = u * u + v * v;
      if (q > 0 && q < 1) return u * Math.sqrt((-2 * Math.log(q)) / q);
    }
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }

  /** Pareto with scale `minimum` and shape `alpha` (heavy tail for alpha ≤ 2). */
  pareto(minimum: number, alpha: number): number {
    return minimum / Math.pow(1 - this.uniform(), 1 / alpha);
  }

  /** Poisson counts: Knuth's product method for small means, a rounded normal beyond 30. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.uniform();
    while (p > limit) {
      k++;
      p *= this.uniform();
    }
    return k;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
