import { nabTimestamp, nabWindows, syntheticCorpus } from './nab-synthetic';
import { secondSyntheticCorpus } from './nab-synthetic-b';

describe('the generated NAB-style corpus', () => {
  it("windows follow NAB's rule: 10 % of the rows shared among the anomalies, centred on each onset", () => {
    expect(nabWindows(1000, [500])).toEqual([[450, 549]]);
    expect(nabWindows(1000, [300, 700])).toEqual([
      [275, 324],
      [675, 724],
    ]);
    expect(nabWindows(1000, [10])).toEqual([[0, 59]]); // clipped at the first row
    expect(nabWindows(1000, [])).toEqual([]);
  });

  it("writes NAB's timestamps", () => {
    expect(nabTimestamp(Date.UTC(2025, 2, 3, 4, 5, 6, 789))).toBe('2025-03-03 04:05:06');
  });

  it('is deterministic, in time order, with onsets after the probation and distinct second-resolution timestamps', () => {
    const a = syntheticCorpus(1);
    expect(syntheticCorpus(1)).toEqual(a);
    expect(syntheticCorpus(2).map((s) => s.values)).not.toEqual(a.map((s) => s.values));
    expect(a.filter((s) => s.onsets.length === 0).length).toBeGreaterThanOrEqual(3);
    for (const s of a) {
      expect(s.values).toHaveLength(s.times.length);
      expect(s.values.every(Number.isFinite)).toBe(true);
      const stamps = s.times.map(nabTimestamp);
      expect(new Set(stamps).size).toBe(stamps.length);
      expect(s.times.every((t, i) => i === 0 || t > s.times[i - 1]!)).toBe(true);
      for (const [first] of nabWindows(s.times.length, s.onsets))
        expect(first).toBeGreaterThanOrEqual(Math.floor(0.15 * s.times.length));
    }
  });
});

describe('the third corpus (nab-synthetic-b)', () => {
  it('is deterministic, in time order, with every window after the probation and inside the file', () => {
    const a = secondSyntheticCorpus(1);
    expect(secondSyntheticCorpus(1)).toEqual(a);
    expect(secondSyntheticCorpus(2).map((s) => s.onsets)).not.toEqual(a.map((s) => s.onsets));
    expect(new Set(a.map((s) => s.name)).size).toBe(a.length);
    expect(a.filter((s) => s.onsets.length === 0).map((s) => s.name)).toEqual([
      'none_growth',
      'none_ar1',
      'none_wandering_amplitude',
    ]);
    for (const seed of [1, 2, 3, 4]) {
      for (const s of secondSyntheticCorpus(seed)) {
        expect(s.values).toHaveLength(s.times.length);
        expect(s.values.every(Number.isFinite)).toBe(true);
        expect(s.times.every((t, i) => i === 0 || t > s.times[i - 1]!)).toBe(true);
        for (const [first, last] of nabWindows(s.times.length, s.onsets)) {
          expect(first).toBeGreaterThanOrEqual(Math.floor(0.15 * s.times.length));
          expect(last).toBeLessThan(s.times.length);
        }
      }
    }
  });

  it('puts each labelled change where its onset says (known answers for three shapes)', () => {
    const byName = new Map(secondSyntheticCorpus(5).map((s) => [s.name, s]));
    const outage = byName.get('cycle4d_outage')!;
    const o = outage.onsets[0]!;
    expect(outage.values.slice(o, o + 20).every((v) => v === 0)).toBe(true);
    expect(outage.values[o - 1]).not.toBe(0);
    const key = byName.get('sparse_key_held')!;
    expect(key.values.slice(key.onsets[0]!, key.onsets[0]! + 40).every((v) => v === 1)).toBe(true);
    const regimes = byName.get('regimes_new_level')!;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(regimes.values.slice(regimes.onsets[0]!, regimes.onsets[0]! + 80))).toBeGreaterThan(75);
    expect(Math.max(...regimes.values.slice(0, regimes.onsets[0]!))).toBeLessThan(70);
  });
});
