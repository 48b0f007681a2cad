import { type Detector, type DetectorResult, TYPED_ARRAY_OVERHEAD_BYTES, emptyResult, objectBytes } from './detector';
import { robustScale } from './robust-zscore';
import { SortedWindow } from '../../math/sorted-window';
import { stateArrays } from '../../engine/state-arrays';

// Method: Bayesian online change-point detection (Adams & MacKay 2007, arXiv:0710.3742).
// Normal-Gamma conjugate model (unknown mean and variance; Student-t predictive), constant hazard, run lengths ≤ R_max.

export interface BocpdOptions {
  /** Expected run length between changes λ (hazard 1/λ; default 250 samples). */
  expectedRunLength?: number;
  /** Run lengths tracked (default 64); the mass of longer runs is kept in the last slot. */
  maxRunLength?: number;
  /** Recent values that set each new run's prior (median, robust spread; default 64). */
  window?: number;
  /** Values needed before scoring (default 24). */
  minSamples?: number;
  /** A change counts once this many samples confirm it (default 3): one spike is not a change. */
  confirm?: number;
  /** Values are winsorized at ±clip robust spreads around the reference median (default 8). */
  clip?: number;
  /** ...and while it is at most this old (default 12). */
  horizon?: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Scores the posterior probability that the stream changed regime a few samples ago: the run-length posterior
 * P(r_t | x_1..t) is updated recursively (growth: P(r−1)·pred·(1−H); change: Σ P·pred·H), and the score is the mass
 * on run lengths in [confirm, horizon]. Each new run starts from an empirical prior (median and robust spread of the
 * recent window, weak on the mean), so the model follows any scale. Inputs are winsorized at ±8 robust spreads
 * around the reference median. State: 5 Float64Arrays of maxRunLength + 1 and one {@link SortedWindow} —
 * ≈ 4.2 KB at the defaults. Cost O(maxRunLength) a sample.
 */
export class BocpdDetector implements Detector {
  readonly name = 'bocpd';
  private readonly logHazard: number;
  private readonly logGrowth: number;
  private readonly rMax: number;
  private readonly minSamples: number;
  private readonly confirm: number;
  private readonly horizon: number;
  private readonly clip: number;
  private readonly reference: SortedWindow;
  private readonly result = emptyResult();
  /** log P(r_t = r | data) for r = 0..n−1. */
  private logR: Float64Array;
  private mu: Float64Array;
  private kappa: Float64Array;
  private alpha: Float64Array;
  private beta: Float64Array;
  private n = 0;

  constructor(options: BocpdOptions = {}) {
    const lambda = options.expectedRunLength ?? 250;
    this.logHazard = Math.log(1 / lambda);
    this.logGrowth = Math.log(1 - 1 / lambda);
    this.rMax = options.maxRunLength ?? 64;
    this.reference = new SortedWindow(options.window ?? 64);
    this.minSamples = Math.min(options.minSamples ?? 24, this.reference.capacity);
    this.confirm = options.confirm ?? 3;
    this.clip = options.clip ?? 8;
    this.horizon = Math.min(options.horizon ?? 12, this.rMax);
    const len = this.rMax + 1;
    this.logR = stateArrays.float64(len);
    this.mu = stateArrays.float64(len);
    this.kappa = stateArrays.float64(len);
    this.alpha = stateArrays.float64(len);
    this.beta = stateArrays.float64(len);
  }

  /** The run-length posterior P(r_t = r) for r = 0..(tracked − 1), a copy. */
  runLengthPosterior(): Float64Array {
    const out = new Float64Array(this.n);
    for (let r = 0; r < this.n; r++) out[r] = Math.exp(this.logR[r]!);
    return out;
  }

  /** The most probable current run length (samples since the last change). */
  mapRunLength(): number {
    let best = 0;
    for (let r = 1; r < this.n; r++) if (this.logR[r]! > this.logR[best]!) best = r;
    return best;
  }

  update(_timestamp: number, value: number): DetectorResult {
    const res = this.result;
    const ref = this.reference;
    if (ref.size < this.minSamples) {
      ref.push(value);
      res.score = 0;
      res.deviation = 0;
      res.expected = ref.median();
      res.ready = false;
      return res;
    }
    const median = ref.median();
    const spread = robustScale(ref);
    const limit = this.clip * spread;
    const x = value > median + limit ? median + limit : value < median - limit ? median - limit : value;
    if (this.n === 0) this.startRun(0, median, spread, 0);

    // Predictive log-likelihood of x under each run, then growth and change masses.
    const n = this.n;
    const { logR, mu, kappa, alpha, beta } = this;
    let changeMax = Number.NEGATIVE_INFINITY;
    const pred = SCRATCH.length >= n ? SCRATCH : (SCRATCH = new Float64Array(n * 2));
    for (let r = 0; r < n; r++) {
      const a = alpha[r]!;
      const k = kappa[r]!;
      const scale2 = (beta[r]! * (k + 1)) / (a * k);
      const nu = 2 * a;
      const d = x - mu[r]!;
      const lp =
        logGammaRatio(a) -
        0.5 * (Math.log(nu * scale2) + LOG_2PI - Math.log(2)) -
        (a + 0.5) * Math.log(1 + (d * d) / (nu * scale2));
      pred[r] = logR[r]! + lp;
      if (pred[r]! > changeMax) changeMax = pred[r]!;
    }
    // log Σ exp(pred + log H)
    let changeSum = 0;
    for (let r = 0; r < n; r++) changeSum += Math.exp(pred[r]! - changeMax);
    const logChange = changeMax + Math.log(changeSum) + this.logHazard;

    // Shift runs up by one (growth), truncating at rMax (the oldest slots merge).
    const newN = Math.min(n + 1, this.rMax + 1);
    for (let r = newN - 1; r >= 1; r--) {
      let lg = pred[r - 1]! + this.logGrowth;
      if (r === this.rMax && n === this.rMax + 1) lg = logAddExp(lg, pred[r]! + this.logGrowth);
      logR[r] = lg;
      // Posterior update of run r − 1 with x becomes run r.
      const k0 = kappa[r - 1]!;
      const m0 = mu[r - 1]!;
      const a0 = alpha[r - 1]!;
      const b0 = beta[r - 1]!;
      const d = x - m0;
      kappa[r] = k0 + 1;
      mu[r] = (k0 * m0 + x) / (k0 + 1);
      alpha[r] = Math.min(a0 + 0.5, MAX_ALPHA);
      beta[r] = b0 + (k0 * d * d) / (2 * (k0 + 1));
    }
    this.n = newN;
    logR[0] = logChange;
    this.startRun(0, median, spread, logChange);

    // Normalize.
    let max = Number.NEGATIVE_INFINITY;
    for (let r = 0; r < newN; r++) if (logR[r]! > max) max = logR[r]!;
    let sum = 0;
    for (let r = 0; r < newN; r++) sum += Math.exp(logR[r]! - max);
    const logZ = max + Math.log(sum);
    let recent = 0;
    for (let r = 0; r < newN; r++) {
      logR[r] = logR[r]! - logZ;
      if (r >= this.confirm && r <= this.horizon) recent += Math.exp(logR[r]!);
    }
    ref.push(value);
    res.score = this.n > this.horizon + 1 ? Math.min(1, Math.max(0, recent)) : 0;
    res.deviation = (value - median) / spread;
    res.expected = median;
    res.ready = this.n > this.horizon + 1;
    return res;
  }

  stateBytes(): number {
    return (
      objectBytes(14) +
      objectBytes(4) +
      this.reference.stateBytes() +
      5 * (TYPED_ARRAY_OVERHEAD_BYTES + 8 * (this.rMax + 1))
    );
  }

  private startRun(r: number, median: number, spread: number, logP: number): void {
    this.logR[r] = logP;
    this.mu[r] = median;
    this.kappa[r] = PRIOR_KAPPA;
    this.alpha[r] = PRIOR_ALPHA;
    this.beta[r] = PRIOR_ALPHA * spread * spread;
    if (this.n === 0) this.n = 1;
  }
}

/** Prior strength on the mean (in pseudo-samples): weak, so a new regime's level is learnt from its own samples. */
const PRIOR_KAPPA = 0.1;
/** Prior shape: the prior variance is the recent robust spread², worth 2·α pseudo-samples. */
const PRIOR_ALPHA = 2;
/** α stops growing here (≈ 2·MAX_ALPHA samples of variance evidence), which keeps the Γ-ratio table small. */
const MAX_ALPHA = PRIOR_ALPHA + 0.5 * 256;

let SCRATCH = new Float64Array(256);

/** log Γ(a + 1/2) − log Γ(a) for a = PRIOR_ALPHA + k/2, from a table. */
function logGammaRatio(a: number): number {
  const k = Math.round((a - PRIOR_ALPHA) * 2);
  return GAMMA_RATIO[k]!;
}

const GAMMA_RATIO = (() => {
  const size = Math.round((MAX_ALPHA - PRIOR_ALPHA) * 2) + 1;
  const table = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    const a = PRIOR_ALPHA + k / 2;
    table[k] = logGamma(a + 0.5) - logGamma(a);
  }
  return table;
})();

/** log Γ(x) for x > 0 (Lanczos, g = 7, n = 9; |error| < 1e-13). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}
