import { median, medianAbsoluteDeviation, quantileSorted } from 'simple-statistics';
import { SortedWindow } from './sorted-window';
import { seeded } from '../test-support/random';

describe('SortedWindow', () => {
  it('gives the median and MAD of a known series', () => {
    const w = new SortedWindow(16);
    for (const x of [1, 1, 2, 2, 4, 6, 9]) w.push(x);
    expect(w.median()).toBe(2);
    // |x − 2| = 1 1 0 0 2 4 7 → median 1
    expect(w.mad()).toBe(1);
    expect(w.min()).toBe(1);
    expect(w.max()).toBe(9);
  });

  it('averages the two middle values for an even count, as simple-statistics does', () => {
    const w = new SortedWindow(8);
    for (const x of [10, 2, 8, 4]) w.push(x);
    expect(w.median()).toBe(6);
    expect(w.mad()).toBe(medianAbsoluteDeviation([10, 2, 8, 4]));
  });

  it('matches simple-statistics on random windows while it slides and evicts', () => {
    const random = seeded(7);
    const w = new SortedWindow(33);
    const all: number[] = [];
    for (let i = 0; i < 500; i++) {
      const x = Math.round(random() * 50) / 2; // ties on purpose
      all.push(x);
      w.push(x);
      const held = all.slice(-33);
      expect(w.size).toBe(held.length);
      expect(w.median()).toBeCloseTo(median(held), 12);
      expect(w.mad()).toBeCloseTo(medianAbsoluteDeviation(held), 12);
      const sorted = [...held].sort((a, b) => a - b);
      expect(w.min()).toBe(sorted[0]);
      expect(w.max()).toBe(sorted[sorted.length - 1]);
    }
  });

  it('interpolates quantiles between order statistics (R-7)', () => {
    const w = new SortedWindow(10);
    for (const x of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) w.push(x);
    expect(w.quantile(0.25)).toBeCloseTo(3.25, 12);
    expect(w.quantile(0.75)).toBeCloseTo(7.75, 12);
    expect(w.quantile(0)).toBe(1);
    expect(w.quantile(1)).toBe(10);
    // simple-statistics' quantileSorted uses a different convention: it picks an order statistic.
    expect(quantileSorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5.5);
    expect(w.quantile(0.5)).toBe(5.5);
  });

  it('ranks values by mid-rank and ignores NaN', () => {
    const w = new SortedWindow(4);
    for (const x of [1, 2, 2, 3, Number.NaN]) w.push(x);
    expect(w.size).toBe(4);
    expect(w.rank(2)).toBeCloseTo(0.5, 12);
    expect(w.rank(0)).toBe(0);
    expect(w.rank(5)).toBe(1);
  });

  it('falls back to the mean absolute deviation when most values are equal', () => {
    const w = new SortedWindow(10);
    for (const x of [0, 0, 0, 0, 0, 0, 0, 0, 10, 20]) w.push(x);
    expect(w.mad()).toBe(0);
    expect(w.meanAbsDeviation()).toBe(3);
  });

  it('holds exactly the last `capacity` values, in order, through ties, clears and either stamp width', () => {
    for (const capacity of [1, 7, 256, 300]) {
      const random = seeded(capacity);
      const w = new SortedWindow(capacity);
      let held: number[] = [];
      for (let i = 0; i < 4 * capacity + 50; i++) {
        if (i === 2 * capacity + 3) {
          w.clear();
          held = [];
        }
        const x = Math.round(random() * 20) - 10; // ties and -0 on purpose
        w.push(x);
        held.push(x);
        if (held.length > capacity) held.shift();
      }
      const sorted = [...held].sort((a, b) => a - b);
      expect(w.size).toBe(sorted.length);
      // The held multiset, value by value: how many lie below and at or below each.
      for (const x of new Set(sorted)) {
        expect(w.countBelow(x)).toBe(sorted.filter((y) => y < x).length);
        expect(w.countUpTo(x)).toBe(sorted.filter((y) => y <= x).length);
      }
      expect(w.min()).toBe(sorted[0]);
      expect(w.max()).toBe(sorted[sorted.length - 1]);
      expect(w.mean()).toBeCloseTo(sorted.reduce((a, b) => a + b, 0) / sorted.length, 12);
    }
  });

  it('refuses a capacity that is not a whole number ≥ 1', () => {
    expect(() => new SortedWindow(0)).toThrow(/capacity must be a whole number ≥ 1 \(got 0\)/);
    expect(() => new SortedWindow(2.5)).toThrow(/got 2.5/);
  });

  it('reports constant state bytes: 9 bytes a slot up to 256 slots (a value and its arrival stamp), 10 above', () => {
    const w = new SortedWindow(64);
    const empty = w.stateBytes();
    for (let i = 0; i < 1000; i++) w.push(i);
    expect(w.stateBytes()).toBe(empty);
    expect(new SortedWindow(256).stateBytes() - new SortedWindow(128).stateBytes()).toBe(128 * 9);
    expect(new SortedWindow(512).stateBytes() - new SortedWindow(384).stateBytes()).toBe(128 * 10);
  });
});
