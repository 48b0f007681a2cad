import { meanPairwiseCorrelation } from './correlation';
import type { SeededRandom } from './random';
import { standardizeInPlace } from './series';

export interface SurrogateTest {
  observed: number;
  /** Mean of the statistic over the surrogates. */
  nullMean: number;
  /** (1 + surrogates ≥ observed) / (1 + surrogates): the chance of a value this high without synchrony. */
  p: number;
}

/**
 * Mean pairwise correlation of the last `window` points of each series, against circularly shifted surrogates:
 * each series is rotated by its own random offset, which keeps its spectrum and autocorrelation but breaks any
 * alignment between series (Theiler et al. 1992; Quian Quiroga et al. 2002).
 */
export function circularShiftTest(
  series: readonly ArrayLike<number>[],
  window: number,
  surrogates: number,
  random: SeededRandom,
): SurrogateTest {
  const observed = meanPairwiseCorrelation(series.map((s) => lastStandardized(s, window, 0)));
  let above = 0;
  let sum = 0;
  for (let k = 0; k < surrogates; k++) {
    const shifted = series.map((s) => lastStandardized(s, window, random.int(s.length)));
    const value = meanPairwiseCorrelation(shifted);
    sum += value;
    if (value >= observed) above++;
  }
  return { observed, nullMean: surrogates > 0 ? sum / surrogates : 0, p: (1 + above) / (1 + surrogates) };
}

/** The last `window` points of `s` rotated by `shift`, standardized (zeros when constant). */
function lastStandardized(s: ArrayLike<number>, window: number, shift: number): Float64Array {
  const n = s.length;
  const w = Math.min(window, n);
  const out = new Float64Array(w);
  for (let i = 0; i < w; i++) out[i] = s[(n - w + i + shift) % n]!;
  if (!standardizeInPlace(out)) out.fill(0);
  return out;
}
