import { TraceRandom } from './random';

/** A load trace: one value per step (its own units: counts per step, requests/s...), oldest first. */
export interface Trace {
  name: string;
  /** What shape it stands for and what it was modelled on. */
  description: string;
  stepSeconds: number;
  /** Epoch seconds of the first value. */
  startSeconds: number;
  values: number[];
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;
/** Monday 2026-01-05 00:00 UTC: traces start on a Monday so weekly cycles line up with weekdays. */
const MONDAY = 1_767_571_200;

/**
 * Flash crowds, like mention counts of a company on a social network: a low, noisy daily rhythm of counts per
 * 5 minutes and, about 1.5 times a day at random, a crowd — a jump by a Pareto-distributed factor (α = 1.1, so
 * now and then fifty-fold) that decays exponentially over 10 minutes to 2 hours. Counts are Poisson.
 */
export function flashCrowds(seed = 1, days = 14): Trace {
  const random = new TraceRandom(seed);
  const step = 5 * MINUTE;
  const steps = Math.floor((days * DAY) / step);
  const base = 8 + 6 * random.uniform();
  const crowds: Array<{ at: number; factor: number; decay: number }> = [];
  for (let t = random.exponential(DAY / 1.5); t < days * DAY; t += random.exponential(DAY / 1.5)) {
    crowds.push({
      at: t,
      factor: Math.min(80, random.pareto(2, 1.1)),
      decay: 10 * MINUTE + random.uniform() * 110 * MINUTE,
    });
  }
  const values: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = i * step;
    const hour = (t % DAY) / HOUR;
    let rate = base * (1 + 0.6 * Math.sin((2 * Math.PI * (hour - 9)) / 24));
    for (const c of crowds) if (t >= c.at) rate += base * (c.factor - 1) * Math.exp(-(t - c.at) / c.decay);
    values.push(random.poisson(rate));
  }
  return {
    name: `flash-crowds-${seed}`,
    description: 'tweet-like mention counts per 5 min: Pareto-sized crowds with exponential decay',
    stepSeconds: step,
    startSeconds: MONDAY,
    values,
  };
}

/**
 * Diurnal with a weekly cycle, like taxi pick-ups per half hour in a large city: a weekday profile with a morning
 * and an evening peak (night trough a tenth of the peak), weekends later and flatter with a late-night bump, a
 * holiday now and then (a Sunday profile on a weekday), 4 % day-to-day level drift and Poisson counts.
 * `interpolate` gives the same counts linearly interpolated to 1-minute steps (per minute).
 */
export function diurnalWeekly(seed = 2, weeks = 8, interpolate = false): Trace {
  const random = new TraceRandom(seed);
  const step = 30 * MINUTE;
  const steps = Math.floor((weeks * 7 * DAY) / step);
  const peak = 8000 + 4000 * random.uniform();
  const holidays = new Set<number>();
  for (let d = 0; d < weeks * 7; d++) if (d % 7 < 5 && random.uniform() < 0.03) holidays.add(d);
  const values: number[] = [];
  let level = 1;
  for (let i = 0; i < steps; i++) {
    const t = i * step;
    const day = Math.floor(t / DAY);
    if (t % DAY === 0) level *= Math.exp(0.04 * random.normal());
    const hour = (t % DAY) / HOUR;
    const weekend = day % 7 >= 5 || holidays.has(day);
    const bump = (h: number, centre: number, width: number) => Math.exp(-0.5 * ((h - centre) / width) ** 2);
    const shape = weekend
      ? 0.12 + 0.55 * bump(hour, 14, 4) + 0.35 * bump(hour, 23.5, 2) + 0.3 * bump(hour, 0, 2)
      : 0.1 + 0.75 * bump(hour, 8.5, 1.5) + 0.9 * bump(hour, 19, 2.5) + 0.5 * bump(hour, 13, 3);
    values.push(random.poisson(peak * level * shape));
  }
  if (!interpolate)
    return {
      name: `diurnal-weekly-${seed}`,
      description: 'taxi-like pick-ups per 30 min: weekday peaks, flatter weekends, holidays',
      stepSeconds: step,
      startSeconds: MONDAY,
      values,
    };
  const perMinute: number[] = [];
  for (let i = 0; i + 1 < values.length; i++) {
    for (let m = 0; m < 30; m++) perMinute.push((values[i]! + ((values[i + 1]! - values[i]!) * m) / 30) / 30);
  }
  return {
    name: `diurnal-weekly-${seed}-interpolated`,
    description: 'the taxi-like trace interpolated linearly to 1-min steps (per minute)',
    stepSeconds: MINUTE,
    startSeconds: MONDAY,
    values: perMinute,
  };
}

/**
 * Slow growth, like a product gaining users: 3 % a day compounding over a month, a ±30 % daily cycle, an AR(1)
 * wander (φ = 0.98 on 5-minute steps), two launches that each add 15–30 % overnight, and Poisson counts.
 */
export function slowGrowth(seed = 3, days = 30): Trace {
  const random = new TraceRandom(seed);
  const step = 5 * MINUTE;
  const steps = Math.floor((days * DAY) / step);
  const base = 300 + 200 * random.uniform();
  const launches = [
    Math.floor(days * (0.3 + 0.2 * random.uniform())),
    Math.floor(days * (0.65 + 0.2 * random.uniform())),
  ];
  let wander = 0;
  const values: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = i * step;
    const day = t / DAY;
    wander = 0.98 * wander + 0.02 * random.normal();
    let level = base * Math.pow(1.03, day) * Math.exp(wander);
    for (const l of launches) if (day >= l) level *= 1.15 + (0.15 * ((l * 7919) % 10)) / 10;
    const hour = (t % DAY) / HOUR;
    values.push(random.poisson(level * (1 + 0.3 * Math.sin((2 * Math.PI * (hour - 10)) / 24))));
  }
  return {
    name: `slow-growth-${seed}`,
    description: 'users growing 3 %/day with launches, daily cycle, AR(1) wander',
    stepSeconds: step,
    startSeconds: MONDAY,
    values,
  };
}

/**
 * An hour of LLM serving, requests per second: conversations arrive as a Poisson stream whose rate switches between
 * a calm and a busy state (a Markov-modulated process, mean stay 5 and 2 minutes), and each brings a
 * Pareto-distributed burst of requests (α = 1.4: agents fanning out tool calls) spread over a few seconds.
 */
export function llmServingHour(seed = 4, seconds = HOUR): Trace {
  const random = new TraceRandom(seed);
  const values = new Array<number>(seconds).fill(0);
  let busy = false;
  let switchAt = random.exponential(300);
  for (let t = 0; t < seconds; t++) {
    if (t >= switchAt) {
      busy = !busy;
      switchAt = t + random.exponential(busy ? 120 : 300);
    }
    const conversations = random.poisson(busy ? 1.6 : 0.5);
    for (let c = 0; c < conversations; c++) {
      const requests = Math.min(400, Math.round(random.pareto(1, 1.4)));
      const spread = 1 + Math.floor(random.uniform() * 8);
      for (let r = 0; r < requests; r++) {
        const at = t + Math.floor(random.uniform() * spread);
        if (at < seconds) values[at]! += 1;
      }
    }
  }
  return {
    name: `llm-serving-hour-${seed}`,
    description: 'LLM requests per second: MMPP conversations with Pareto fan-out',
    stepSeconds: 1,
    startSeconds: MONDAY,
    values,
  };
}

/** Every validation trace, seeded apart from anything tuned on. */
export function validationTraces(): Trace[] {
  return [
    flashCrowds(1),
    flashCrowds(11),
    diurnalWeekly(2, 4),
    diurnalWeekly(2, 4, true),
    slowGrowth(3, 21),
    llmServingHour(4),
    llmServingHour(14),
  ];
}

/** CSV with a `timestamp,value` header (ISO-8601 UTC timestamps): what `swarmscope bench autoscaler --trace` reads. */
export function toCsv(trace: Trace): string {
  const lines = ['timestamp,value'];
  trace.values.forEach((v, i) =>
    lines.push(
      `${new Date((trace.startSeconds + i * trace.stepSeconds) * 1000).toISOString()},${Number(v.toPrecision(8))}`,
    ),
  );
  return `${lines.join('\n')}\n`;
}
