import { erfc } from '@swarmscope/core/erfc';
import { objectBytes } from './detector';
import { RingBuffer } from '../../math/ring-buffer';

// Method: anomaly likelihood (Ahmad, Lavin, Purdy & Agha 2017, Neurocomputing 262, §3.3; NuPIC's anomaly_likelihood).
// The tail probability of the short-term mean raw score under a normal fit to its history.

export interface AnomalyLikelihoodOptions {
  /** Raw scores ignored at the start while the detectors themselves learn (default 288). */
  learningPeriod?: number;
  /** Raw scores used to fit the distribution before any likelihood is reported (default 100). */
  estimationSamples?: number;
  /** Short-term averaging window of raw scores (default 10). */
  averagingWindow?: number;
  /** Effective history of the fit in samples: a running fit up to this many, exponential forgetting after (default 8640). */
  historyWindow?: number;
  /** Likelihood above which a point is "red" (default 0.99999); a red point right after a red one is capped at yellow. */
  redThreshold?: number;
  /** The cap for consecutive red points (default 0.999). */
  yellowThreshold?: number;
  /** Floors of the fitted mean and variance (defaults 0.03 and 0.0003, as in NuPIC): a quiet stream is not hair-trigger. */
  minMean?: number;
  minVariance?: number;
}

/**
 * Turns a stream of raw anomaly scores in [0, 1] into the probability that the recent scores are unusual for THIS
 * stream, so one threshold serves streams whose raw scores sit at very different levels (a noisy stream's detectors
 * fire often; only a change in how often matters). Unlike NuPIC it keeps no score history: the normal fit is a
 * running (Welford) fit that turns into exponential forgetting with the same centre of mass as a `historyWindow`
 * sliding window. State: the averaging ring (8 bytes a slot) and a dozen numbers — ≈ 330 bytes by default.
 */
export class AnomalyLikelihood {
  private readonly learningPeriod: number;
  private readonly estimationSamples: number;
  private readonly forget: number;
  private readonly redTail: number;
  private readonly yellowTail: number;
  private readonly minMean: number;
  private readonly minVariance: number;
  private readonly window: RingBuffer;
  private sum = 0;
  private iteration = 0;
  private fitted = 0;
  private mean = 0;
  private variance = 0;
  private lastTail = 1;
  /** Short-term mean of the raw scores at the last update. */
  average = 0;

  /** The fitted mean of the short-term mean (what is normal for this stream). */
  get typical(): number {
    return this.mean;
  }

  constructor(options: AnomalyLikelihoodOptions = {}) {
    this.learningPeriod = options.learningPeriod ?? 288;
    this.estimationSamples = options.estimationSamples ?? 100;
    this.window = new RingBuffer(options.averagingWindow ?? 10);
    this.forget = 2 / ((options.historyWindow ?? 8640) + 1);
    this.redTail = 1 - (options.redThreshold ?? 0.99999);
    this.yellowTail = 1 - (options.yellowThreshold ?? 0.999);
    this.minMean = options.minMean ?? 0.03;
    this.minVariance = options.minVariance ?? 0.0003;
  }

  /** True once likelihoods are real (before that, update returns 0.5). */
  get ready(): boolean {
    return this.iteration > this.learningPeriod + this.estimationSamples;
  }

  /** Feeds one raw score and returns the likelihood in [0, 1] that the recent raw scores are anomalous. */
  update(rawScore: number): number {
    const evicted = this.window.push(rawScore);
    this.sum += rawScore - (evicted === evicted ? evicted : 0);
    const avg = this.sum / this.window.size;
    this.average = avg;
    this.iteration++;
    let likelihood = 0.5;
    if (this.ready) {
      let tail = tailProbability(
        avg,
        Math.max(this.mean, this.minMean),
        Math.sqrt(Math.max(this.variance, this.minVariance)),
      );
      const raw = tail;
      if (tail <= this.redTail && this.lastTail <= this.redTail) tail = this.yellowTail;
      this.lastTail = raw;
      likelihood = 1 - tail;
    }
    if (this.iteration > this.learningPeriod) this.fit(avg);
    return likelihood;
  }

  stateBytes(): number {
    return objectBytes(16) + this.window.stateBytes();
  }

  private fit(x: number): void {
    this.fitted++;
    const a = Math.max(1 / this.fitted, this.forget);
    const d = x - this.mean;
    this.mean += a * d;
    this.variance = (1 - a) * (this.variance + a * d * d);
  }
}

/**
 * Log-scales a likelihood so the interesting range spreads over [0, 1] (NuPIC's computeLogLikelihood):
 * 0.99999 → 0.5, 0.999 → 0.3, 1 → 1.
 */
export function logLikelihood(likelihood: number): number {
  return Math.log(1.0000000001 - likelihood) / -23.02585084720009;
}

/** Two-sided tail probability of x under N(mean, std²), as NuPIC folds it (a drop in raw scores is also unusual). */
export function tailProbability(x: number, mean: number, std: number): number {
  const z = Math.abs(x - mean) / std;
  return 0.5 * erfc(z / Math.SQRT2);
}
