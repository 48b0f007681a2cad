import { ShapeShiftDetector } from './shape-shift';
import { gaussian, seeded } from '../../test-support/random';

/** Counts alarm onsets (score ≥ 0.5) over `n` values from `next`, one a second from `from` s. */
function alarms(d: ShapeShiftDetector, n: number, next: () => number, from = 0): number {
  let count = 0;
  let alarmed = false;
  for (let i = 0; i < n; i++) {
    const a = d.update((from + i) * 1000, next()).score >= 0.5;
    if (a && !alarmed) count++;
    alarmed = a;
  }
  return count;
}

/** Values until the first alarm (−1: none within `n`). */
function firstAlarm(d: ShapeShiftDetector, n: number, next: () => number, from: number): number {
  for (let i = 0; i < n; i++) if (d.update((from + i) * 1000, next()).score >= 0.5) return i;
  return -1;
}

/** The drift of fleetgen's kind, as a model update gives it: a third of answers at ¼ length, the rest ≈ 1.9× longer. */
function bimodal(median: number, seed: number): () => number {
  const u = seeded(seed);
  const z = gaussian(seed + 1);
  return () =>
    Math.max(1, Math.round(u() < 0.3 ? 0.25 * median * Math.exp(0.35 * z()) : 1.9 * median * Math.exp(0.3 * z())));
}

describe('ShapeShiftDetector', () => {
  it.each([
    ['log-normal answer lengths', (z: () => number) => () => Math.round(300 * Math.exp(0.6 * z()))],
    [
      'heavy-tailed lengths (5 % Pareto α 1.3)',
      (z: () => number, u: () => number) => () =>
        u() < 0.05 ? 600 * (1 - u()) ** (-1 / 1.3) : 300 * Math.exp(0.4 * z()),
    ],
    ['tiny integer lengths (mostly ties)', (z: () => number) => () => Math.max(1, Math.round(3 * Math.exp(0.4 * z())))],
  ])(
    'raises at most one alarm over 172,800 ordinary values (two agent-days at a request a second): %s',
    (_, source) => {
      // By simulation ≈ 0.25 false alarms per million values (1 per million on the heavy tail): ≤ 0.1 an agent-day.
      const d = new ShapeShiftDetector();
      expect(alarms(d, 172_800, source(gaussian(7), seeded(9)))).toBeLessThanOrEqual(1);
    },
  );

  it('finds a new mode of short answers within 80 values, with before/after summaries in the evidence', () => {
    const d = new ShapeShiftDetector();
    const z = gaussian(3);
    expect(alarms(d, 600, () => Math.max(1, Math.round(200 * Math.exp(0.6 * z()))))).toBe(0);
    const found = firstAlarm(d, 400, bimodal(200, 5), 600);
    expect(found).toBeGreaterThanOrEqual(10);
    expect(found).toBeLessThan(80);
    d.describe();
    const e = d.verdict.evidence;
    expect(e.ksPValue).toBeLessThanOrEqual(0.001);
    expect(e.referenceMedian).toBeGreaterThan(170);
    expect(e.referenceMedian).toBeLessThan(230);
    expect(e.recentMedian).toBeGreaterThan(e.referenceMedian!);
    expect(e.samples).toBeGreaterThanOrEqual(10);
  });

  it('holds one alarm while the new shape lasts, then accepts it as the new normal after maxFreeze values', () => {
    const d = new ShapeShiftDetector({ maxFreeze: 1000 });
    const z = gaussian(11);
    alarms(d, 600, () => Math.max(1, Math.round(200 * Math.exp(0.6 * z()))));
    const next = bimodal(200, 13);
    // One onset over the first 900 drifted values (no flapping)…
    expect(alarms(d, 900, next, 600)).toBe(1);
    // …and quiet once the reference has learned the new shape.
    alarms(d, 1200, next, 1500);
    expect(alarms(d, 2000, next, 2700)).toBe(0);
  });

  it('leaves a shift of the whole distribution (answers 5× longer) to the token detector when given maxRatio 3', () => {
    const d = new ShapeShiftDetector({ maxRatio: 3 });
    const z = gaussian(19);
    alarms(d, 600, () => Math.max(1, Math.round(200 * Math.exp(0.6 * z()))));
    expect(alarms(d, 300, () => Math.max(1, Math.round(1000 * Math.exp(0.6 * z()))), 600)).toBe(0);
    expect(d.changing).toBe(true);
  });

  it('forgets the run under way on restart (a token spike explains it)', () => {
    const d = new ShapeShiftDetector();
    const z = gaussian(17);
    alarms(d, 600, () => Math.max(1, Math.round(200 * Math.exp(0.6 * z()))));
    for (let i = 0; i < 30; i++) d.update((600 + i) * 1000, 3000);
    expect(d.changing).toBe(true);
    d.restart();
    expect(d.changing).toBe(false);
    expect(alarms(d, 2000, () => Math.max(1, Math.round(200 * Math.exp(0.6 * z()))), 700)).toBe(0);
  });
});
