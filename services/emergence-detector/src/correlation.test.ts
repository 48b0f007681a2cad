import { meanPairwiseCorrelation, PairwiseCorrelationAccumulator } from './correlation';
import { SeededRandom } from './random';
import { standardizeInPlace } from './series';
import { circularShiftTest } from './surrogates';

function standardized(values: number[]): Float64Array {
  const x = Float64Array.from(values);
  standardizeInPlace(x);
  return x;
}

/** Brute force over all pairs, for comparison. */
function bruteForce(series: Float64Array[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < series.length; i++)
    for (let j = i + 1; j < series.length; j++) {
      let c = 0;
      for (let t = 0; t < series[i]!.length; t++) c += series[i]![t]! * series[j]![t]!;
      sum += c / series[i]!.length;
      pairs++;
    }
  return sum / pairs;
}

describe('meanPairwiseCorrelation', () => {
  it('equals the mean over all pairs, computed in O(n·T)', () => {
    const random = new SeededRandom(3);
    const series = Array.from({ length: 12 }, () => standardized(Array.from({ length: 40 }, () => random.next())));
    expect(meanPairwiseCorrelation(series)).toBeCloseTo(bruteForce(series), 12);
    const accumulator = new PairwiseCorrelationAccumulator(40);
    for (const s of series) accumulator.add(s);
    expect(accumulator.mean()).toBeCloseTo(bruteForce(series), 12);
  });

  it('is 1 for identical series and −1 for a series and its mirror', () => {
    const a = standardized([1, 3, 2, 5, 4]);
    expect(meanPairwiseCorrelation([a, a, a])).toBeCloseTo(1, 12);
    expect(meanPairwiseCorrelation([a, a.map((v) => -v)])).toBeCloseTo(-1, 12);
  });
});

describe('circularShiftTest', () => {
  it('finds in-phase sinusoids far above their shifted surrogates, and independent noise not', () => {
    const random = new SeededRandom(9);
    const sine = Array.from({ length: 6 }, (_, k) =>
      Float64Array.from({ length: 60 }, (_, t) => Math.sin((2 * Math.PI * t) / 12) + 0.3 * Math.sin(k + t * t)),
    );
    const inPhase = circularShiftTest(sine, 24, 99, random);
    expect(inPhase.observed).toBeGreaterThan(0.8);
    expect(inPhase.p).toBeLessThanOrEqual(0.02);
    const noise = Array.from({ length: 6 }, () => Float64Array.from({ length: 60 }, () => random.next()));
    expect(circularShiftTest(noise, 24, 99, random).p).toBeGreaterThan(0.05);
  });
});
