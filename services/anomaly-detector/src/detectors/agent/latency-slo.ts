import { objectBytes } from '../stream/detector';
import { round } from '../stream/explain';
import { type SignalDetector, logistic, verdict, verdictBytes } from './signal';

// Method: multi-window, multi-burn-rate SLO alerting (Google SRE Workbook, ch. 5 "Alerting on SLOs", recipe 6): a
// page when the error budget burns ≥ 14.4× over both 1 h and 5 min, or ≥ 6× over both 6 h and 30 min. The windows
// are exponentially weighted counts in data time (time constant = window), so state is a few numbers per agent.

/** A latency objective: `target` of the requests within `seconds` (e.g. 99 % within 10 s). */
export interface LatencyObjective {
  seconds: number;
  /** Share of requests that must be within `seconds`, in (0, 1) (default 0.99). */
  target: number;
}

/** One alerting pair: both windows must burn the budget at least `burnRate` × as fast as the objective allows. */
export interface BurnWindowPair {
  longMs: number;
  shortMs: number;
  burnRate: number;
}

/** The workbook's two paging pairs: 2 % of a 30-day budget in 1 h, 5 % in 6 h. */
export const DEFAULT_BURN_WINDOWS: readonly BurnWindowPair[] = [
  { longMs: 3_600_000, shortMs: 300_000, burnRate: 14.4 },
  { longMs: 21_600_000, shortMs: 1_800_000, burnRate: 6 },
];

/**
 * Latency objectives by pool and by model (a pool's wins over its model's); `fallback` for agents with neither.
 * An agent with no objective at all has no SLO alerting (its own baseline still judges its latency).
 */
export interface LatencySloTable {
  pools: Readonly<Record<string, LatencyObjective>>;
  models: Readonly<Record<string, LatencyObjective>>;
  fallback?: LatencyObjective;
}

/** The objective that applies to an agent of `pool` and `model`, if any. */
export function objectiveFor(table: LatencySloTable, pool: string, model: string): LatencyObjective | undefined {
  return table.pools[pool] ?? table.models[model] ?? table.fallback;
}

export interface LatencySloOptions {
  objective: LatencyObjective;
  /** Alerting pairs (default {@link DEFAULT_BURN_WINDOWS}). */
  windows?: readonly BurnWindowPair[];
  /**
   * Requests over the objective (weighted) a short window must hold before it may alert (default 5): on a quiet
   * agent two slow answers out of three are not a 60× burn.
   */
  minBad?: number;
}

const KEYS = [
  'latency',
  'objectiveSeconds',
  'target',
  'burnRate',
  'burnLong',
  'burnShort',
  'longWindowMinutes',
  'shortWindowMinutes',
  'badShare',
] as const;

/**
 * Latency SLO burn of one agent against its pool's / model's objective. Each request is good (≤ objective) or bad;
 * for every window an exponentially weighted count of both in data time gives the bad share, and burn = bad share /
 * (1 − target). A pair alerts when its long and short windows both burn ≥ its rate: score = logistic of
 * min(burnLong, burnShort) / rate around 1 (0.5 exactly at the rate), the strongest pair wins. An agent whose
 * latency is always 5 s against a 10 s objective burns nothing; against 2 s it burns ≈ 100× and pages, which is
 * why objectives are per pool and per model, not one fleet constant. Evidence: latency (this request),
 * objectiveSeconds, target, burnRate (the alerting pair's), burnLong, burnShort, longWindowMinutes, shortWindowMinutes, badShare (short window). State: 2 numbers per distinct window.
 */
export class LatencySloDetector implements SignalDetector {
  readonly name = 'latency-slo';
  readonly type = 'latency_slo' as const;
  readonly feature = 'response_time_seconds';
  readonly verdict = verdict(KEYS);
  private readonly objective: LatencyObjective;
  private readonly pairs: readonly BurnWindowPair[];
  private readonly minBad: number;
  /** Distinct time constants, and for each pair the index of its long and short one. */
  private readonly taus: Float64Array;
  private readonly longIndex: Int32Array;
  private readonly shortIndex: Int32Array;
  private readonly bad: Float64Array;
  private readonly total: Float64Array;
  private readonly shortestMs: number;
  private first = Number.NaN;
  private last = Number.NaN;

  constructor(options: LatencySloOptions) {
    const { seconds, target } = options.objective;
    if (!(seconds > 0)) throw new RangeError(`objective seconds must be > 0 (got ${seconds})`);
    if (!(target > 0 && target < 1)) throw new RangeError(`objective target must be in (0, 1) (got ${target})`);
    this.objective = { seconds, target };
    this.pairs = options.windows ?? DEFAULT_BURN_WINDOWS;
    if (this.pairs.length === 0) throw new RangeError('windows must hold at least one pair');
    this.minBad = options.minBad ?? 5;
    const taus: number[] = [];
    const indexOf = (ms: number) => {
      if (!(ms > 0)) throw new RangeError(`window must be > 0 ms (got ${ms})`);
      const i = taus.indexOf(ms);
      return i >= 0 ? i : taus.push(ms) - 1;
    };
    this.longIndex = Int32Array.from(this.pairs, (p) => indexOf(p.longMs));
    this.shortIndex = Int32Array.from(this.pairs, (p) => indexOf(p.shortMs));
    this.taus = Float64Array.from(taus);
    this.shortestMs = Math.min(...this.pairs.map((p) => p.shortMs));
    this.bad = new Float64Array(taus.length);
    this.total = new Float64Array(taus.length);
  }

  /** Adds one request's latency at `timestamp` (epoch ms, data time; a slightly earlier one counts at the last). */
  update(timestamp: number, latencySeconds: number) {
    const v = this.verdict;
    if (!(latencySeconds >= 0) || !Number.isFinite(timestamp)) return v;
    if (this.first !== this.first) this.first = this.last = timestamp;
    const t = timestamp > this.last ? timestamp : this.last;
    const dt = t - this.last;
    this.last = t;
    const isBad = latencySeconds > this.objective.seconds ? 1 : 0;
    for (let i = 0; i < this.taus.length; i++) {
      const decay = dt > 0 ? Math.exp(-dt / this.taus[i]!) : 1;
      this.bad[i] = this.bad[i]! * decay + isBad;
      this.total[i] = this.total[i]! * decay + 1;
    }
    const budget = 1 - this.objective.target;
    let best = -1;
    let bestScore = 0;
    let bestRatio = Number.NEGATIVE_INFINITY;
    for (let p = 0; p < this.pairs.length; p++) {
      const l = this.longIndex[p]!;
      const s = this.shortIndex[p]!;
      const ratio =
        Math.min(this.bad[l]! / this.total[l]!, this.bad[s]! / this.total[s]!) / budget / this.pairs[p]!.burnRate;
      // A pair speaks once its short window has seen its own span of data, and holds minBad slow requests.
      const score = t - this.first >= this.pairs[p]!.shortMs && this.bad[s]! >= this.minBad ? logistic(ratio, 1, 6) : 0;
      if (best < 0 || score > bestScore || (score === bestScore && ratio > bestRatio)) {
        best = p;
        bestScore = score;
        bestRatio = ratio;
      }
    }
    const pair = this.pairs[best]!;
    const l = this.longIndex[best]!;
    const s = this.shortIndex[best]!;
    v.ready = t - this.first >= this.shortestMs;
    v.score = v.ready ? bestScore : 0;
    v.evidence.latency = latencySeconds;
    v.evidence.objectiveSeconds = this.objective.seconds;
    v.evidence.target = this.objective.target;
    v.evidence.burnRate = pair.burnRate;
    v.evidence.burnLong = this.bad[l]! / this.total[l]! / budget;
    v.evidence.burnShort = this.bad[s]! / this.total[s]! / budget;
    v.evidence.longWindowMinutes = pair.longMs / 60_000;
    v.evidence.shortWindowMinutes = pair.shortMs / 60_000;
    v.evidence.badShare = this.bad[s]! / this.total[s]!;
    return v;
  }

  describe(): string {
    const e = this.verdict.evidence;
    return (
      `latency SLO (${round(100 * e.target!)} % within ${round(e.objectiveSeconds!)} s) burning its error budget ` +
      `${round(e.burnLong!)}× over ${round(e.longWindowMinutes!)} min and ${round(e.burnShort!)}× over ${round(e.shortWindowMinutes!)} min ` +
      `(alert at ${round(e.burnRate!)}×; ${round(100 * e.badShare!)} % of recent requests over the objective)`
    );
  }

  stateBytes(): number {
    return objectBytes(10) + 5 * 64 + 4 * 8 * this.taus.length + verdictBytes(KEYS.length);
  }
}
