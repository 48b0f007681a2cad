// Math's functions as module constants: a global lookup costs ~10× more inside a vm context (jest's test
// sandbox; measured), and nothing in plain Node.
const { cos, exp, floor, imul, log, max, round, sqrt, PI } = Math;

/**
 * Seeded pseudo-random numbers, so a run with `--seed` replays exactly.
 *
 * A generator can be re-seeded in place (`reseed`): the simulator derives one stream per (seed, agent, tick) with
 * `mix`, so what one agent draws never shifts what another draws, and any tick can be replayed on its own.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Restarts the stream at `seed` (no allocation: the generator's hot loop reseeds once per agent and tick). */
  reseed(seed: number): this {
    this.state = seed >>> 0;
    return this;
  }

  /** Uniform in [0, 1): mulberry32 (Tommy Ettinger's 32-bit generator). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    return floor(this.next() * 4294967296) >>> 0;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** A whole number in [0, n). */
  int(n: number): number {
    return floor(this.next() * n);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return sqrt(-2 * log(u)) * cos(2 * PI * this.next());
  }

  /** Log-normal with the given median and shape σ: latencies and token counts are skewed this way. */
  logNormal(median: number, sigma: number): number {
    return median * exp(sigma * this.normal());
  }

  /** Exponential with the given mean (waiting times between independent events). */
  exponential(mean: number): number {
    return -mean * log(1 - this.next());
  }

  /** Poisson count with the given mean: Knuth's product of uniforms below 30, a rounded normal above. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean >= 30) return max(0, round(mean + sqrt(mean) * this.normal()));
    const limit = exp(-mean);
    let count = 0;
    let product = this.next();
    while (product > limit) {
      count++;
      product *= this.next();
    }
    return count;
  }

  pick<T>(items: readonly T[]): T {
    return items[floor(this.next() * items.length)]!;
  }

  /** An index drawn with probability proportional to `weights[i]`. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** A copy of `items` in random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** `count` lowercase hex digits (trace and span ids). */
  hex(count: number): string {
    let out = '';
    while (out.length < count) out += this.uint32().toString(16).padStart(8, '0');
    return out.slice(0, count);
  }
}

/**
 * Mixes whole numbers into one 32-bit seed (murmur3's finalizer over a running hash): `mix(seed, agent, tick)`
 * names an independent stream. Order matters; inputs are taken modulo 2³². Fixed arity: no array per call.
 */
export function mix(a: number, b: number, c = 0, d = 0): number {
  let h = step(0x9e3779b9, a);
  h = step(h, b);
  h = step(h, c);
  return step(h, d);
}

function step(h: number, value: number): number {
  h = imul(h ^ (value >>> 0), 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit FNV-1a hash of a string, to turn names (pools, scenarios) into seeds. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return h >>> 0;
}
