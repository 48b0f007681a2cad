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
  /** Data time of the first alarm from `from` on, ms after `from` (−1: none). */
  firstAfter: number;
}

/**
 * Feeds Poisson arrivals at `rate` a second over [from, to) ms, each value from `value` times `factor(t)`, and counts
 * the alarms (score ≥ 0.5).
 */
function feed(d: TailShiftDetector, random: () => number, rate: number, from: number, to: number, value: () => number, factor: (t: number) => number = () => 1, run: Run = { alarms: 0, firstAfter: -1 }): Run {
  for (let t = from + (-Math.log(1 - random()) / rate) * 1000; t < to; t += (-Math.log(1 - random()) / rate) * 1000) {
    if (d.update(t, value() * factor(t)).score >= 0.5) {
      run.alarms++;
      if (run.firstAfter < 0) run.firstAfter = t - from;
    }
  }
  return run;
}

const HOUR = 3_600_000;

describe('TailShiftDetector', () => {
  it('keeps a heavy-tailed agent with natural 90-second spikes (×4) quiet for a day, and finds a ×3 shift after the 2-minute hold', () => {
    const d = new TailShiftDetector({ type: 'latency_spike', label: 'response_time_seconds' });
    const random = seeded(1);
    // A natural spike of ×4 for 90 s every two hours: upstream hiccups, not faults.
    const spikes = (t: number) => ((t - T0) % (2 * HOUR) < 90_000 && t - T0 > HOUR ? 4 : 1);
    const quiet = feed(d, random, 0.5, T0, T0 + 24 * HOUR, heavyTailed(2, 0.8), spikes);
    expect(quiet.alarms).toBe(0);
    const shift = feed(d, random, 0.5, T0 + 24 * HOUR, T0 + 24 * HOUR + 600_000, heavyTailed(3, 0.8), () => 3);
    expect(shift.firstAfter).toBeGreaterThan(120_000);
    expect(shift.firstAfter).toBeLessThan(200_000);
    const e = d.verdict.evidence;
    expect(e.ratio).toBeGreaterThan(2);
    expect(e.baselineMedian).toBeGreaterThan(0.6);
    expect(e.baselineMedian).toBeLessThan(1);
    expect(d.describe()).toMatch(/^response_time_seconds above its usual 90th percentile [\d.]+ for [\d.]+ s \(median of the last 9 [\d.]+ against its usual [\d.]+: [\d.]+×\)$/);
  });

  it('judges a slow agent (one request in 30 s) by its own tail: a 90-second spike passes, a ×3 shift of 20 minutes is found', () => {
    const d = new TailShiftDetector({ type: 'latency_spike', label: 'response_time_seconds' });
    const random = seeded(4);
    const value = heavyTailed(5, 5);
    const spikes = (t: number) => ((t - T0) % (3 * HOUR) < 90_000 && t - T0 > 3 * HOUR ? 5 : 1);
    expect(feed(d, random, 1 / 30, T0, T0 + 48 * HOUR, value, spikes).alarms).toBe(0);
    const shift = feed(d, random, 1 / 30, T0 + 48 * HOUR, T0 + 48 * HOUR + 1_200_000, value, () => 3);
    expect(shift.firstAfter).toBeGreaterThan(120_000);
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
    expect(() => new TailShiftDetector({ type: 'token_spike', label: 'x', shiftedShare: 0.05 })).toThrow(/shiftedShare must lie in/);
  });
});
