import { nabTimestamp, nabWindows, syntheticCorpus } from './nab-synthetic';

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
      for (const [first] of nabWindows(s.times.length, s.onsets)) expect(first).toBeGreaterThanOrEqual(Math.floor(0.15 * s.times.length));
    }
  });
});
