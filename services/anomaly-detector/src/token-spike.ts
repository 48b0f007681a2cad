import { TYPED_ARRAY_OVERHEAD_BYTES, deviationScore, objectBytes } from './detector';
import { round } from './explain';
import { RingBuffer } from './ring-buffer';
import { robustScale } from './robust-zscore';
import { type SignalDetector, logistic, verdict, verdictBytes } from './signal';
import { SortedWindow } from './sorted-window';
import { stateArrays } from './state-arrays';

// Method: robust baseline of log token counts (median and 1.4826·MAD; Hampel 1974): a spike is the median of the
// last few counts at ≥ `ratio` × the baseline median, or one count ≥ `pointZ` robust σ above it in log space.
// Defaults measured on simulated agents (log-σ 0.5–0.65): a median of 5 at 3× fired ≈ 30 times an agent-day on noise
// alone (P(3 of 5 above 3×) ≈ 4·10⁻⁴ a request); a median of 9 at 4× is ≈ 10⁻⁹. A single count must be extreme
// (8 robust σ and 25×): 15× single answers occur on noise (≈ 0.2 an agent-day at 6σ and 8×).

export interface TokenSpikeOptions {
  /** Counts in the baseline window (default 64). */
  baseline?: number;
  /** Counts needed before scoring (default 32). */
  minSamples?: number;
  /** Last counts whose median is compared with the baseline (default 9: one huge request alone is not a sustained spike). */
  recent?: number;
  /** Recent median / baseline median that scores 0.5 (default 4). */
  ratio?: number;
  /** Robust z of log(1 + count) at which a single count scores 0.5 (default 8: ≈ 55× for a log-σ of 0.5)… */
  pointZ?: number;
  /** …and it must also be at least this multiple of the baseline median (default 25). */
  pointRatio?: number;
  /** The baseline stops learning while spiking, for at most this many counts (default 256). */
  maxFreeze?: number;
  /** What is counted, for the sentence (default `tokens`). */
  label?: string;
}

const KEYS = ['value', 'baselineMedian', 'recentMedian', 'ratio', 'z'] as const;

/**
 * Token counts far above the agent's own robust baseline (per direction: build one for input and one for output
 * tokens). Baseline: the last `baseline` counts in log space (log-normal lengths become symmetric), frozen while a
 * spike lasts so it cannot absorb it. Score = max(logistic of log(recent median / baseline median) around log(ratio),
 * the point score of one extreme count). Evidence: value, baselineMedian, recentMedian, ratio (recent / baseline), z.
 * State: one {@link SortedWindow} (1.3 KB at 64) and a ring of `recent` counts.
 */
export class TokenSpikeDetector implements SignalDetector {
  readonly name = 'token-spike';
  readonly type = 'token_spike' as const;
  readonly verdict = verdict(KEYS);
  private readonly window: SortedWindow;
  private readonly recent: RingBuffer;
  private readonly scratch: Float64Array;
  private readonly minSamples: number;
  private readonly ratio: number;
  private readonly logRatio: number;
  private readonly pointZ: number;
  private readonly pointRatio: number;
  private readonly maxFreeze: number;
  readonly feature: string;
  private frozen = 0;

  constructor(options: TokenSpikeOptions = {}) {
    this.window = new SortedWindow(options.baseline ?? 64);
    this.minSamples = Math.min(options.minSamples ?? 32, this.window.capacity);
    this.recent = new RingBuffer(options.recent ?? 9);
    this.scratch = stateArrays.float64(this.recent.capacity);
    this.ratio = options.ratio ?? 4;
    this.logRatio = Math.log(this.ratio);
    this.pointZ = options.pointZ ?? 8;
    this.pointRatio = options.pointRatio ?? 25;
    this.maxFreeze = options.maxFreeze ?? 256;
    this.feature = options.label ?? 'tokens';
  }

  /**
   * Scores one count (a whole number ≥ 0), then learns from it unless it is part of a spike or `learn` is false
   * (the caller knows the agent is anomalous); either freeze lasts at most `maxFreeze` counts.
   */
  update(count: number, learn = true) {
    const v = this.verdict;
    if (!(count >= 0)) return v;
    const w = this.window;
    const log = Math.log1p(count);
    this.recent.push(count);
    if (w.size < this.minSamples) {
      v.ready = false;
      v.score = 0;
      w.push(log);
      return v;
    }
    const med = w.median();
    const base = Math.expm1(med);
    const z = (log - med) / robustScale(w);
    const recentMedian = this.recentMedian();
    const ratio = (recentMedian + 1) / (base + 1);
    const sustained = logistic(Math.log(ratio), this.logRatio, 4);
    const point = z > 0 && (count + 1) / (base + 1) >= this.pointRatio ? deviationScore(z, this.pointZ, 1.5) : 0;
    v.ready = true;
    v.score = Math.max(sustained, point);
    v.evidence.value = count;
    v.evidence.baselineMedian = base;
    v.evidence.recentMedian = recentMedian;
    v.evidence.ratio = ratio;
    v.evidence.z = z;
    const quiet = v.score < 0.5 && learn;
    if (quiet || ++this.frozen > this.maxFreeze) {
      if (quiet) this.frozen = 0;
      w.push(log);
    }
    return v;
  }

  describe(): string {
    const e = this.verdict.evidence;
    return `${this.feature} at ${round(e.recentMedian!)} over the last ${this.recent.size} requests (this one ${round(e.value!)}) against a baseline median of ${round(e.baselineMedian!)}: ${round(e.ratio!)}×`;
  }

  stateBytes(): number {
    return objectBytes(12) + this.window.stateBytes() + this.recent.stateBytes() + TYPED_ARRAY_OVERHEAD_BYTES + this.scratch.byteLength + verdictBytes(KEYS.length);
  }

  private recentMedian(): number {
    const n = this.recent.size;
    const s = this.scratch;
    // Insertion sort of ≤ a handful of values: no allocation on the hot path.
    for (let i = 0; i < n; i++) {
      const x = this.recent.at(i);
      let j = i - 1;
      while (j >= 0 && s[j]! > x) {
        s[j + 1] = s[j]!;
        j--;
      }
      s[j + 1] = x;
    }
    const h = n >> 1;
    return n & 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
  }
}
