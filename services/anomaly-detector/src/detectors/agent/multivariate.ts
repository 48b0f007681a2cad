import { TYPED_ARRAY_OVERHEAD_BYTES, objectBytes } from '../stream/detector';
import { IsolationForest, type IsolationForestOptions } from './isolation-forest';
import { MAD_TO_SIGMA } from '../stream/robust-zscore';
import { SeededRandom } from '../../math/seeded-random';
import { stateArrays } from '../../engine/state-arrays';

// Method: Isolation Forest (Liu, Ting & Zhou 2008) retrained on a biased reservoir of recent normal vectors
// (Aggarwal 2006, "On biased reservoir sampling in the presence of stream evolution"); features explained by their
// deviation from the reservoir median in robust σ (1.4826·MAD; Hampel 1974) and their share of isolation.

export interface MultivariateOptions extends IsolationForestOptions {
  /** Names of the vector's components, in order (1 to 127). */
  features: readonly string[];
  /** Vectors kept for training (default 256). */
  reservoir?: number;
  /** Probability that a normal vector enters the reservoir (default 0.25): lower spans a longer past. */
  admitProbability?: number;
  /** Vectors needed before the first training (default 64; at most ¾ of the reservoir). */
  minSamples?: number;
  /** Retrain after this many admitted vectors (default 256)… */
  retrainEvery?: number;
  /** …or this much data time since the last training, with something new admitted (default 1 hour). */
  retrainAfterMs?: number;
  /** Isolation score s that maps to 0.5 (default 0.7; an inlier of a dense cluster scores ≈ 0.4–0.55). */
  center?: number;
  /** Slope of the logistic from s to the score (default 40: s = center ± 0.05 → 0.12 / 0.88). */
  slope?: number;
}

/** One verdict of {@link MultivariateDetector}; the object is reused by the next call. */
export interface MultivariateResult {
  /** In [0, 1]: the isolation score through a logistic around `center` (0 before the first training). */
  score: number;
  /** The paper's s(x) (NaN before the first training). */
  isolationScore: number;
  /** True once a forest has been trained. */
  ready: boolean;
}

/** How one feature stands out in a vector. */
export interface FeatureContribution {
  feature: string;
  value: number;
  /** Median of the feature in the training reservoir. */
  median: number;
  /** (value − median) / (1.4826·MAD): signed robust σ from the normal data. */
  robustZ: number;
  /** Share of the isolation this feature bought (see {@link IsolationForest.attribution}), in [0, 1]. */
  share: number;
}

/**
 * A per-agent multivariate detector: scores each feature vector with an Isolation Forest trained on a bounded
 * reservoir of the agent's recent NORMAL vectors (callers say which vectors were normal; a vector this detector
 * scores ≥ 0.5 is never admitted), retrained every `retrainEvery` admitted vectors or `retrainAfterMs` of data time.
 * Deterministic for a seed. Memory (see `stateBytes()`): the reservoir (reservoir × features × 4 bytes: 7 KB for 7
 * features) + 3 numbers a feature, and from the first training the forest (24 KB at the defaults) — constant after.
 */
export class MultivariateDetector {
  readonly name = 'isolation-forest';
  readonly features: readonly string[];
  private readonly dims: number;
  private readonly forest: IsolationForest;
  private readonly data: Float32Array;
  private readonly capacity: number;
  private readonly admitProbability: number;
  private readonly minSamples: number;
  private readonly retrainEvery: number;
  private readonly retrainAfterMs: number;
  private readonly center: number;
  private readonly slope: number;
  private readonly random: SeededRandom;
  private readonly medians: Float64Array;
  private readonly scales: Float64Array;
  private readonly result: MultivariateResult = { score: 0, isolationScore: Number.NaN, ready: false };
  private size = 0;
  private admittedSinceTraining = 0;
  private trainedAt = Number.NaN;
  /** Trainings so far. */
  trainings = 0;

  constructor(options: MultivariateOptions) {
    this.features = [...options.features];
    this.dims = this.features.length;
    this.forest = new IsolationForest(this.dims, options);
    this.capacity = options.reservoir ?? 256;
    if (!Number.isInteger(this.capacity) || this.capacity < 2)
      throw new RangeError(`reservoir must be a whole number ≥ 2 (got ${this.capacity})`);
    this.admitProbability = options.admitProbability ?? 0.25;
    // The biased reservoir fills as 1 − e^(−n/capacity): it nears but never quite reaches full, so ask for ≤ ¾ of it.
    this.minSamples = Math.max(2, Math.min(options.minSamples ?? 64, Math.floor(0.75 * this.capacity)));
    this.retrainEvery = options.retrainEvery ?? 256;
    this.retrainAfterMs = options.retrainAfterMs ?? 3_600_000;
    this.center = options.center ?? 0.7;
    this.slope = options.slope ?? 40;
    this.data = stateArrays.float32(this.capacity * this.dims);
    this.medians = stateArrays.float64(this.dims);
    this.scales = stateArrays.float64(this.dims);
    // A different stream of draws from the forest's own, from the same seed.
    this.random = new SeededRandom(((options.seed ?? 1) ^ 0x5bd1e995) >>> 0);
  }

  /** Vectors held for training. */
  get reservoirSize(): number {
    return this.size;
  }

  get ready(): boolean {
    return this.forest.ready;
  }

  /** Scores `x` (length ≥ features; non-finite components score 0) against the current forest. Learns nothing. */
  score(x: ArrayLike<number>): MultivariateResult {
    const r = this.result;
    r.ready = this.forest.ready;
    if (!r.ready || !finite(x, this.dims)) {
      r.score = 0;
      r.isolationScore = Number.NaN;
      return r;
    }
    const s = this.forest.score(x);
    r.isolationScore = s;
    r.score = 1 / (1 + Math.exp(-(s - this.center) * this.slope));
    return r;
  }

  /**
   * Offers `x` (observed at `timestamp`, epoch ms) to the reservoir when `normal` and this detector does not find it
   * anomalous (pass its `isolationScore` from {@link score} to save scoring it again), then retrains if the schedule
   * says so. Returns true when it retrained.
   */
  learn(timestamp: number, x: ArrayLike<number>, normal: boolean, isolationScore = Number.NaN): boolean {
    if (!finite(x, this.dims)) return false;
    if (normal && this.forest.ready) {
      const s = isolationScore === isolationScore ? isolationScore : this.forest.score(x);
      normal = s < this.center;
    }
    return this.offer(timestamp, x, normal);
  }

  /** `score(x)` then `learn(timestamp, x, normal)` without scoring twice; returns the score's result object. */
  update(timestamp: number, x: ArrayLike<number>, normal = true): MultivariateResult {
    const r = this.score(x);
    if (finite(x, this.dims)) this.offer(timestamp, x, normal && r.score < 0.5);
    return r;
  }

  private offer(timestamp: number, x: ArrayLike<number>, admissible: boolean): boolean {
    if (admissible && this.random.next() < this.admitProbability) this.admit(x);
    const due =
      this.size >= this.minSamples &&
      (!this.forest.ready ||
        this.admittedSinceTraining >= this.retrainEvery ||
        (this.admittedSinceTraining > 0 && timestamp - this.trainedAt >= this.retrainAfterMs));
    if (due) this.train(timestamp);
    return due;
  }

  /** Trains now on the reservoir (no-op with fewer than two vectors). */
  train(timestamp: number): void {
    if (this.size < 2) return;
    this.forest.fit(this.data, this.size);
    this.robustStats();
    this.trainedAt = timestamp;
    this.admittedSinceTraining = 0;
    this.trainings++;
  }

  /**
   * The features of `x` that stand out, most first: sorted by |robust z| against the reservoir, with each one's
   * share of isolation. Allocates: call it for anomalies only.
   */
  explain(x: ArrayLike<number>, top = this.dims): FeatureContribution[] {
    const shares = this.forest.attribution(x);
    const out: FeatureContribution[] = [];
    for (let i = 0; i < this.dims; i++) {
      const scale = this.scales[i]!;
      const d = x[i]! - this.medians[i]!;
      const robustZ = scale > 0 ? d / scale : Number.NaN; // NaN before the first training
      out.push({ feature: this.features[i]!, value: x[i]!, median: this.medians[i]!, robustZ, share: shares[i]! });
    }
    out.sort((a, b) => Math.abs(b.robustZ) - Math.abs(a.robustZ) || b.share - a.share);
    return out.slice(0, top);
  }

  stateBytes(): number {
    return (
      objectBytes(20) +
      this.forest.stateBytes() +
      this.random.stateBytes() +
      3 * TYPED_ARRAY_OVERHEAD_BYTES +
      this.data.byteLength +
      this.medians.byteLength +
      this.scales.byteLength +
      objectBytes(3)
    );
  }

  /** Aggarwal's biased reservoir with bias 1/capacity: append with probability 1 − fill, else replace a random slot. */
  private admit(x: ArrayLike<number>): void {
    const dims = this.dims;
    let slot: number;
    if (this.size < this.capacity && this.random.next() >= this.size / this.capacity) slot = this.size++;
    else slot = this.random.int(this.size);
    for (let i = 0; i < dims; i++) this.data[slot * dims + i] = x[i]!;
    this.admittedSinceTraining++;
  }

  /** Median and 1.4826·MAD of each feature over the reservoir (at training time only). */
  private robustStats(): void {
    const n = this.size;
    const column = scratch(n);
    for (let f = 0; f < this.dims; f++) {
      for (let i = 0; i < n; i++) column[i] = this.data[i * this.dims + f]!;
      const view = column.subarray(0, n);
      view.sort();
      const median = middle(view);
      for (let i = 0; i < n; i++) view[i] = Math.abs(view[i]! - median);
      view.sort();
      const mad = middle(view) * MAD_TO_SIGMA;
      let meanAd = 0;
      if (!(mad > 0)) {
        for (let i = 0; i < n; i++) meanAd += view[i]!;
        meanAd = (meanAd / n) * 1.2533141373155001; // √(π/2): mean absolute deviation → σ when MAD is 0
      }
      this.medians[f] = median;
      // Floor: a constant feature (MAD and mean AD 0) must not turn float32 rounding of the reservoir into "∞ σ".
      this.scales[f] = Math.max(mad > 0 ? mad : meanAd, 1e-6 * Math.abs(median), 1e-12);
    }
  }
}

function finite(x: ArrayLike<number>, dims: number): boolean {
  if (x.length < dims) return false;
  for (let i = 0; i < dims; i++) if (!Number.isFinite(x[i]!)) return false;
  return true;
}

function middle(sorted: Float64Array): number {
  const n = sorted.length;
  const h = n >> 1;
  return n & 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}

// Shared scratch for the per-feature statistics (single-threaded; only used inside `train`).
let columnScratch = new Float64Array(256);
function scratch(n: number): Float64Array {
  if (columnScratch.length < n) columnScratch = new Float64Array(Math.max(n, columnScratch.length * 2));
  return columnScratch;
}
