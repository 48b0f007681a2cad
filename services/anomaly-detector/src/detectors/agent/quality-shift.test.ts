import { QualityShiftDetector } from './quality-shift';
import { T0, gaussian, seeded } from '../../test-support/random';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Run {
  alarms: number;
  /** Data time of the first alarm after `from`, ms (−1: none). */
  firstAfter: number;
}

/** Poisson arrivals at `rate` a second over [from, to): each score from `score(t)`; counts alarm onsets (score ≥ 0.5). */
function feed(
  d: QualityShiftDetector,
  rate: number,
  from: number,
  to: number,
  score: (t: number) => number,
  seed = 1,
): Run {
  const u = seeded(seed);
  const run: Run = { alarms: 0, firstAfter: -1 };
  let alarmed = false;
  for (let t = from + (-Math.log(1 - u()) / rate) * 1000; t < to; t += (-Math.log(1 - u()) / rate) * 1000) {
    const alarm = d.update(t, score(t)).score >= 0.5;
    if (alarm && !alarmed) {
      run.alarms++;
      if (run.firstAfter < 0) run.firstAfter = t - from;
    }
    alarmed = alarm;
  }
  return run;
}

const clamp = (x: number) => Math.min(1, Math.max(0, x));

describe('QualityShiftDetector', () => {
  it('stays quiet for a day of ordinary Gaussian scores at a request a second (86,400 scores)', () => {
    const d = new QualityShiftDetector();
    const z = gaussian(3);
    expect(feed(d, 1, T0, T0 + 24 * HOUR, () => 0.85 + 0.032 * z()).alarms).toBe(0);
  });

  it('stays quiet for a day of skewed, autocorrelated scores clamped at 1 (AR(1) φ = 0.7 near the ceiling)', () => {
    const d = new QualityShiftDetector();
    const z = gaussian(5);
    let x = 0;
    expect(
      feed(d, 1, T0, T0 + 24 * HOUR, () => clamp(0.97 + 0.03 * (x = 0.7 * x + Math.sqrt(1 - 0.49) * z()))).alarms,
    ).toBe(0);
  });

  it('finds a slide of −0.2 over 12 minutes (mean of two scores, σ 0.032) at 0.3 requests a second within 4 minutes', () => {
    const d = new QualityShiftDetector();
    const z = gaussian(7);
    const start = T0 + HOUR;
    const slide = (t: number) => (t < start ? 0 : -0.2 * Math.min(1, (t - start) / (12 * MINUTE)));
    expect(feed(d, 0.3, T0, start, () => 0.8 + 0.032 * z()).alarms).toBe(0);
    const found = feed(d, 0.3, start, start + 20 * MINUTE, (t) => 0.8 + slide(t) + 0.032 * z(), 2);
    expect(found.firstAfter).toBeGreaterThan(60_000);
    expect(found.firstAfter).toBeLessThan(4 * MINUTE);
  });

  it('finds a step drop of 2 σ within 30 scores, and lets go when quality returns', () => {
    const d = new QualityShiftDetector();
    const z = gaussian(9);
    let i = 0;
    for (; i < 400; i++) expect(d.update(T0 + i * 1000, 0.8 + 0.05 * z()).score).toBe(0);
    let found = -1;
    for (let k = 0; k < 60; k++, i++)
      if (d.update(T0 + i * 1000, 0.7 + 0.05 * z()).score >= 0.5 && found < 0) found = k;
    expect(found).toBeGreaterThanOrEqual(0);
    expect(found).toBeLessThan(30);
    const e = d.verdict.evidence;
    expect(e.baselineMedian).toBeCloseTo(0.8, 1);
    expect(e.drop).toBeGreaterThan(0.05);
    let last = 0;
    for (let k = 0; k < 60; k++, i++) last = d.update(T0 + i * 1000, 0.8 + 0.05 * z()).score;
    expect(last).toBe(0);
  });

  it('ignores a drop smaller than minDrop on a very steady agent, and any rise', () => {
    const d = new QualityShiftDetector();
    const z = gaussian(11);
    let i = 0;
    for (; i < 400; i++) d.update(T0 + i * 1000, 0.9 + 0.002 * z());
    let alarms = 0;
    // −0.02: many σ of this agent's scatter (σ floored at 0.01), but below the 0.03 that matters.
    for (let k = 0; k < 600; k++, i++) if (d.update(T0 + i * 1000, 0.88 + 0.002 * z()).score >= 0.5) alarms++;
    for (let k = 0; k < 600; k++, i++) if (d.update(T0 + i * 1000, 0.99 + 0.002 * z()).score >= 0.5) alarms++;
    expect(alarms).toBe(0);
  });

  it('needs minSamples scores before judging and skips non-finite ones', () => {
    const d = new QualityShiftDetector({ minSamples: 10 });
    for (let i = 0; i < 10; i++) expect(d.update(T0 + i, 0.8).ready).toBe(false);
    expect(d.update(T0 + 11, Number.NaN).ready).toBe(false);
    expect(d.update(T0 + 12, 0.8).ready).toBe(true);
  });
});
