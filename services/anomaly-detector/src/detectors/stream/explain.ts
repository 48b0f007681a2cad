/** One detector's part in a verdict. */
export interface Contributor {
  detector: string;
  score: number;
  deviation: number;
  expected: number;
}

/** One clause, with its numbers, for one contributing detector (`value` is the raw sample value). */
export function describe(c: Contributor, value: number, deseasonalized: boolean): string {
  const v = round(value);
  const dir = c.deviation >= 0 ? 'above' : 'below';
  const cycle = deseasonalized ? ' after removing the daily cycle' : '';
  const exp = deseasonalized ? 'its recent median' : `the recent median ${round(c.expected)}`;
  switch (c.detector) {
    case 'range':
      return `value ${v} is ${c.deviation >= 0 ? 'above the highest' : 'below the lowest'} value this stream has produced (${round(c.expected)}) by ${round(Math.abs(c.deviation) * 100)}% of its range`;
    case 'cusum':
      return `a sustained shift ${dir} ${exp}${cycle} (CUSUM sum ${round(Math.abs(c.deviation))}, ${round(c.score * 100)}% of the alarm level)`;
    case 'robust-zscore':
      return `value ${v} is ${round(Math.abs(c.deviation))} robust σ ${dir} ${exp}${cycle}`;
    case 'iqr-fences':
      return `value ${v} is ${round(Math.abs(c.deviation))} interquartile ranges ${dir} the ${c.deviation >= 0 ? 'upper' : 'lower'} quartile${cycle}`;
    case 'holt-winters':
      return `value ${v} is ${round(Math.abs(c.deviation))}σ ${dir} the ${round(c.expected)} expected at this time of day`;
    case 'likelihood':
      return `the detectors' mean surprise over the last samples is ${round(c.deviation)} against ${round(c.expected)} normally for this stream`;
    case 'bocpd':
      return `the stream changed regime a few samples ago (posterior ${round(c.score)}; value ${v} is ${round(Math.abs(c.deviation))} robust σ ${dir} ${exp}${cycle})`;
    default:
      return `${c.detector} scored ${round(c.score)} (deviation ${round(c.deviation)}, expected ${round(c.expected)})`;
  }
}

/** A number for a sentence: 4 significant digits, no exponent for everyday magnitudes. */
export function round(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e7 || a < 1e-3)) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}
