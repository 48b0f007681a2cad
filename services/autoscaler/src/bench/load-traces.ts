import { SeededRandom } from './seeded-random';

/** A load trace: requests per second at each step of `stepSeconds`. */
export interface LoadTrace {
  name: string;
  stepSeconds: number;
  rps: Float64Array;
}

export const TRACE_NAMES = ['diurnal-flash-crowd', 'growth-bursts', 'flat-noisy'] as const;
export type TraceName = (typeof TRACE_NAMES)[number];

const DAY_S = 86_400;

export interface TraceOptions {
  days?: number;
  stepSeconds?: number;
  meanRps?: number;
  seed?: number;
}

/** Daily cycle: trough at 04:00, peak at 16:00 (a sine), `amplitude` of the mean either side. */
function diurnal(t: number, amplitude: number): number {
  return 1 + amplitude * Math.sin((2 * Math.PI * (t - 10 * 3600)) / DAY_S);
}

/** A multiplicative surge: ramps up over `rampS`, holds, decays over `decayS`. */
function surge(t: number, start: number, rampS: number, holdS: number, decayS: number, factor: number): number {
  if (t < start || t > start + rampS + holdS + decayS) return 1;
  const into = t - start;
  const shape = into < rampS ? into / rampS : into < rampS + holdS ? 1 : 1 - (into - rampS - holdS) / decayS;
  return 1 + (factor - 1) * shape;
}

/**
 * Seeded load traces (so nothing is fitted to one case):
 *  - diurnal-flash-crowd: a daily cycle (±70%) and, on the last day at 14:00, a flash crowd ×2.5 within 2 minutes for 20;
 *  - growth-bursts: a daily cycle (±50%) growing 20% a day, with unannounced bursts (×1.5–2, 5–15 min, ~4 a day);
 *  - flat-noisy: flat load with 15% noise (nothing to predict: the combined policy must not lose to HPA here).
 * Every trace has Poisson-like counting noise on top.
 */
export function loadTrace(name: TraceName, options: TraceOptions = {}): LoadTrace {
  const days = options.days ?? 3;
  const stepSeconds = options.stepSeconds ?? 15;
  const mean = options.meanRps ?? 200;
  const random = new SeededRandom(options.seed ?? 42);
  const steps = Math.floor((days * DAY_S) / stepSeconds);
  const rps = new Float64Array(steps);
  const bursts: Array<{ start: number; length: number; factor: number }> = [];
  if (name === 'growth-bursts') {
    for (let t = 0; t < days * DAY_S; t += 3600) {
      if (random.next() < 4 / 24)
        bursts.push({
          start: t + random.next() * 3600,
          length: 300 + random.next() * 600,
          factor: 1.5 + random.next() * 0.5,
        });
    }
  }
  for (let i = 0; i < steps; i++) {
    const t = i * stepSeconds;
    let shape: number;
    if (name === 'diurnal-flash-crowd') {
      shape = diurnal(t, 0.7) * surge(t, (days - 1) * DAY_S + 14 * 3600, 120, 1200, 300, 2.5);
    } else if (name === 'growth-bursts') {
      shape = diurnal(t, 0.5) * (1 + (0.2 * t) / DAY_S);
      for (const b of bursts) shape *= surge(t, b.start, 60, b.length, 120, b.factor);
    } else {
      shape = 1 + 0.15 * random.normal();
    }
    const expected = Math.max(0, mean * shape);
    // Counting noise of `expected × step` arrivals, as a rate.
    rps[i] = Math.max(0, expected + random.normal() * Math.sqrt(expected / stepSeconds));
  }
  return { name, stepSeconds, rps };
}
