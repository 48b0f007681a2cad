/**
 * Periodicity of a standardized series on a grid of frequencies (cycles per series length): the normalized
 * periodogram P(f) = (2/T²)·|Σ_t z_t e^{−2πi f t / T}|², the share of the variance a sinusoid at f explains
 * (Schuster 1898). For white noise P(f)·T/2 ~ Exp(1), so the largest of F independent ordinates exceeds x with
 * probability ≈ F·exp(−xT/2) (Fisher's g test, 1929, in its large-T form).
 */
export class PeriodogramGrid {
  readonly frequencies: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  /** Frequencies from `minCycles` to `maxCycles` in steps of `step` cycles per window of `length` points. */
  constructor(
    readonly length: number,
    minCycles: number,
    maxCycles: number,
    step = 0.5,
  ) {
    const count = Math.max(0, Math.floor((maxCycles - minCycles) / step) + 1);
    this.frequencies = new Float64Array(count);
    for (let k = 0; k < count; k++) this.frequencies[k] = minCycles + k * step;
    // Tables of cos/sin per (frequency, t): the hot loop does multiply-adds only.
    this.cos = new Float64Array(count * length);
    this.sin = new Float64Array(count * length);
    for (let k = 0; k < count; k++) {
      const w = (2 * Math.PI * this.frequencies[k]!) / length;
      for (let t = 0; t < length; t++) {
        this.cos[k * length + t] = Math.cos(w * t);
        this.sin[k * length + t] = Math.sin(w * t);
      }
    }
  }

  /** The frequency index with the largest P(f) and that P, for a standardized series of `length` points. */
  dominant(z: ArrayLike<number>): { index: number; power: number } {
    const T = this.length;
    let best = -1;
    let bestPower = 0;
    for (let k = 0; k < this.frequencies.length; k++) {
      let re = 0;
      let im = 0;
      const base = k * T;
      for (let t = 0; t < T; t++) {
        const v = z[t]!;
        re += v * this.cos[base + t]!;
        im -= v * this.sin[base + t]!;
      }
      const power = (2 * (re * re + im * im)) / (T * T);
      if (power > bestPower) {
        bestPower = power;
        best = k;
      }
    }
    return { index: best, power: bestPower };
  }

  /** Independent Fourier frequencies the grid spans (it is oversampled): the F of the max-ordinate test. */
  independentFrequencies(): number {
    const n = this.frequencies.length;
    if (n < 2) return n;
    return Math.max(1, Math.round(this.frequencies[n - 1]! - this.frequencies[0]! + 1));
  }
}

/**
 * The P(f) a white-noise series of `length` points exceeds at `frequencies` independent frequencies in about
 * `expectedFalse` of `series` series: F·N·exp(−xT/2) = expectedFalse.
 */
export function periodicityThreshold(length: number, frequencies: number, series: number, expectedFalse: number): number {
  return Math.min(1, (2 / length) * Math.log(Math.max(1, (frequencies * Math.max(1, series)) / expectedFalse)));
}

/**
 * Phase (and amplitude in units of the series' scale) of the sinusoid at `cycles` per `period` points over the
 * last `window` points of `z` (complex demodulation): θ = arg Σ z_t e^{−iωt}, t the index in the full series.
 */
export function demodulate(z: ArrayLike<number>, cycles: number, period: number, window: number): { phase: number; amplitude: number } {
  const n = z.length;
  const w = (2 * Math.PI * cycles) / period;
  let re = 0;
  let im = 0;
  const from = Math.max(0, n - window);
  for (let t = from; t < n; t++) {
    re += z[t]! * Math.cos(w * t);
    im -= z[t]! * Math.sin(w * t);
  }
  const count = n - from;
  return { phase: Math.atan2(im, re), amplitude: count > 0 ? (2 * Math.hypot(re, im)) / count : 0 };
}
