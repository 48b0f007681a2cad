import { objectBytes } from './detector';

// Method: online quantile tracking by stochastic approximation (Robbins & Monro 1951; Tierney 1983).
// The threshold moves up by η·(1 − ρ) after a score above it and down by η·ρ otherwise: it settles where P(score > t) = ρ.

export interface AdaptiveThresholdOptions {
  /** Target share of samples above the threshold (the false-alarm rate to aim for; default 0.002). */
  targetRate?: number;
  /** The threshold never goes below this (default 0.5: NuPIC's "red" likelihood, 1 − 1e-5). */
  floor?: number;
  /** ...nor above this (default 0.98): confirmed anomalies (range breaks, level shifts) always alert. */
  ceiling?: number;
  /** Step size η (default 0.05). */
  step?: number;
}

/**
 * A per-stream alert threshold on the ensemble score that adapts toward a target false-alarm rate: a stream whose
 * scores are often high (noisy, bursty) raises its own bar, a quiet one keeps the floor. State: two numbers.
 */
export class AdaptiveThreshold {
  private readonly rate: number;
  private readonly floor: number;
  private readonly ceiling: number;
  private readonly step: number;
  private t: number;

  constructor(options: AdaptiveThresholdOptions = {}) {
    this.rate = options.targetRate ?? 0.002;
    this.floor = options.floor ?? 0.5;
    this.ceiling = options.ceiling ?? 0.98;
    this.step = options.step ?? 0.05;
    this.t = this.floor;
  }

  /** The current threshold in [floor, ceiling]. */
  get value(): number {
    return this.t;
  }

  /** Compares `score` with the threshold (before adapting), then adapts; returns true when score ≥ threshold. */
  update(score: number): boolean {
    const above = score >= this.t;
    this.t += above ? this.step * (1 - this.rate) : -this.step * this.rate;
    if (this.t < this.floor) this.t = this.floor;
    else if (this.t > this.ceiling) this.t = this.ceiling;
    return above;
  }

  stateBytes(): number {
    return objectBytes(6);
  }
}
