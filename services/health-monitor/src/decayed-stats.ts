/**
 * Time-decayed means of every agent's health signals, in one growable Float64Array (columnar: 72 bytes an agent,
 * no per-agent objects — measured: a Float64Array per agent costs ~200 bytes with its headers).
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

/**
 * Additive smoothing of the error rate (a Beta(0, 10) prior: ten clean requests): one failure in an agent's first
 * three requests is not a 33 % error rate. It fades as real requests accumulate (16 in 100 reads as 14.5 %).
 */
export const PRIOR_REQUESTS = 10;

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

export interface SignalMeans {
  errorRate: number;
  latencySeconds: number;
  resourcePercent: number;
  quality: number;
}

export class DecayedStatsTable {
  private data = new Float64Array(SLOTS * 1024);
  private size = 0;

  constructor(private readonly tauMs: number) {}

  /** A new row for one agent; rows are never reused. */
  allocate(): number {
    if ((this.size + 1) * SLOTS > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const row = this.size++;
    this.data[row * SLOTS + LAST_TS] = Number.NaN;
    return row;
  }

  /** Decays the row's sums to `timestamp` and adds one report. Reports older than the last one decay into the past. */
  add(row: number, timestamp: number, sample: SignalSample): void {
    const d = this.data;
    const base = row * SLOTS;
    const last = d[base + LAST_TS]!;
    let weight = 1;
    if (Number.isNaN(last) || timestamp >= last) {
      if (!Number.isNaN(last) && timestamp > last) {
        const factor = Math.exp(-(timestamp - last) / this.tauMs);
        for (let i = base + ERRORS; i < base + SLOTS; i++) d[i]! *= factor;
      }
      d[base + LAST_TS] = timestamp;
    } else {
      weight = Math.exp(-(last - timestamp) / this.tauMs); // late report: it counts for less, as it would have by now
    }
    d[base + ERRORS]! += weight * sample.errors;
    d[base + REQUESTS]! += weight * sample.requests;
    if (!Number.isNaN(sample.latencySeconds)) {
      d[base + LATENCY_SUM]! += weight * sample.latencySeconds;
      d[base + LATENCY_N]! += weight;
    }
    if (!Number.isNaN(sample.resourcePercent)) {
      d[base + RESOURCE_SUM]! += weight * sample.resourcePercent;
      d[base + RESOURCE_N]! += weight;
    }
    if (!Number.isNaN(sample.quality)) {
      d[base + QUALITY_SUM]! += weight * sample.quality;
      d[base + QUALITY_N]! += weight;
    }
  }

  /** Current means; NaN for a signal never reported (ratios are unchanged by decay, so no clock is needed). */
  means(row: number): SignalMeans {
    const d = this.data;
    const base = row * SLOTS;
    return {
      errorRate: Math.min(1, d[base + ERRORS]! / (d[base + REQUESTS]! + PRIOR_REQUESTS)),
      latencySeconds: ratio(d[base + LATENCY_SUM]!, d[base + LATENCY_N]!),
      resourcePercent: ratio(d[base + RESOURCE_SUM]!, d[base + RESOURCE_N]!),
      quality: ratio(d[base + QUALITY_SUM]!, d[base + QUALITY_N]!),
    };
  }
}

const ratio = (sum: number, weight: number): number => (weight > 1e-9 ? sum / weight : Number.NaN);
