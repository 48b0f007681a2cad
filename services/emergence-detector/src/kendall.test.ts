import { kendallTau } from './kendall';

describe('kendallTau', () => {
  it('is 1 for a rising series and −1 for a falling one', () => {
    expect(kendallTau([1, 2, 3, 5, 8, 13])).toBe(1);
    expect(kendallTau([9, 7, 4, 2, 1])).toBe(-1);
  });

  it('matches a hand count: [1, 3, 2, 4] has 5 concordant and 1 discordant pairs', () => {
    expect(kendallTau([1, 3, 2, 4])).toBeCloseTo(4 / 6, 12);
  });

  it('is 0 for a constant series and for fewer than two points', () => {
    expect(kendallTau([2, 2, 2])).toBe(0);
    expect(kendallTau([5])).toBe(0);
  });
});
