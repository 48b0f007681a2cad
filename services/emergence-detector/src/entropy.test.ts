import { divisionOfLabour } from './division-of-labour';
import { shannonEntropy } from './entropy';

describe('shannonEntropy', () => {
  it('is log k for a uniform distribution over k states and 0 for one state', () => {
    expect(shannonEntropy([5, 5, 5, 5])).toBeCloseTo(Math.log(4), 12);
    expect(shannonEntropy([7])).toBe(0);
    expect(shannonEntropy([])).toBe(0);
  });
});

describe('divisionOfLabour', () => {
  it('is 1 when each individual does one task only, 0 when all do the same mix', () => {
    const specialised = new Map([
      ['a', new Map([['x', 10]])],
      ['b', new Map([['y', 10]])],
    ]);
    const generalist = new Map([
      [
        'a',
        new Map([
          ['x', 5],
          ['y', 5],
        ]),
      ],
      [
        'b',
        new Map([
          ['x', 5],
          ['y', 5],
        ]),
      ],
    ]);
    expect(divisionOfLabour(specialised)).toBeCloseTo(1, 12);
    expect(divisionOfLabour(generalist)).toBeCloseTo(0, 12);
  });
});
