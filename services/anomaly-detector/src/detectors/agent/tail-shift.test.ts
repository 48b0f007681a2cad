import { ExcursionEnvelope } from './excursion-envelope';
import { TailShiftDetector } from './tail-shift';
import { T0, gaussian, seeded } from '../../test-support/random';

/** A heavy-tailed latency source: log-normal body (σ 0.5), 3 % Pareto tail of index 1.5 from twice the median. */
function heavyTailed(seed: number, median: number): () => number {
  const u = seeded(seed);
  const z = gaussian(seed + 1);
  return () => (u() < 0.03 ? 2 * median * (1 - u()) ** (-1 / 1.5) : median * Math.exp(0.5 * z()));
}

interface Run {
  alarms: number;
  /** Alarms that began (a report alarmed after one that did not). */
  episodes: number;
  /** Data time of the first alarm from `from` on, ms after `from` (−1: none). */
  firstAfter: number;
}

/**
 * Feeds Poisson arrivals at `rate` a second over [from, to) ms, each value from `value` times `factor(t)`, and counts
 * the alarms (score ≥ 0.5).
 */
function feed(
  d: TailShiftDetector,
  random: () => number,
  rate: number,
  from: number,
  to: number,
  value: () => number,
  factor: (t: number) => number = () => 1,
  run: Run = { alarms: 0, episodes: 0, firstAfter: -1 },
): Run {
  let was = false;
  for (let t = from + (-Math.log(1 - random()) / rate) * 1000; t < to; t += (-Math.log(1 - random()) / rate) * 1000) {
    const alarm = d.update(t, value() * factor(t)).score >= 0.5;
    if (alarm && !was) run.episodes++;
    was = alarm;
    if (alarm) {
      run.alarms++;
      if (run.firstAfter < 0) run.firstAfter = t - from;
    }
  }
  return run;
}

const HOUR = 3_600_000;

describe('TailShiftDetector', () => {
  it('keeps a heavy-tailed agent with natural 90-second spikes (×4–6) quiet for a day, and waits as long as its spikes for a ×3 shift', () => {
    const d = new TailShiftDetector({ type: 'latency_spike', label: 'response_time_seconds' });
    const random = seeded(1);
    // A natural spike of ×4, ×5 or ×6 for 90 s every two hours: upstream hiccups, not faults.
    const spikes = (t: number) =>
      (t - T0) % (2 * HOUR) < 90_000 && t - T0 > HOUR ? 4 + (Math.floor((t - T0) / (2 * HOUR)) % 3) : 1;
    const quiet = feed(d, random, 0.5, T0, T0 + 24 * HOUR, heavyTailed(2, 0.8), spikes);
    expect(quiet.alarms).toBe(0);
    const start = T0 + 24 * HOUR;
    const shift = feed(d, random, 0.5, start, start + 600_000, heavyTailed(3, 0.8), () => 3);
    // A shift like its spikes waits for their length as it saw them (90 s, and the few values a run takes to fall back
    // below the decision level: 85–120 s), then for some evidence of its own.
    expect(shift.firstAfter).toBeGreaterThan(90_000);
    expect(shift.firstAfter).toBeLessThan(160_000);
    const e = d.verdict.evidence;
    expect(e.holdSeconds).toBeGreaterThanOrEqual(90);
    expect(e.holdSeconds).toBeLessThanOrEqual(120);
    expect(e.ratio).toBeGreaterThan(2);
    expect(e.baselineMedian).toBeGreaterThan(0.6);
    expect(e.baselineMedian).toBeLessThan(1);
    // The onset is the shift's start (within a few requests), not the moment the hold passed.
    expect(d.onset - start).toBeGreaterThanOrEqual(0);
    expect(d.onset - start).toBeLessThan(15_000);
    expect(d.describe()).toMatch(
      /^response_time_seconds above its usual 90th percentile [\d.]+ for [\d.]+ s \(median of the last 9 [\d.]+ against its usual [\d.]+: [\d.]+×\)$/,
    );
  });

  it('finds a ×3 shift within 60 s of data time on an agent of a quiet pool, and a ×12 one beyond its own usual ×4 spikes as fast', () => {
    // A pool observed for 20 agent-days without an excursion.
    const pool = new ExcursionEnvelope();
    for (let i = 0; i < 20 * 24 * 720; i++) pool.observe(5000);
    const calm = new TailShiftDetector({ type: 'latency_spike', label: 'response_time_seconds', pool });
    const random = seeded(11);
    expect(feed(calm, random, 1, T0, T0 + 24 * HOUR, heavyTailed(12, 0.8)).alarms).toBe(0);
    const start = T0 + 24 * HOUR;
    const shift = feed(calm, random, 1, start, start + 300_000, heavyTailed(13, 0.8), () => 3);
    expect(shift.firstAfter).toBeGreaterThan(0);
    expect(shift.firstAfter).toBeLessThanOrEqual(60_000);
    // Its own noise (runs of a few high values, seconds long) is all it waits for.
    expect(calm.verdict.evidence.holdSeconds).toBeLessThan(60);

    // An agent alone with ×4 spikes of 90 s every 2 hours (140 of them in 12 days; 2 minutes held until 10 days vouch
    // for less, then as long as its spikes): at most one alarm (the budget: 0.1 a day), and a ×12 shift, beyond its
    // spikes, is found within a minute.
    const spiky = new TailShiftDetector({ type: 'latency_spike', label: 'response_time_seconds' });
    const spikes = (t: number) => ((t - T0) % (2 * HOUR) < 90_000 && t - T0 > HOUR ? 4 : 1);
    const end = T0 + 12 * 24 * HOUR;
    expect(feed(spiky, random, 0.5, T0, end, heavyTailed(14, 0.8), spikes).episodes).toBeLessThanOrEqual(1);
    const big = feed(spiky, random, 0.5, end, end + 300_000, heavyTailed(15, 0.8), () => 12);
    expect(big.firstAfter).toBeGreaterThan(0);
    expect(big.firstAfter).toBeLessThanOrEqual(60_000);
    expect(spiky.verdict.evidence.holdSeconds).toBe(0);
  }, 60_000);

  it('holds 2 minutes (its ceiling) until enough has been observed (10 agent-days at 0.1 a day), and not at all with holdMs 0', () => {
    const young = new TailShiftDetector({ type: 'latency_spike', label: 'response_time_seconds' });
    const random = seeded(21);
    feed(young, random, 1, T0, T0 + HOUR, heavyTailed(22, 0.8));
    const shift = feed(young, random, 1, T0 + HOUR, T0 + HOUR + 600_000, heavyTailed(23, 0.8), () => 3);
    expect(shift.firstAfter).toBeGreaterThan(120_000);
    expect(young.verdict.evidence.holdSeconds).toBe(120);
    const none = new TailShiftDetector({ type: 'latency_spike', label: 'response_time_seconds', holdMs: 0 });
    feed(none, random, 1, T0, T0 + HOUR, heavyTailed(24, 0.8));
    expect(
      feed(none, random, 1, T0 + HOUR, T0 + HOUR + 600_000, heavyTailed(25, 0.8), () => 3).firstAfter,
    ).toBeLessThanOrEqual(60_000);
  });

  it('lets an agent with no history of its own borrow its pool envelope: the pool’s ×5 spikes make a new agent wait', () => {
    const pool = new ExcursionEnvelope();
    // 20 agent-days of a pool whose agents have ×5 excursions of 60–89 s, 6 a day.
    for (let i = 0; i < 20 * 24 * 720; i++) pool.observe(5000);
    for (let i = 0; i < 120; i++) pool.record(5, 60_000 + (i % 30) * 1000);
    const d = new TailShiftDetector({ type: 'latency_spike', label: 'response_time_seconds', pool });
    const random = seeded(31);
    feed(d, random, 1, T0, T0 + HOUR, heavyTailed(32, 0.8));
    const shift = feed(d, random, 1, T0 + HOUR, T0 + HOUR + 600_000, heavyTailed(33, 0.8), () => 3);
    expect(d.verdict.evidence.holdSeconds).toBe(90);
    expect(shift.firstAfter).toBeGreaterThan(90_000);
    expect(shift.firstAfter).toBeLessThan(150_000);
  });

  it('judges a slow agent (one request in 30 s) by its own tail: 90-second ×5 spikes pass for two days, a ×3 shift of 20 minutes is found', () => {
    const d = new TailShiftDetector({ type: 'latency_spike', label: 'response_time_seconds' });
    const random = seeded(4);
    const value = heavyTailed(5, 5);
    const spikes = (t: number) => ((t - T0) % (3 * HOUR) < 90_000 && t - T0 > 3 * HOUR ? 5 : 1);
    expect(feed(d, random, 1 / 30, T0, T0 + 48 * HOUR, value, spikes).alarms).toBe(0);
    const shift = feed(d, random, 1 / 30, T0 + 48 * HOUR, T0 + 48 * HOUR + 1_200_000, value, () => 3);
    expect(shift.firstAfter).toBeGreaterThan(0);
    expect(shift.firstAfter).toBeLessThan(900_000);
  });

  it('does not read a strongly autocorrelated but steady agent (AR(1), φ = 0.9 in log space) as shifted', () => {
    const d = new TailShiftDetector({ type: 'latency_spike', label: 'response_time_seconds' });
    const z = gaussian(7);
    let x = 0;
    const value = () => {
      x = 0.9 * x + Math.sqrt(1 - 0.81) * z();
      return Math.exp(0.5 * x);
    };
    expect(feed(d, seeded(8), 1, T0, T0 + 24 * HOUR, value).alarms).toBe(0);
    expect(d.verdict.evidence.autocorrelation).toBeGreaterThan(0.3);
  });

  it('stays unready until its baseline has minSamples values, and never scores a negative or non-finite value', () => {
    const d = new TailShiftDetector({ type: 'token_spike', label: 'output_tokens', minSamples: 10 });
    for (let i = 0; i < 10; i++) expect(d.update(T0 + i * 1000, 100 + i).ready).toBe(false);
    expect(d.update(T0 + 11_000, 100).ready).toBe(true);
    expect(d.update(T0 + 12_000, -1).evidence.value).toBe(100);
    expect(d.update(Number.NaN, 5).evidence.value).toBe(100);
  });

  it('refuses a shifted share at or below the in-control share', () => {
    expect(() => new TailShiftDetector({ type: 'token_spike', label: 'x', shiftedShare: 0.05 })).toThrow(
      /shiftedShare must lie in/,
    );
  });
});
