import { deviationScore, objectBytes } from '../stream/detector';
import { MAD_TO_SIGMA, MEAN_AD_TO_SIGMA, robustScale } from '../stream/robust-zscore';
import { SortedWindow } from '../../math/sorted-window';

// Method: cross-sectional robust z-score (Iglewicz & Hoaglin 1993 modified z, cut-off 3.5) of each agent against its
// cohort's median/MAD for the same metric and window; the cohort's own median is tested against its past medians the
// same way, so a fleet-wide shift shows as one cohort anomaly instead of every agent.

/** One agent's value of one metric in one window. */
export interface PeerObservation {
  agentId: string;
  /** The peer group, e.g. `cohortKeyOf(model, pool)`. */
  cohortKey: string;
  metric: string;
  value: number;
}

/** An agent that stands out from its cohort in a window. */
export interface PeerAnomaly {
  agentId: string;
  cohortKey: string;
  metric: string;
  value: number;
  /** The cohort's median of the metric in this window. */
  median: number;
  /** The robust spread used (1.4826·MAD, or its fallbacks and floors). */
  scale: number;
  /** (value − median) / scale, signed. */
  z: number;
  /** In [0, 1]: 0.5 at |z| = threshold. */
  score: number;
  /** Agents in the cohort this window. */
  cohortSize: number;
}

/** A cohort whose median moved away from its own past medians: a shift of the whole group, reported once. */
export interface CohortShift {
  cohortKey: string;
  metric: string;
  /** The cohort's median this window. */
  median: number;
  /** The median of its past window medians. */
  baseline: number;
  scale: number;
  z: number;
  /** median / baseline (NaN when the baseline is 0). */
  ratio: number;
  score: number;
  /** Agents in the cohort this window, and how many of them lie beyond the baseline on the shift's side. */
  agents: number;
  agentsShifted: number;
}

export interface PeerWindowResult {
  /** The window's start (epoch ms), as given. */
  window: number;
  agents: PeerAnomaly[];
  cohorts: CohortShift[];
}

export interface PeerGroupOptions {
  /** |z| at which an agent (or a cohort) is flagged (default 3.5, Iglewicz & Hoaglin). */
  threshold?: number;
  /** Agents a cohort needs in a window to judge any of them (default 5). */
  minCohort?: number;
  /** The spread is at least this fraction of |median| (default 0.05): a very uniform cohort does not flag 1 % differences. */
  relativeSpread?: number;
  /** Absolute spread floors by metric (default {@link DEFAULT_MIN_SPREAD}); a number applies to every metric. */
  minSpread?: number | Readonly<Record<string, number>>;
  /** Past window medians kept per (cohort, metric) for the cohort test (default 32). */
  history?: number;
  /** Past medians needed before cohorts are tested (default 8). */
  minHistory?: number;
  /** A flagged cohort's medians stay out of its history for at most this many windows; then the history restarts from the new level (default 16). */
  maxFreeze?: number;
  /** (cohort, metric) histories kept at most (default 10,000; the least recently seen is dropped). */
  maxSeries?: number;
}

/** Absolute spread floors for the standard metric names: below these, differences between peers are not news. */
export const DEFAULT_MIN_SPREAD: Readonly<Record<string, number>> = {
  error_rate: 0.02,
  cpu_percent: 2,
  memory_percent: 2,
  accuracy: 0.02,
  coherence: 0.02,
  efficiency: 0.02,
  adaptability: 0.02,
};

/** The peer group of an agent: same model and pool. */
export function cohortKeyOf(model: string, pool: string): string {
  return `${model}/${pool}`;
}

interface Series {
  history: SortedWindow;
  frozen: number;
  lastWindow: number;
}

/**
 * Compares every agent with its cohort, window by window. `evaluate(window, observations)` takes one window's
 * values (any number of cohorts and metrics, one value per agent and metric) and returns the agents that stand out
 * from their cohort's median by ≥ threshold robust σ, and the cohorts whose median left its own history. Agents of a
 * cohort that shifted as a whole are judged against the shifted median, so they are not flagged one by one.
 * Pure: windows come in as data. State: one {@link SortedWindow} of past medians per (cohort, metric) (≈ 0.8 KB at
 * 32 windows), bounded by `maxSeries`.
 */
export class PeerGroupMonitor {
  private readonly threshold: number;
  private readonly minCohort: number;
  private readonly relativeSpread: number;
  private readonly minSpread: number | Readonly<Record<string, number>>;
  private readonly historySize: number;
  private readonly minHistory: number;
  private readonly maxFreeze: number;
  private readonly maxSeries: number;
  private readonly series = new Map<string, Series>();

  constructor(options: PeerGroupOptions = {}) {
    this.threshold = options.threshold ?? 3.5;
    this.minCohort = options.minCohort ?? 5;
    this.relativeSpread = options.relativeSpread ?? 0.05;
    this.minSpread = options.minSpread ?? DEFAULT_MIN_SPREAD;
    this.historySize = options.history ?? 32;
    this.minHistory = Math.min(options.minHistory ?? 8, this.historySize);
    this.maxFreeze = options.maxFreeze ?? 16;
    this.maxSeries = options.maxSeries ?? 10_000;
  }

  /** (cohort, metric) histories held. */
  get size(): number {
    return this.series.size;
  }

  /** Judges one window (`window`: its start, epoch ms; windows in time order). Non-finite values are ignored. */
  evaluate(window: number, observations: readonly PeerObservation[]): PeerWindowResult {
    const groups = groupObservations(observations);
    const agents: PeerAnomaly[] = [];
    const cohorts: CohortShift[] = [];
    for (const [key, group] of groups) {
      const { cohortKey, metric, ids, values } = group;
      if (values.length < this.minCohort) continue;
      const sorted = Float64Array.from(values).sort();
      const median = medianOf(sorted);
      const scale = this.floor(metric, median, spreadOf(sorted, median));
      for (let i = 0; i < values.length; i++) {
        const z = (values[i]! - median) / scale;
        if (Math.abs(z) >= this.threshold) {
          agents.push({
            agentId: ids[i]!,
            cohortKey,
            metric,
            value: values[i]!,
            median,
            scale,
            z,
            score: deviationScore(z, this.threshold, 1.5),
            cohortSize: values.length,
          });
        }
      }
      const shift = this.cohortTest(key, window, cohortKey, metric, median, sorted);
      if (shift) cohorts.push(shift);
    }
    agents.sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
    return { window, agents, cohorts };
  }

  /** Drops the histories of (cohort, metric) pairs not seen since `window`; returns how many. */
  evictIdle(window: number): number {
    let dropped = 0;
    for (const [key, s] of this.series) {
      if (s.lastWindow < window) {
        this.series.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  stateBytes(): number {
    let bytes = objectBytes(12);
    for (const [key, s] of this.series) bytes += 2 * key.length + 64 + objectBytes(3) + s.history.stateBytes();
    return bytes;
  }

  private cohortTest(
    key: string,
    window: number,
    cohortKey: string,
    metric: string,
    median: number,
    sorted: Float64Array,
  ): CohortShift | undefined {
    let s = this.series.get(key);
    if (s)
      this.series.delete(key); // re-insert: Map order is the recency order
    else {
      if (this.series.size >= this.maxSeries) this.series.delete(this.series.keys().next().value as string);
      s = { history: new SortedWindow(this.historySize), frozen: 0, lastWindow: window };
    }
    this.series.set(key, s);
    s.lastWindow = window;
    const h = s.history;
    let shift: CohortShift | undefined;
    if (h.size >= this.minHistory) {
      const baseline = h.median();
      const scale = this.floor(metric, baseline, robustScale(h));
      const z = (median - baseline) / scale;
      if (Math.abs(z) >= this.threshold) {
        let shifted = 0;
        for (let i = 0; i < sorted.length; i++)
          if (z > 0 ? sorted[i]! > baseline + this.threshold * scale : sorted[i]! < baseline - this.threshold * scale)
            shifted++;
        shift = {
          cohortKey,
          metric,
          median,
          baseline,
          scale,
          z,
          ratio: baseline !== 0 ? median / baseline : Number.NaN,
          score: deviationScore(z, this.threshold, 1.5),
          agents: sorted.length,
          agentsShifted: shifted,
        };
      }
    }
    // A shifted median stays out of the history (the baseline must not follow the fault); once the shift has lasted
    // maxFreeze windows it is the new normal: the history restarts from it (and the cohort is tested again after
    // minHistory windows).
    if (!shift) {
      s.frozen = 0;
      h.push(median);
    } else if (++s.frozen >= this.maxFreeze) {
      s.frozen = 0;
      h.clear();
      h.push(median);
    }
    return shift;
  }

  private floor(metric: string, median: number, spread: number): number {
    const absolute = typeof this.minSpread === 'number' ? this.minSpread : (this.minSpread[metric] ?? 0);
    return Math.max(spread, absolute, this.relativeSpread * Math.abs(median), 1e-12);
  }
}

/**
 * The stateless half of {@link PeerGroupMonitor}: the agents that stand out from their cohort in one window.
 */
export function peerOutliers(observations: readonly PeerObservation[], options: PeerGroupOptions = {}): PeerAnomaly[] {
  // A fresh monitor has no cohort history, so it reports agents only.
  return new PeerGroupMonitor({ ...options, history: 1 }).evaluate(0, observations).agents;
}

interface Group {
  cohortKey: string;
  metric: string;
  ids: string[];
  values: number[];
}

function groupObservations(observations: readonly PeerObservation[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const o of observations) {
    if (!Number.isFinite(o.value)) continue;
    const key = `${o.cohortKey}\u0000${o.metric}`;
    let g = groups.get(key);
    if (!g) {
      g = { cohortKey: o.cohortKey, metric: o.metric, ids: [], values: [] };
      groups.set(key, g);
    }
    g.ids.push(o.agentId);
    g.values.push(o.value);
  }
  return groups;
}

function medianOf(sorted: Float64Array): number {
  const n = sorted.length;
  const h = n >> 1;
  return n & 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}

/** 1.4826·MAD, or 1.2533·(mean absolute deviation) when more than half the values are equal (MAD = 0). */
function spreadOf(sorted: Float64Array, median: number): number {
  const dev = Float64Array.from(sorted, (v) => Math.abs(v - median)).sort();
  const mad = medianOf(dev) * MAD_TO_SIGMA;
  if (mad > 0) return mad;
  let sum = 0;
  for (let i = 0; i < dev.length; i++) sum += dev[i]!;
  return (sum / dev.length) * MEAN_AD_TO_SIGMA;
}
