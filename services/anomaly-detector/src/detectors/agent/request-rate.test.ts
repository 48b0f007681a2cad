import { RequestRateDetector } from './request-rate';
import { seeded } from '../../test-support/random';

/** Poisson arrivals at `rate` a second over [from, to) ms, fed one request at a time. */
function feed(
  d: RequestRateDetector,
  random: () => number,
  rate: number,
  from: number,
  to: number,
  onScore?: (t: number, s: number) => void,
): void {
  let t = from;
  for (;;) {
    t += (-Math.log(1 - random()) / rate) * 1000;
    if (t >= to) return;
    const s = d.update(t, 1).score;
    onScore?.(t, s);
  }
}

describe('RequestRateDetector', () => {
  it('stays quiet at a steady rate and flags an 8× flood once it has lasted the hold (2 min), within a minute more', () => {
    const random = seeded(3);
    const d = new RequestRateDetector();
    let alarms = 0;
    feed(d, random, 1, 0, 4 * 3_600_000, (_t, s) => (s >= 0.5 ? alarms++ : 0));
    expect(alarms).toBe(0);
    expect(d.verdict.evidence.baselineRate).toBeGreaterThan(0.9);
    expect(d.verdict.evidence.baselineRate).toBeLessThan(1.1);
    let first = -1;
    const start = 4 * 3_600_000;
    feed(d, random, 8, start, start + 240_000, (t, s) => {
      if (s >= 0.5 && first < 0) first = t - start;
    });
    expect(first).toBeGreaterThan(120_000);
    expect(first).toBeLessThan(180_000);
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

  it('keeps its baseline through an unrelated anomaly: a steady agent raises nothing after it, a 5× flood is still found', () => {
    // The known answer of issue 18: a steady Poisson agent (0.25 requests/s) held out of learning by an unrelated
    // anomaly from its 10th to its 40th minute. Its baseline count was frozen while the warm-up correction kept
    // growing, so the estimate sank to a fraction of the true rate and ordinary traffic read as a 7.7× surge.
    const random = seeded(11);
    const d = new RequestRateDetector();
    const rate = 0.25;
    let alarms = 0;
    let maxMultiple = 0;
    const count = (_t: number, s: number) => {
      if (s >= 0.5) alarms++;
      if (d.verdict.ready) maxMultiple = Math.max(maxMultiple, d.verdict.evidence.multiple!);
    };
    feed(d, random, rate, 0, 600_000, count);
    let t = 600_000;
    // The unrelated anomaly: the caller says "do not learn" for 30 minutes.
    while (t < 2_400_000) {
      t += (-Math.log(1 - random()) / rate) * 1000;
      count(t, d.update(t, 1, false).score);
    }
    feed(d, random, rate, t, 3 * 3_600_000, count);
    expect(alarms).toBe(0);
    expect(maxMultiple).toBeLessThan(3);
    expect(d.verdict.evidence.baselineRate).toBeGreaterThan(0.8 * rate);
    expect(d.verdict.evidence.baselineRate).toBeLessThan(1.25 * rate);
    let first = -1;
    const start = 3 * 3_600_000;
    feed(d, random, 5 * rate, start, start + 300_000, (time, s) => {
      if (s >= 0.5 && first < 0) first = time - start;
    });
    expect(first).toBeGreaterThan(120_000);
    expect(first).toBeLessThanOrEqual(180_000);
  });

  it('lets a 90-second burst of 6× pass (shorter than the hold) and still flags the same burst lasting 5 minutes', () => {
    const random = seeded(5);
    const d = new RequestRateDetector();
    let alarms = 0;
    const count = (_t: number, s: number) => (s >= 0.5 ? alarms++ : 0);
    feed(d, random, 0.5, 0, 3_600_000, count);
    feed(d, random, 3, 3_600_000, 3_690_000, count);
    feed(d, random, 0.5, 3_690_000, 2 * 3_600_000, count);
    expect(alarms).toBe(0);
    feed(d, random, 3, 2 * 3_600_000, 2 * 3_600_000 + 300_000, count);
    expect(alarms).toBeGreaterThan(0);
  });

  it('follows a slow agent through its morning ramp (0.005 → 0.04 requests/s over 3 h) without a surge', () => {
    // The known answer of fleetgen's slow pools: at 0.005 requests/s one request in the last minute is already 3× the
    // rate, and a baseline held on the multiple alone froze through the ramp until ordinary traffic read as 10–25×.
    const random = seeded(6);
    const d = new RequestRateDetector();
    let alarms = 0;
    for (let m = 0; m < 6 * 60; m++) {
      const rate = 0.005 + 0.035 * Math.min(1, Math.max(0, (m - 60) / 180));
      feed(d, random, rate, m * 60_000, (m + 1) * 60_000, (_t, s) => (s >= 0.5 ? alarms++ : 0));
    }
    expect(alarms).toBe(0);
    expect(d.verdict.evidence.baselineRate).toBeGreaterThan(0.03);
  });

  it('waits for its warm-up', () => {
    const d = new RequestRateDetector({ warmupMs: 60_000 });
    expect(d.update(0, 1).ready).toBe(false);
    expect(d.update(59_000, 1).ready).toBe(false);
    expect(d.update(61_000, 1).ready).toBe(true);
  });
});
