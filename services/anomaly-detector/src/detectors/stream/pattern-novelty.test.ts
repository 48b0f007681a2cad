import { PatternNoveltyDetector } from './pattern-novelty';
import { at, gaussian } from '../../test-support/random';

const scores = (d: PatternNoveltyDetector, values: readonly number[], from = 0) =>
  values.map((x, i) => d.update(at(from + i), x).score);

describe('PatternNoveltyDetector', () => {
  it('flags the first pattern farther from its nearest neighbour than any before (known answer)', () => {
    const d = new PatternNoveltyDetector({ bucket: 1, window: 2, memory: 16, warmup: 0, margin: 0 });
    // 0,1,0,1…: every pattern (0,1) or (1,0) has an exact earlier twin — nearest distances all 0.
    const periodic = Array.from({ length: 20 }, (_, i) => i % 2);
    expect(scores(d, periodic)).toEqual(periodic.map(() => 0));
    // (1,5): nearest earlier patterns (0,1) and (1,0) are both |·|₁ = 5 away, beyond the recent largest (0).
    const spike = d.update(at(20), 5);
    expect(spike.score).toBe(1);
    expect(spike.expected).toBe(0);
    // (5,0) is novel too, but overlaps the flagged pattern: quiet for `window` buckets.
    expect(d.update(at(21), 0).score).toBe(0);
    expect(d.update(at(22), 1).score).toBe(0);
  });

  it('averages `bucket` samples and scores only at bucket ends', () => {
    const d = new PatternNoveltyDetector({ bucket: 2, window: 1, memory: 8, warmup: 0, margin: 0 });
    // buckets 2, 2, 2 (from 1+3, 2+2, 0+4): nearest distances 0, 0 once two earlier buckets exist.
    for (const [i, x] of [1, 3, 2, 2, 0, 4, 2, 2].entries()) expect(d.update(at(i), x).score).toBe(0);
    expect(d.update(at(8), 10).score).toBe(0); // mid-bucket: not scored yet
    const r = d.update(at(9), 10); // bucket mean 10: 8 from every earlier bucket
    expect(r.score).toBe(1);
    expect(r.expected).toBe(0);
  });

  it('finds denser spikes inside the usual range and stays quiet on the regular spike train', () => {
    const noise = gaussian(7);
    const d = new PatternNoveltyDetector();
    const series = Array.from({ length: 6000 }, (_, i) => {
      const dense = i >= 4000 && i < 4200;
      const spike = dense ? i % 12 === 0 : i % 90 === 0 || i % 90 === 7;
      return (spike ? 20 : 0) + 0.3 * noise();
    });
    const s = scores(d, series);
    expect(s.slice(700, 4000).filter((x) => x === 1)).toHaveLength(0);
    const hit = s.findIndex((x, i) => i >= 4000 && x === 1);
    expect(hit).toBeGreaterThanOrEqual(4000);
    expect(hit).toBeLessThan(4100);
  });

  it('is unitless: x and 1000·x + 5 score alike', () => {
    const noise = gaussian(3);
    const xs = Array.from(
      { length: 3000 },
      (_, i) => Math.sin(i / 20) + 0.2 * noise() + (i >= 2500 && i < 2540 ? 1.5 : 0),
    );
    const a = scores(new PatternNoveltyDetector(), xs);
    const b = scores(
      new PatternNoveltyDetector(),
      xs.map((x) => 1000 * x + 5),
    );
    expect(b).toEqual(a);
    expect(a.some((x) => x === 1)).toBe(true);
  });

  it('rarely flags stationary noise (records of the last 1,024 buckets by 10 %)', () => {
    const noise = gaussian(11);
    const d = new PatternNoveltyDetector();
    const flagged = scores(
      d,
      Array.from({ length: 20_000 }, () => noise()),
    ).filter((x) => x === 1).length;
    expect(flagged).toBeLessThanOrEqual(2);
  });

  it('waits for its warm-up, keeps constant state, and rejects an empty bucket or window', () => {
    const d = new PatternNoveltyDetector({ warmup: 100 });
    const bytes = d.stateBytes();
    for (let i = 0; i < 100; i++) expect(d.update(at(i), i % 7 === 0 ? 100 * i : 0).ready).toBe(false);
    expect(d.update(at(100), 0).ready).toBe(true);
    expect(d.stateBytes()).toBe(bytes);
    expect(() => new PatternNoveltyDetector({ bucket: 0 })).toThrow(RangeError);
    expect(() => new PatternNoveltyDetector({ window: 0 })).toThrow(RangeError);
  });
});
