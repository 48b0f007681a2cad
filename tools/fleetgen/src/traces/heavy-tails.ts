import type { Trace } from './load-traces';
import { TraceRandom } from './random';

/**
 * A second, independent family of held-out traces for the autoscaler (issue 20), written before any tuning and
 * never tuned on. It differs from load-traces.ts on purpose: other step sizes (1 min, 15 s, 10 min), a 24 h + 12 h
 * harmonic profile with a weekly cycle instead of Gaussian bumps, bursts whose *durations* are Pareto too (an
 * ON/OFF process: self-similar traffic), slow ramps as well as jumps, correlated lognormal noise and overdispersed
 * (gamma–Poisson) counts instead of Poisson ones.
 */
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;
/** Wednesday 2026-03-04 00:00 UTC (another weekday than load-traces.ts' Monday). */
const WEDNESDAY = 1_772_582_400;

/** 24 h + 12 h harmonics with a seed's phases, and a weekend at `weekendLevel` (days 3, 4 from a Wednesday). */
function weeklyProfile(t: number, phase24: number, phase12: number, depth: number, weekendLevel: number): number {
  const day = Math.floor(t / DAY) % 7;
  const weekend = day === 3 || day === 4 ? weekendLevel : 1;
  const x = (2 * Math.PI * (t % DAY)) / DAY;
  const shape = 1 + depth * (0.75 * Math.sin(x - phase24) + 0.25 * Math.sin(2 * x - phase12));
  return Math.max(0.05, shape) * weekend;
}

/** Gamma(shape k, scale 1) by Marsaglia–Tsang (k ≥ 1; boosted below 1). */
function gamma(random: TraceRandom, k: number): number {
  if (k < 1) return gamma(random, k + 1) * Math.pow(random.uniform() || 1e-12, 1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = random.normal();
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    if (Math.log(random.uniform() || 1e-12) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Overdispersed counts: Poisson of a gamma rate (negative binomial, variance mean + mean²/k). */
function overdispersed(random: TraceRandom, mean: number, k: number): number {
  return mean <= 0 ? 0 : random.poisson((mean * gamma(random, k)) / k);
}

interface Burst {
  at: number;
  rise: number;
  length: number;
  factor: number;
}

/** ON/OFF bursts: Poisson starts, Pareto sizes and Pareto lengths, a linear rise of `rise` seconds, a 1/e tail of a fifth of the length. */
function burstFactor(t: number, bursts: readonly Burst[]): number {
  let extra = 0;
  for (const b of bursts) {
    if (t < b.at) break;
    const into = t - b.at;
    if (into < b.rise) extra += (b.factor - 1) * (into / b.rise);
    else if (into < b.rise + b.length) extra += b.factor - 1;
    else extra += (b.factor - 1) * Math.exp(-(into - b.rise - b.length) / (0.2 * b.length));
  }
  return 1 + extra;
}

/**
 * Pareto ON/OFF bursts over a weekly rhythm, counts per minute: ~5 bursts a day, sizes Pareto(1.3, α = 1.6), lengths
 * Pareto(3 min, α = 1.2, capped at 8 h: some last minutes, a few hours), rises from instant to 10 minutes, AR(1)
 * lognormal noise (φ = 0.9 per minute, σ 8 %), gamma–Poisson counts (k = 20).
 */
export function paretoOnOff(seed = 101, days = 14): Trace {
  const random = new TraceRandom(seed);
  const step = MINUTE;
  const steps = Math.floor((days * DAY) / step);
  const base = 900 + 600 * random.uniform();
  const phase24 = 2 * Math.PI * random.uniform();
  const phase12 = 2 * Math.PI * random.uniform();
  const bursts: Burst[] = [];
  for (let t = random.exponential(DAY / 5); t < days * DAY; t += random.exponential(DAY / 5)) {
    bursts.push({
      at: t,
      rise: random.uniform() < 0.5 ? 1 : 60 + random.uniform() * 540,
      length: Math.min(8 * HOUR, random.pareto(3 * MINUTE, 1.2)),
      factor: Math.min(30, random.pareto(1.3, 1.6)),
    });
  }
  let noise = 0;
  const values: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = i * step;
    noise = 0.9 * noise + Math.sqrt(1 - 0.81) * 0.08 * random.normal();
    values.push(
      overdispersed(
        random,
        base * weeklyProfile(t, phase24, phase12, 0.55, 0.6) * burstFactor(t, bursts) * Math.exp(noise),
        20,
      ),
    );
  }
  return {
    name: `pareto-on-off-${seed}`,
    description: 'counts per minute: weekly 24 h + 12 h rhythm, Pareto-sized and Pareto-long ON/OFF bursts, NB counts',
    stepSeconds: step,
    startSeconds: WEDNESDAY,
    values,
  };
}

/**
 * Batch spikes, counts per 15 s: a weekly rhythm (deep nights, weekends at 40 %), jobs at the top of every hour and a
 * larger one every 6 hours that add Pareto-sized load (α = 1.8) for 2–15 minutes — natural, partly periodic spikes,
 * not faults — and rare retry storms (×3–×10 for a minute or two, ~1 a day). Gamma–Poisson counts (k = 8).
 */
export function batchSpikes(seed = 202, days = 7): Trace {
  const random = new TraceRandom(seed);
  const step = 15;
  const steps = Math.floor((days * DAY) / step);
  const base = 40 + 40 * random.uniform();
  const phase24 = 2 * Math.PI * random.uniform();
  const phase12 = 2 * Math.PI * random.uniform();
  const bursts: Burst[] = [];
  for (let h = 0; h < days * 24; h++) {
    const big = h % 6 === 0;
    const size = random.pareto(big ? 1.5 : 1.1, 1.8);
    if (random.uniform() < (big ? 0.9 : 0.6))
      bursts.push({
        at: h * HOUR + random.uniform() * 20,
        rise: 15 + random.uniform() * 45,
        length: (2 + random.uniform() * 13) * MINUTE,
        factor: Math.min(20, size),
      });
  }
  for (let t = random.exponential(DAY); t < days * DAY; t += random.exponential(DAY))
    bursts.push({ at: t, rise: 1, length: (1 + random.uniform()) * MINUTE, factor: 3 + 7 * random.uniform() });
  bursts.sort((a, b) => a.at - b.at);
  const values: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = i * step;
    values.push(overdispersed(random, base * weeklyProfile(t, phase24, phase12, 0.8, 0.4) * burstFactor(t, bursts), 8));
  }
  return {
    name: `batch-spikes-${seed}`,
    description: 'counts per 15 s: weekly rhythm, hourly and 6-hourly Pareto-sized batch spikes, rare retry storms',
    stepSeconds: step,
    startSeconds: WEDNESDAY,
    values,
  };
}

/**
 * Coarse and slow: requests per 10 minutes over five weeks, a weekly rhythm whose level follows a random walk with
 * regime changes (a Pareto-sized step up or down every ~4 days), plus 2-hour campaigns (×1.5–×4) a few times a week.
 */
export function regimeWeeks(seed = 303, days = 35): Trace {
  const random = new TraceRandom(seed);
  const step = 10 * MINUTE;
  const steps = Math.floor((days * DAY) / step);
  const phase24 = 2 * Math.PI * random.uniform();
  const phase12 = 2 * Math.PI * random.uniform();
  const bursts: Burst[] = [];
  for (let t = random.exponential(DAY / 0.5); t < days * DAY; t += random.exponential(DAY / 0.5))
    bursts.push({ at: t, rise: 600 + random.uniform() * 1800, length: 2 * HOUR, factor: 1.5 + 2.5 * random.uniform() });
  let level = Math.log(20_000 + 20_000 * random.uniform());
  let nextRegime = random.exponential(4 * DAY);
  const values: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = i * step;
    level += 0.01 * random.normal();
    if (t >= nextRegime) {
      level += (random.uniform() < 0.5 ? -1 : 1) * Math.log(random.pareto(1.1, 2.5));
      nextRegime = t + random.exponential(4 * DAY);
    }
    values.push(
      overdispersed(
        random,
        Math.exp(level) * weeklyProfile(t, phase24, phase12, 0.6, 0.7) * burstFactor(t, bursts),
        30,
      ),
    );
  }
  return {
    name: `regime-weeks-${seed}`,
    description: 'requests per 10 min: weekly rhythm, random-walk level with regime steps, 2-hour campaigns',
    stepSeconds: step,
    startSeconds: WEDNESDAY,
    values,
  };
}

/** The second held-out family (issue 20, i20-cost): never tuned on. */
export function heavyTailTraces(): Trace[] {
  return [paretoOnOff(101), paretoOnOff(111), batchSpikes(202), batchSpikes(212), regimeWeeks(303)];
}
