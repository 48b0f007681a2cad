import { gTestLog10P, RelativeEntropyDetector } from './relative-entropy';
import { logRegularizedGammaQ } from '../../math/special-functions';
import { at, gaussian, seeded } from '../../test-support/random';

/** Feeds a series and returns each sample's deviation (−log10 p; 0 while not ready). */
function run(values: readonly number[]): number[] {
  const d = new RelativeEntropyDetector();
  return values.map((v, i) => d.update(at(i), v).deviation);
}

describe('gTestLog10P', () => {
  // Known answers from the closed form Q(n + ½, x) = erfc(√x) + e^−x Σ_{k<n} x^{k+½} / Γ(k + 3/2) (python, math only).
  it('all of 32 counts in one of 8 bins: G = 64 ln 8, p = 10^−24.846', () => {
    expect(gTestLog10P([32, 0, 0, 0, 0, 0, 0, 0])).toBeCloseTo(-24.846339586100424, 6);
  });

  it('half the bins empty: G = 64 ln 2, p = 1.8189e-7; equal counts: p = 1; deflation scales G', () => {
    expect(gTestLog10P([8, 8, 8, 8, 0, 0, 0, 0])).toBeCloseTo(-6.740185248162109, 6);
    expect(gTestLog10P([4, 4, 4, 4, 4, 4, 4, 4])).toBe(0);
    expect(gTestLog10P([8, 8, 8, 8, 0, 0, 0, 0], 0.5)).toBeCloseTo(
      logRegularizedGammaQ(3.5, (32 * Math.LN2) / 2) / Math.LN10,
      12,
    );
    expect(gTestLog10P([])).toBe(0);
  });
});

describe('RelativeEntropyDetector', () => {
  it('stays quiet on independent noise, on integer counts full of ties and on a flat line', () => {
    const noise = gaussian(3);
    const u = seeded(4);
    expect(Math.max(...run(Array.from({ length: 4000 }, () => 100 + 5 * noise())))).toBeLessThan(5);
    expect(Math.max(...run(Array.from({ length: 4000 }, () => (u() < 0.2 ? 1 : 0))))).toBeLessThan(5);
    expect(Math.max(...run(Array.from({ length: 1000 }, () => 7)))).toBeLessThan(5);
  });

  it('flags a stuck sensor inside the usual range within one window, which no single value shows', () => {
    const noise = gaussian(5);
    const values = Array.from({ length: 800 }, (_, i) => (i >= 600 && i < 700 ? 100.5 : 100 + 5 * noise()));
    const dev = run(values);
    expect(Math.max(...dev.slice(0, 600))).toBeLessThan(5);
    const first = dev.findIndex((d, i) => i >= 600 && d >= 10);
    expect(first).toBeGreaterThan(600);
    expect(first).toBeLessThanOrEqual(632);
  });

  it('flags a spread cut tenfold, and has no units: x and 1000·x + 5 score the same', () => {
    const noise = gaussian(6);
    const values = Array.from({ length: 900 }, (_, i) => 50 + (i >= 600 ? 0.1 : 1) * noise());
    const dev = run(values);
    expect(Math.max(...dev.slice(600, 700))).toBeGreaterThan(10);
    const scaled = run(values.map((v) => 1000 * v + 5));
    expect(scaled.map((d) => d.toFixed(6))).toEqual(dev.map((d) => d.toFixed(6)));
  });

  it('is not ready before half its reference and a full window; reports bounded state', () => {
    const d = new RelativeEntropyDetector({ window: 8, reference: 32 });
    const ready = Array.from({ length: 40 }, (_, i) => d.update(at(i), i % 5).ready);
    expect(ready.indexOf(true)).toBe(8 + 16 + 8 - 1);
    expect(d.stateBytes()).toBeGreaterThan(0);
  });
});
