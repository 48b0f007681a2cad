import { MemoryLeakDetector } from './memory-leak';
import { noisyAgent, noisyMemory } from '../../test-support/noisy-fleet';
import { seeded } from '../../test-support/random';

const T0 = Date.UTC(2026, 0, 5);

/** A sawtooth over `level(t)`: climbs `amplitude` × the level over `periodMs`, then collects; ±1 % noise. */
function sawtooth(level: (t: number) => number, periodMs: number, amplitude: number, seed: number) {
  const u = seeded(seed);
  return (t: number) => level(t) * (1 + (amplitude * (t % periodMs)) / periodMs) * (1 + 0.01 * (u() - 0.5));
}

/** Feeds one reading every 5 s over [from, to) ms; returns the first time the score reached 0.5 (or −1). */
function feed(d: MemoryLeakDetector, memory: (t: number) => number, from: number, to: number): number {
  let first = -1;
  for (let t = from; t < to; t += 5000) if (d.update(T0 + t, memory(t)).score >= 0.5 && first < 0) first = t;
  return first;
}

describe('MemoryLeakDetector', () => {
  it('stays quiet on a GC sawtooth and on ordinary drift of +19 % over 40 minutes', () => {
    const d = new MemoryLeakDetector();
    const base = 4e8;
    // Two hours flat, then +19 % over 40 minutes, then flat again for three hours: a sawtooth of 30 % all along.
    const level = (t: number) => base * (1 + 0.19 * Math.min(1, Math.max(0, (t - 7_200_000) / 2_400_000)));
    expect(feed(d, sawtooth(level, 180_000, 0.3, 1), 0, 6 * 3_600_000)).toBe(-1);
    // The same with a slow sawtooth (a collection every 7 minutes, longer than the short bucket).
    const e = new MemoryLeakDetector();
    expect(feed(e, sawtooth(level, 420_000, 0.4, 2), 0, 6 * 3_600_000)).toBe(-1);
  });

  it('flags real leaks before +50 %, with the rate in %/h and the time to the limit', () => {
    for (const [perHour, seed] of [
      [3, 3],
      [1, 4],
      [0.3, 5],
      [0.12, 6],
    ] as const) {
      const d = new MemoryLeakDetector();
      const base = 4e8;
      const start = 3 * 3_600_000;
      const level = (t: number) => base * (1 + perHour * Math.max(0, (t - start) / 3_600_000));
      const first = feed(d, sawtooth(level, 120_000, 0.25, seed), 0, start + (0.6 / perHour) * 3_600_000);
      expect(first).toBeGreaterThan(start);
      const growthAtDetection = perHour * ((first - start) / 3_600_000);
      // A leak of 300 %/h on a 2-minute collection cycle: the finest scale that can see through the cycle is the
      // minute, and it needs ≈ 11 minutes (+55 %). Slower leaks are found before +50 %.
      expect(growthAtDetection).toBeLessThan(perHour >= 3 ? 0.6 : 0.5);
      d.update(T0 + first + 1, level(first), 2e9);
      const e = d.verdict.evidence;
      expect(e.ratePercentPerHour).toBeGreaterThan(0.25 * 100 * perHour); // relative to the window’s start; Theil–Sen lags at the onset
      expect(d.describe()).toMatch(/%\/h/);
    }
  });

  it('finds leaks on long collection cycles (8–11 minutes, readings every 15 s) cycle by cycle, before +50 %', () => {
    for (const [perHour, periodMs, seed] of [
      [1, 480_000, 21],
      [1.3, 660_000, 22],
      [2.3, 600_000, 23],
    ] as const) {
      const d = new MemoryLeakDetector();
      const base = 2.5e9;
      const start = 40 * 60_000;
      const level = (t: number) => base * (1 + perHour * Math.max(0, (t - start) / 3_600_000));
      const memory = sawtooth(level, periodMs, 0.25, seed);
      let first = -1;
      for (let t = 0; t < start + 3_600_000 && first < 0; t += 15_000)
        if (d.update(T0 + t, memory(t), 6e9).score >= 0.5) first = t;
      expect(first).toBeGreaterThan(start);
      expect(perHour * ((first - start) / 3_600_000)).toBeLessThan(0.5);
      const e = d.verdict.evidence;
      // The troughs' rate over the run (from its base before the leak): within a factor 2 of the planted rate.
      expect(e.ratePercentPerHour).toBeGreaterThan(50 * perHour);
      expect(e.ratePercentPerHour).toBeLessThan(200 * perHour);
      expect(e.hoursToLimit).toBeGreaterThan(0);
      expect(d.describe()).toMatch(/reaching its limit in/);
    }
  });

  it('stays quiet on long collection cycles with a drift of +20 %/h for three hours, and with cycles of random length', () => {
    const d = new MemoryLeakDetector();
    const drift = (t: number) => 2.5e9 * (1 + 0.2 * Math.max(0, (t - 3_600_000) / 3_600_000));
    let alarms = 0;
    const memory = sawtooth(drift, 600_000, 0.25, 31);
    for (let t = 0; t < 4 * 3_600_000; t += 15_000) if (d.update(T0 + t, memory(t)).score >= 0.5) alarms++;
    expect(alarms).toBe(0);
    // Collections at random times (every 3–12 minutes), the heap climbing 10–30 % between them, over a flat level.
    const e = new MemoryLeakDetector();
    const u = seeded(33);
    let next = 0;
    let from = 0;
    let climb = 0.2;
    for (let t = 0; t < 12 * 3_600_000; t += 15_000) {
      if (t >= next) {
        from = t;
        next = t + 180_000 + 540_000 * u();
        climb = 0.1 + 0.2 * u();
      }
      const value = 1e9 * (1 + (climb * (t - from)) / (next - from)) * (1 + 0.01 * (u() - 0.5));
      if (e.update(T0 + t, value).score >= 0.5) alarms++;
    }
    expect(alarms).toBe(0);
  });

  it('projects the time to a known limit (known answer on a clean line)', () => {
    const d = new MemoryLeakDetector({ bucketsMs: [60_000], minGrowth: 0.1, historyMultiple: 0 });
    // 1e8, growing 1e8 an hour; limit 1e9. After an hour the fitted floor (the envelope of 3 one-minute minima: the
    // reading of ≈ 3 minutes ago) is ≈ 1.95e8, so ≈ (1e9 − 1.95e8) / 1e8 ≈ 8 hours to go at 1e8 an hour; the rate is
    // relative to the window's starting level ≈ 1.63e8 (20 minutes earlier): ≈ 61 %/h.
    for (let t = 0; t <= 3_600_000; t += 5000) d.update(T0 + t, 1e8 + (1e8 * t) / 3_600_000, 1e9);
    const e = d.verdict.evidence;
    expect(d.verdict.score).toBeGreaterThan(0.5);
    expect(e.ratePercentPerHour).toBeGreaterThan(58);
    expect(e.ratePercentPerHour).toBeLessThan(64);
    expect(e.slopePerHour).toBeCloseTo(1e8, -5);
    expect(e.hoursToLimit).toBeGreaterThan(7.5);
    expect(e.hoursToLimit).toBeLessThan(8.5);
    expect(d.describe()).toMatch(/reaching its limit in ≈ 8(\.\d+)? h/);
  });

  it('stays under a quarter of a false alarm per agent-day on the noisy generator’s memory (sawtooth over a wandering level)', () => {
    // 16 agent-days; the target for every detector together is ≤ 1 an agent-day, so memory may use at most a quarter.
    let alarms = 0;
    const agents = 16;
    for (let i = 0; i < agents; i++) {
      const d = new MemoryLeakDetector();
      for (const [t, bytes] of noisyMemory(noisyAgent(i, 17), 86_400_000, 100 + i)) {
        if (d.update(T0 + t, bytes).score >= 0.5) {
          alarms++;
          break;
        }
      }
    }
    expect(alarms).toBeLessThanOrEqual(0.25 * agents);
  });
});
