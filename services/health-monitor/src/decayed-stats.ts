/**
 * Time-decayed means of an agent's health signals, in one Float64Array per agent (compact: 88 bytes of data).
 * Each signal keeps a decayed sum and a decayed weight: mean = Σ v·e^(−Δt/τ) / Σ e^(−Δt/τ)
 * (an exponentially weighted moving average that is correct for irregular arrivals).
 */
const LAST_TS = 0;
const ERRORS = 1;
const REQUESTS = 2;
const LATENCY_SUM = 3;
const LATENCY_N = 4;
const RESOURCE_SUM = 5;
const RESOURCE_N = 6;
const QUALITY_SUM = 7;
const QUALITY_N = 8;
const SLOTS = 9;

export type DecayedStats = Float64Array;

export function createDecayedStats(): DecayedStats {
  const stats = new Float64Array(SLOTS);
  stats[LAST_TS] = Number.NaN;
  return stats;
}

export interface SignalSample {
  requests: number;
  errors: number;
  /** NaN when the report has no latency. */
  latencySeconds: number;
  /** max(cpu_percent, memory_percent), NaN when absent. */
  resourcePercent: number;
  /** Mean of the report's quality scores, NaN when absent. */
  quality: number;
}

/** Decays the sums to `timestamp` and adds one report. Reports older than the last one decay into the past. */
export function addSample(stats: DecayedStats, timestamp: number, sample: SignalSample, tauMs: number): void {
  const last = stats[LAST_TS]!;
  let weight = 1;
  if (Number.isNaN(last) || timestamp >= last) {
    if (!Number.isNaN(last)) decay(stats, Math.exp(-(timestamp - last) / tauMs));
    stats[LAST_TS] = timestamp;
  } else {
    weight = Math.exp(-(last - timestamp) / tauMs); // late report: it counts for less, as it would have by now
  }
  stats[ERRORS]! += weight * sample.errors;
  stats[REQUESTS]! += weight * sample.requests;
  if (!Number.isNaN(sample.latencySeconds)) {
    stats[LATENCY_SUM]! += weight * sample.latencySeconds;
    stats[LATENCY_N]! += weight;
  }
  if (!Number.isNaN(sample.resourcePercent)) {
    stats[RESOURCE_SUM]! += weight * sample.resourcePercent;
    stats[RESOURCE_N]! += weight;
  }
  if (!Number.isNaN(sample.quality)) {
    stats[QUALITY_SUM]! += weight * sample.quality;
    stats[QUALITY_N]! += weight;
  }
}

function decay(stats: DecayedStats, factor: number): void {
  for (let i = ERRORS; i < SLOTS; i++) stats[i]! *= factor;
}

/**
 * Additive smoothing of the error rate (a Beta(0, 10) prior: ten clean requests): one failure in an agent's first
 * three requests is not a 33 % error rate. It fades as real requests accumulate (16 in 100 reads as 14.5 %).
 */
export const PRIOR_REQUESTS = 10;

const ratio = (sum: number, weight: number): number => (weight > 1e-9 ? sum / weight : Number.NaN);

export interface SignalMeans {
  errorRate: number;
  latencySeconds: number;
  resourcePercent: number;
  quality: number;
}

/** Current means; NaN for a signal never reported (ratios are unchanged by decay, so no clock is needed). */
export function means(stats: DecayedStats): SignalMeans {
  const requests = stats[REQUESTS]!;
  return {
    errorRate: Math.min(1, stats[ERRORS]! / (requests + PRIOR_REQUESTS)),
    latencySeconds: ratio(stats[LATENCY_SUM]!, stats[LATENCY_N]!),
    resourcePercent: ratio(stats[RESOURCE_SUM]!, stats[RESOURCE_N]!),
    quality: ratio(stats[QUALITY_SUM]!, stats[QUALITY_N]!),
  };
}
