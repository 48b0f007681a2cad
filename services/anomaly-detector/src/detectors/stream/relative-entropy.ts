import { type Detector, type DetectorResult, emptyResult, objectBytes } from './detector';
import { RingBuffer } from '../../math/ring-buffer';
import { SeededRandom } from '../../math/seeded-random';
import { SortedWindow } from '../../math/sorted-window';
import { logRegularizedGammaQ } from '../../math/special-functions';

// Method: windowed relative entropy (Wang, Kutare et al. 2011, "Statistical techniques for online anomaly detection
// in data centers"): the G-statistic 2·n·KL(window ‖ reference) is χ² with B − 1 degrees of freedom under no change.
// Bins are the reference's own quantiles (each value's randomised percentile rank, the probability integral
// transform), so the test has no units, and n is deflated to n·(1 − ρ)/(1 + ρ) for the lag-1 autocorrelation ρ.

export interface RelativeEntropyOptions {
  /** Recent values whose distribution is tested (default 32). */
  window?: number;
  /** Older values they are tested against (default 256); a value joins them once it leaves the window. */
  reference?: number;
  /** Equal-probability bins of the reference (default 8). */
  bins?: number;
  /** −log10 p-value that scores 1 (default 10); the score is −log10(p) / this. */
  fullScoreLog10?: number;
  /** Weight of each sample in the lag-1 autocorrelation estimate (default 0.01). */
  autocorrelationAlpha?: number;
  /** Seed of the tie-breaking draws (default 1): ties are spread uniformly over their rank range. */
  seed?: number;
}

/**
 * Scores how unlike the reference the distribution of the last `window` values is — a change of level, spread or
 * shape that no single value shows (a stuck sensor, a halved amplitude, a burst within the usual range). Each value
 * is placed at its percentile among the reference values (ties drawn uniformly over their range, so a flat or
 * integer series is not a change); under no change the percentiles of the window are uniform over the bins.
 * `deviation` is −log10 of the p-value. State: the reference ({@link SortedWindow}, 16 bytes a value), two rings
 * and the bin counts — ≈ 4.9 KB by default.
 */
export class RelativeEntropyDetector implements Detector {
  readonly name = 'relative-entropy';
  private readonly bins: number;
  private readonly fullScore: number;
  private readonly rhoAlpha: number;
  private readonly reference: SortedWindow;
  private readonly values: RingBuffer;
  private readonly binsOf: RingBuffer;
  private readonly counts: Float64Array;
  private readonly random: SeededRandom;
  private readonly result = emptyResult();
  private prevU = 0.5;
  private cross = 0;
  private power = 1 / 12;

  constructor(options: RelativeEntropyOptions = {}) {
    const window = options.window ?? 32;
    this.bins = options.bins ?? 8;
    this.fullScore = options.fullScoreLog10 ?? 10;
    this.rhoAlpha = options.autocorrelationAlpha ?? 0.01;
    this.reference = new SortedWindow(options.reference ?? 256);
    this.values = new RingBuffer(window);
    this.binsOf = new RingBuffer(window);
    this.counts = new Float64Array(this.bins);
    this.random = new SeededRandom(options.seed ?? 1);
  }

  update(_timestamp: number, value: number): DetectorResult {
    const r = this.result;
    const ref = this.reference;
    const ready = ref.size >= ref.capacity / 2;
    let bin = -1;
    if (ready) {
      const u = this.percentile(value);
      bin = Math.min(this.bins - 1, Math.floor(u * this.bins));
      // Lag-1 autocorrelation of the centred percentiles (variance 1/12 under no change).
      const c = u - 0.5;
      this.cross += (c * (this.prevU - 0.5) - this.cross) * this.rhoAlpha;
      this.power += (c * c - this.power) * this.rhoAlpha;
      this.prevU = u;
    }
    const leftBin = this.binsOf.push(bin);
    if (leftBin === leftBin && leftBin >= 0) this.counts[leftBin]!--;
    if (bin >= 0) this.counts[bin]!++;
    const left = this.values.push(value);
    if (left === left) ref.push(left);

    r.ready = ready && this.values.full && this.binsOf.at(0) >= 0;
    r.score = 0;
    r.deviation = 0;
    r.expected = ref.size ? ref.median() : Number.NaN;
    if (r.ready) {
      const log10p = this.log10PValue();
      r.deviation = -log10p;
      r.score = Math.min(1, -log10p / this.fullScore);
    }
    return r;
  }

  stateBytes(): number {
    return (
      objectBytes(12) +
      this.reference.stateBytes() +
      this.values.stateBytes() +
      this.binsOf.stateBytes() +
      100 +
      8 * this.bins +
      this.random.stateBytes()
    );
  }

  /** The value's percentile among the reference values, ties spread uniformly over their range (randomised PIT). */
  private percentile(value: number): number {
    const ref = this.reference;
    const mid = ref.rank(value); // (below + equal / 2) / n
    const below = Math.min(mid, ref.rank(value - Math.max(Math.abs(value), 1) * 1e-12)); // just below: no ties
    return below + 2 * (mid - below) * this.random.next();
  }

  /** log10 p-value of the window's bins, n deflated for autocorrelation. */
  private log10PValue(): number {
    const rho = Math.min(0.95, Math.max(0, this.cross / Math.max(this.power, 1e-12)));
    return gTestLog10P(this.counts, (1 - rho) / (1 + rho));
  }
}

/**
 * log10 P(χ²_{B−1} ≥ G·deflate), G = 2 Σ O_j ln(O_j / E_j) against equal expected counts E_j = n / B: the G-test
 * (log-likelihood ratio) of bin counts against the uniform distribution. `deflate` ≤ 1 discounts dependent samples.
 */
export function gTestLog10P(counts: ArrayLike<number>, deflate = 1): number {
  const bins = counts.length;
  let n = 0;
  for (let j = 0; j < bins; j++) n += counts[j]!;
  if (bins < 2 || n <= 0) return 0;
  const expected = n / bins;
  let g = 0;
  for (let j = 0; j < bins; j++) {
    const o = counts[j]!;
    if (o > 0) g += o * Math.log(o / expected);
  }
  return logRegularizedGammaQ((bins - 1) / 2, Math.max(0, g * deflate)) / Math.LN10 + 0; // + 0: no −0
}
