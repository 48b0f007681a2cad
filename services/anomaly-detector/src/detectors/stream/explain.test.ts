import { describe as clause, round } from './explain';

describe('explanations', () => {
  it('says what each detector found, with its numbers', () => {
    expect(clause({ detector: 'range', score: 1, deviation: 0.25, expected: 80 }, 105, false)).toBe(
      'value 105 is above the highest value this stream has produced (80) by 25% of its range',
    );
    expect(clause({ detector: 'cusum', score: 0.99, deviation: -10.2, expected: 41.25 }, 30, false)).toBe(
      'a sustained shift below the recent median 41.25 (CUSUM sum 10.2, 99% of the alarm level)',
    );
    expect(clause({ detector: 'robust-zscore', score: 1, deviation: 12.34, expected: 5 }, 17, true)).toBe(
      'value 17 is 12.34 robust σ above its recent median after removing the daily cycle',
    );
    expect(clause({ detector: 'holt-winters', score: 1, deviation: -8.1, expected: 80.5 }, 12, true)).toBe(
      'value 12 is 8.1σ below the 80.5 expected at this time of day',
    );
    expect(clause({ detector: 'peer-group', score: 0.7, deviation: 3, expected: 1 }, 4, false)).toBe(
      'peer-group scored 0.7 (deviation 3, expected 1)',
    );
  });

  it('rounds to 4 significant digits, with exponents only for extreme magnitudes', () => {
    expect([
      round(0.123456),
      round(1234.5678),
      round(12_345_678),
      round(0.0000123),
      round(0),
      round(Number.NaN),
    ]).toEqual(['0.1235', '1235', '1.23e+7', '1.23e-5', '0', 'NaN']);
  });
});
