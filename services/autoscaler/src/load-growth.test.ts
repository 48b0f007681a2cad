import { burstScale, LoadGrowth } from './load-growth';

describe('LoadGrowth', () => {
  it('learns the share of lead times in which load rose past a ratio of its level', () => {
    const growth = new LoadGrowth(1000, () => 0, 0);
    // Level 100 throughout; every 10th tick a burst to 200. Lead time = 2 ticks: a ratio 2 for the tick two before
    // each burst (1 of every 10).
    for (let i = 0; i < 400; i++) growth.observe(i * 15_000, i % 10 === 9 ? 200 : 100, 100, 30_000);
    expect(growth.exceedance(1.5)).toBeCloseTo(0.1, 2);
    expect(growth.exceedance(2)).toBe(0);
    expect(growth.exceedance(0.5)).toBe(1);
    // Its tail steps at one ratio, 2 (every burst the same size).
    expect(growth.stepsAbove(1, 10)).toEqual([2]);
    expect(growth.stepsAbove(2, 10)).toEqual([]);
    expect(growth.stepsAbove(0, 1)).toEqual([1]);
  });

  it('starts from its prior, which history outweighs, and forgets beyond its window', () => {
    const growth = new LoadGrowth(20, (r) => (r < 2 ? 0.5 : 0), 20);
    expect(growth.exceedance(1.5)).toBe(0.5);
    growth.observe(0, 100, 100, 15_000);
    for (let i = 1; i < 30; i++) growth.observe(i * 15_000, 300, 100, 15_000);
    // 20 ratios of 3 (the window) and 20 pseudo-counts of which none is above 2.
    expect(growth.exceedance(2)).toBe(0.5);
    for (let i = 30; i < 60; i++) growth.observe(i * 15_000, 100, 100, 15_000);
    expect(growth.ratios).toBe(20);
    // 20 ratios of 1 (none above 1.5) and the prior's 10 of 20.
    expect(growth.exceedance(1.5)).toBe(0.25);
  });

  it('counts a rise in units of the scale given (the level, capped at the typical load)', () => {
    expect(burstScale(1000, 100)).toBe(100);
    expect(burstScale(50, 100)).toBe(50);
    const growth = new LoadGrowth(1000, () => 0, 0);
    // Level 1000 on a pool whose typical load is 100: a rise to 1100 one lead time later is one typical load added,
    // ratio 2 (relative to the level it would read 1.1).
    for (let i = 0; i < 10; i++) growth.observe(i * 15_000, 1100, 1000, 15_000, 100);
    expect(growth.ratios).toBe(9);
    expect(growth.exceedance(1.9)).toBe(1);
    expect(growth.exceedance(2)).toBe(0);
  });
});
