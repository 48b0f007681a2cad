import { binomialUpperTail } from './binomial';

/** A failure, not a degradation: at least this share of an agent's recent requests failed. */
export const FAILING_RATE = 0.25;
/** A learning gain worth reporting, in quality points (scores run 0–1). */
export const MIN_QUALITY_GAIN = 0.02;

/**
 * Whether an agent is failing now: its errors over the last tick or the last few ticks are too many for the
 * pool's baseline error rate (exact binomial tail, Bonferroni over the two windows and over the `agents` tested)
 * and at least FAILING_RATE of its requests.
 */
export function isFailing(
  recent: { errors: number; requests: number }[],
  baselineRate: number,
  alpha: number,
  agents: number,
): boolean {
  const p0 = Math.min(0.5, Math.max(baselineRate, 1e-3));
  for (const w of recent) {
    if (w.requests === 0 || w.errors / w.requests < FAILING_RATE) continue;
    if (binomialUpperTail(w.errors, w.requests, p0) * recent.length * Math.max(1, agents) < alpha) return true;
  }
  return false;
}

/** Sums of an agent's quality scores (one value per report) over a stretch of ticks. */
export interface QualitySums {
  sum: number;
  squares: number;
  count: number;
}

/**
 * Whether an agent's quality rose: a one-sided two-sample z test of its recent mean against its own earlier mean,
 * with the earlier stretch's per-report variance (Welch-style standard error), against `zCritical`, and at least
 * MIN_QUALITY_GAIN. Returns the gain and z, or undefined when there is too little data.
 */
export function qualityGain(
  reference: QualitySums,
  recent: QualitySums,
  minReference: number,
  minRecent: number,
): { gain: number; z: number } | undefined {
  if (reference.count < minReference || recent.count < minRecent) return undefined;
  const mB = reference.sum / reference.count;
  const mR = recent.sum / recent.count;
  const varB = Math.max(1e-6, (reference.squares - reference.count * mB * mB) / Math.max(1, reference.count - 1));
  const se = Math.sqrt(varB / recent.count + varB / reference.count);
  return { gain: mR - mB, z: (mR - mB) / se };
}
