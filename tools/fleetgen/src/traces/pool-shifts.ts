import type { Trace } from './load-traces';
import { TraceRandom } from './random';

/**
 * A third held-out family for the autoscaler (issue 20, i20-cost2), written before that session's tuning and not
 * replayed until its parameters were fixed. Unlike load-traces.ts and heavy-tails.ts it also changes the *pool*:
 * each trace names the start-up delay of its replicas (30 s to 5 min, where the others all use 120 s) and may step
 * the cost of a request (a new model version: each replica serves fewer requests per second from then on), so a
 * capacity learnt before the step is wrong after it. Shapes differ from both earlier families too: two daily peaks
 * (morning and evening) with a Saturday unlike a Sunday, flash crowds of lognormal size (×1.2–×5, not Pareto) that
 * fade as a power law, logistic (S-curve) adoption, 2-minute, 30-second and 20-second steps, and load noise that is
 * a mixture (mostly quiet, now and then a noisy hour).
 */
export interface PoolTrace extends Trace {
  /** Seconds from asking for a replica to its serving, for this trace's pool. */
  startupSeconds: number;
  /** From `atSeconds` (since the trace's start) on, a request costs `factor` × what it cost at the start. */
  costSteps: Array<{ atSeconds: number; factor: number }>;
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;
/** Friday 2026-05-01 00:00 UTC (another weekday than the other families' Monday and Wednesday). */
const FRIDAY = 1_777_593_600;

/** Two daily peaks (09:30 and 20:00, the evening one wider), a night floor; Saturday evenings busier, Sundays flat. */
function twoPeakDay(t: number, morning: number, evening: number): number {
  const hour = (t % DAY) / HOUR;
  const day = Math.floor(t / DAY) % 7; // 0 = Friday
  const bump = (centre: number, width: number) => Math.exp(-0.5 * ((hour - centre) / width) ** 2);
  const saturday = day === 1;
  const sunday = day === 2;
  const m = sunday ? 0.5 * morning : saturday ? 0.7 * morning : morning;
  const e = sunday ? 0.6 * evening : saturday ? 1.4 * evening : evening;
  return 0.15 + m * bump(9.5, 1.5) + e * bump(20, 2.5);
}

/** Noise that is mostly quiet and now and then (a few hours a day) much louder: a two-state mixture, per step. */
function mixtureNoise(random: TraceRandom, loud: { on: boolean }, stepSeconds: number): number {
  const switchChance = stepSeconds / (loud.on ? HOUR : 6 * HOUR);
  if (random.uniform() < switchChance) loud.on = !loud.on;
  return Math.exp((loud.on ? 0.25 : 0.05) * random.normal());
}

interface Crowd {
  at: number;
  rise: number;
  size: number;
  fade: number;
}

/** Crowds add (size − 1) × the base: a linear rise, then a power-law fade 1 / (1 + t/τ)². */
function crowdFactor(t: number, crowds: readonly Crowd[]): number {
  let extra = 0;
  for (const c of crowds) {
    if (t < c.at) break;
    const into = t - c.at;
    extra += (c.size - 1) * (into < c.rise ? into / c.rise : 1 / (1 + (into - c.rise) / c.fade) ** 2);
  }
  return 1 + extra;
}

/**
 * Two-peak days with a weekly rhythm and flash crowds of lognormal size (median ×1.8, capped at ×5), ~2 a day
 * clustered in the evenings, rising over 30 s–5 min and fading as a power law (τ 5–40 min); requests per 2 minutes,
 * Poisson counts over the mixture noise. 21 days.
 */
export function twoPeakCrowds(seed: number, startupSeconds: number, days = 21): PoolTrace {
  const random = new TraceRandom(seed);
  const step = 2 * MINUTE;
  const steps = Math.floor((days * DAY) / step);
  const base = 3000 + 3000 * random.uniform();
  const crowds: Crowd[] = [];
  for (let t = random.exponential(DAY / 2); t < days * DAY; t += random.exponential(DAY / 2)) {
    // Evenings twice as likely: a crowd in the small hours is moved to the evening half the time.
    const hour = (t % DAY) / HOUR;
    const at = hour < 12 && random.uniform() < 0.5 ? t - (t % DAY) + 18 * HOUR + random.uniform() * 4 * HOUR : t;
    crowds.push({
      at,
      rise: 30 + random.uniform() * 270,
      size: Math.min(5, Math.max(1.2, 1.8 * Math.exp(0.45 * random.normal()))),
      fade: (5 + random.uniform() * 35) * MINUTE,
    });
  }
  crowds.sort((a, b) => a.at - b.at);
  const loud = { on: false };
  const values: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = i * step;
    values.push(
      random.poisson(base * twoPeakDay(t, 0.9, 1.2) * crowdFactor(t, crowds) * mixtureNoise(random, loud, step)),
    );
  }
  return {
    name: `two-peak-crowds-${seed}`,
    description:
      'requests per 2 min: two daily peaks, Saturday unlike Sunday, lognormal flash crowds fading as a power law, mixture noise',
    stepSeconds: step,
    startSeconds: FRIDAY,
    values,
    startupSeconds,
    costSteps: [],
  };
}

/**
 * Logistic adoption: the load grows along an S-curve from 10 % to 100 % of its final level over the trace (midpoint
 * at 55 % of it), over a flatter two-peak day; requests per 30 s with the mixture noise. Slow replicas (5 min).
 */
export function logisticGrowth(seed: number, days = 14): PoolTrace {
  const random = new TraceRandom(seed);
  const step = 30;
  const steps = Math.floor((days * DAY) / step);
  const final = 800 + 400 * random.uniform();
  const values: number[] = [];
  const loud = { on: false };
  for (let i = 0; i < steps; i++) {
    const t = i * step;
    const adoption = 0.1 + 0.9 / (1 + Math.exp(-(t / (days * DAY) - 0.55) * 12));
    values.push(
      random.poisson(final * adoption * (0.6 + 0.4 * twoPeakDay(t, 0.8, 0.8)) * mixtureNoise(random, loud, step)),
    );
  }
  return {
    name: `logistic-growth-${seed}`,
    description: 'requests per 30 s: S-curve adoption over two weeks, two-peak days, mixture noise',
    stepSeconds: step,
    startSeconds: FRIDAY,
    values,
    startupSeconds: 300,
    costSteps: [],
  };
}

/**
 * Steady two-peak traffic whose per-request cost steps: ×1.4 (a heavier model) on day 4 at 14:00, then ×0.6 of the
 * original (a cheaper one) on day 8 at 10:00; requests per 20 s, Poisson over the mixture noise, fast replicas (30 s).
 */
export function costSteps(seed: number, days = 11): PoolTrace {
  const random = new TraceRandom(seed);
  const step = 20;
  const steps = Math.floor((days * DAY) / step);
  const base = 1500 + 1000 * random.uniform();
  const values: number[] = [];
  const loud = { on: false };
  for (let i = 0; i < steps; i++) {
    const t = i * step;
    values.push(random.poisson(base * twoPeakDay(t, 1, 1) * mixtureNoise(random, loud, step)));
  }
  return {
    name: `cost-steps-${seed}`,
    description: 'requests per 20 s: two-peak days; per-request cost ×1.4 on day 4, ×0.6 on day 8',
    stepSeconds: step,
    startSeconds: FRIDAY,
    values,
    startupSeconds: 30,
    costSteps: [
      { atSeconds: 3 * DAY + 14 * HOUR, factor: 1.4 },
      { atSeconds: 7 * DAY + 10 * HOUR, factor: 0.6 },
    ],
  };
}

/** The third held-out family (issue 20, i20-cost2): never tuned on. */
export function poolShiftTraces(): PoolTrace[] {
  return [twoPeakCrowds(404, 60), twoPeakCrowds(414, 240), logisticGrowth(505), costSteps(606)];
}
