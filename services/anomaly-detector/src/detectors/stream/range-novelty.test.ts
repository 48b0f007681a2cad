import { RangeNoveltyDetector } from './range-novelty';
import { at } from '../../test-support/random';

describe('RangeNoveltyDetector', () => {
  it('scores 1 only beyond the historical range plus the tolerance', () => {
    const d = new RangeNoveltyDetector({ tolerance: 0.05, minSamples: 3 });
    for (const [i, x] of [10, 20, 15, 12].entries()) d.update(at(i), x); // range 10..20, margin 0.5
    expect(d.update(at(4), 20.4).score).toBe(0);
    const high = d.update(at(5), 21);
    expect(high.score).toBe(1);
    expect(high.deviation).toBeCloseTo((21 - 20.4) / (20.4 - 10), 12); // beyond the max, in ranges
    expect(d.update(at(6), 9.4).score).toBe(1);
    expect(d.range()).toEqual({ min: 9.4, max: 21 });
  });

  it('waits for minSamples and for a non-zero range', () => {
    const d = new RangeNoveltyDetector({ minSamples: 2 });
    expect(d.update(at(0), 5).ready).toBe(false);
    expect(d.update(at(1), 5).ready).toBe(false);
    expect(d.update(at(2), 5).ready).toBe(false); // flat: no range yet
    expect(d.update(at(3), 6).ready).toBe(false);
    expect(d.update(at(4), 100).score).toBe(1);
  });
});
