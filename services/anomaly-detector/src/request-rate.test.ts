import { RequestRateDetector } from './request-rate';
import { seeded } from './test-support/random';

/** Poisson arrivals at `rate` a second over [from, to) ms, fed one request at a time. */
function feed(d: RequestRateDetector, random: () => number, rate: number, from: number, to: number, onScore?: (t: number, s: number) => void): void {
  let t = from;
  for (;;) {
    t += (-Math.log(1 - random()) / rate) * 1000;
    if (t >= to) return;
    const s = d.update(t, 1).score;
    onScore?.(t, s);
  }
}

describe('RequestRateDetector', () => {
  it('stays quiet at a steady rate and flags an 8× flood within a minute', () => {
    const random = seeded(3);
    const d = new RequestRateDetector();
    let alarms = 0;
    feed(d, random, 1, 0, 4 * 3_600_000, (_t, s) => (s >= 0.5 ? alarms++ : 0));
    expect(alarms).toBe(0);
    expect(d.verdict.evidence.baselineRate).toBeGreaterThan(0.9);
    expect(d.verdict.evidence.baselineRate).toBeLessThan(1.1);
    let first = -1;
    const start = 4 * 3_600_000;
    feed(d, random, 8, start, start + 120_000, (t, s) => {
      if (s >= 0.5 && first < 0) first = t - start;
    });
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(60_000);
    expect(d.verdict.evidence.multiple).toBeGreaterThan(4);
    expect(d.describe()).toMatch(/requests\/s against a baseline of/);
  });

  it('tolerates a diurnal swing of ±60 %', () => {
    const random = seeded(4);
    const d = new RequestRateDetector();
    let alarms = 0;
    for (let h = 0; h < 48; h++) {
      const rate = 1 + 0.6 * Math.cos((2 * Math.PI * (h - 14)) / 24);
      feed(d, random, rate, h * 3_600_000, (h + 1) * 3_600_000, (_t, s) => (s >= 0.5 ? alarms++ : 0));
    }
    expect(alarms).toBe(0);
  });

  it('waits for its warm-up', () => {
    const d = new RequestRateDetector({ warmupMs: 60_000 });
    expect(d.update(0, 1).ready).toBe(false);
    expect(d.update(59_000, 1).ready).toBe(false);
    expect(d.update(61_000, 1).ready).toBe(true);
  });
});
