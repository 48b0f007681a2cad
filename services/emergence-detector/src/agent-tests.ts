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
