import { TYPED_ARRAY_OVERHEAD_BYTES, objectBytes } from '../stream/detector';
import { SeededRandom } from '../../math/seeded-random';
import { stateArrays } from '../../engine/state-arrays';

// Method: Isolation Forest (Liu, Ting & Zhou 2008): random axis-parallel splits isolate anomalies in short paths;
// s(x) = 2^(−E[h(x)] / c(ψ)), c(n) = 2·H(n − 1) − 2(n − 1)/n the mean unsuccessful-search path of a BST. A point
// beyond a node's range is cut off with probability gap / widened range, as in Robust Random Cut Forest (Guha et al. 2016).

/** Euler–Mascheroni constant γ (H(i) ≈ ln i + γ, as in the paper). */
export const EULER_GAMMA = 0.5772156649015329;

/**
 * c(n): the average path length of an unsuccessful search in a binary search tree of n points, which normalises
 * path lengths in Isolation Forest — 2·H(n − 1) − 2(n − 1)/n with H(i) ≈ ln(i) + γ; c(2) = 1, c(n ≤ 1) = 0
 * (the same convention as scikit-learn's `_average_path_length`).
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

export interface IsolationForestOptions {
  /** Trees t (default 32: path lengths converge well before the paper's 100; memory is linear in t). */
  trees?: number;
  /** Sub-sample size ψ per tree (default 64; the paper's default is 256). Height limit ⌈log₂ ψ⌉. */
  sampleSize?: number;
  /** Seed of the generator that picks sub-samples, features and split points (default 1). */
  seed?: number;
}

const LEAF = -1;
const UNUSED = -2;
const EMPTY_INT8 = new Int8Array(0);
const EMPTY_UINT8 = new Uint8Array(0);
const EMPTY_FLOAT32 = new Float32Array(0);

/**
 * An Isolation Forest over fixed-width numeric vectors. `fit` grows `trees` isolation trees on random sub-samples of
 * at most `sampleSize` rows; `score` is the paper's anomaly score (≈ 1 for anomalies, ≤ 0.5 for ordinary points).
 * Trees are stored as complete binary trees in flat typed arrays (node i has children 2i + 1 and 2i + 2, which the
 * height limit makes possible): per node above the height limit the split feature (Int8), the range of the node's
 * training points on that feature (two Float32) and the cut's position in that range (8 bits); per node the training
 * mass (Uint8/Uint16) — nodes at the height limit are always leaves, so they keep their mass only.
 * The range lets a point beyond it be cut off at that node with probability gap / (range + gap), as a cut drawn over
 * the range widened to reach it would (so a far outlier is not scored like the most extreme training point, the
 * plain algorithm's known saturation). Memory: none until the first `fit`, then trees × ((2^⌈log₂ ψ⌉ − 1) × 10 +
 * (2^(⌈log₂ ψ⌉+1) − 1)) bytes — 24 KB at the defaults (44 KB when leaves kept a split too) — constant after;
 * `fit` reuses a module scratch array.
 */
export class IsolationForest {
  readonly trees: number;
  readonly sampleSize: number;
  /** Height limit ⌈log₂ ψ⌉. */
  readonly heightLimit: number;
  /** Slots a tree: every node down to the height limit, and those above it (the only ones that can split). */
  private readonly nodes: number;
  private readonly inner: number;
  // Allocated at the first fit: an agent's forest trains after hundreds of reports, if ever.
  private feature = EMPTY_INT8;
  private cut = EMPTY_UINT8;
  private low = EMPTY_FLOAT32;
  private high = EMPTY_FLOAT32;
  private mass: Uint8Array | Uint16Array = EMPTY_UINT8;
  private readonly random: SeededRandom;
  /** c(ψ') of the sub-sample size actually used at the last fit (≤ sampleSize when fewer rows were given). */
  private norm = 0;
  private fitted = false;

  constructor(
    readonly dims: number,
    options: IsolationForestOptions = {},
  ) {
    if (!Number.isInteger(dims) || dims < 1 || dims > 127)
      throw new RangeError(`dims must be a whole number in [1, 127] (got ${dims})`);
    this.trees = options.trees ?? 32;
    this.sampleSize = options.sampleSize ?? 64;
    if (!Number.isInteger(this.trees) || this.trees < 1)
      throw new RangeError(`trees must be a whole number ≥ 1 (got ${this.trees})`);
    if (!Number.isInteger(this.sampleSize) || this.sampleSize < 2 || this.sampleSize > 4096) {
      throw new RangeError(`sampleSize must be a whole number in [2, 4096] (got ${this.sampleSize})`);
    }
    this.heightLimit = Math.ceil(Math.log2(this.sampleSize));
    this.nodes = 2 ** (this.heightLimit + 1) - 1;
    this.inner = 2 ** this.heightLimit - 1;
    this.random = new SeededRandom(options.seed ?? 1);
  }

  /** True once `fit` has run on at least two rows. */
  get ready(): boolean {
    return this.fitted;
  }

  /**
   * Grows the forest on `rows` rows of `data` (row-major, `dims` values a row; non-finite values are not allowed).
   * Needs at least two rows; each tree draws min(rows, sampleSize) of them without replacement.
   */
  fit(data: Float32Array | Float64Array, rows: number): void {
    const dims = this.dims;
    if (rows < 2 || data.length < rows * dims)
      throw new RangeError(`fit needs ≥ 2 rows of ${dims} values (got ${rows} rows, ${data.length} values)`);
    const psi = Math.min(rows, this.sampleSize);
    if (this.mass.length === 0) this.allocate();
    const index = scratchIndex(rows);
    for (let i = 0; i < rows; i++) index[i] = i;
    this.feature.fill(UNUSED);
    for (let t = 0; t < this.trees; t++) {
      // Partial Fisher–Yates: the first psi slots become a uniform sample without replacement.
      for (let i = 0; i < psi; i++) {
        const j = i + this.random.int(rows - i);
        const tmp = index[i]!;
        index[i] = index[j]!;
        index[j] = tmp;
      }
      this.grow(data, index, t, 0, 0, psi, 0);
    }
    this.norm = averagePathLength(psi);
    this.fitted = true;
  }

  /** E[h(x)]: the mean over trees of the path length of `x`, each leaf adding c(its training mass). NaN before `fit`. */
  pathLength(x: ArrayLike<number>): number {
    if (!this.fitted) return Number.NaN;
    const feature = this.feature;
    const cut = this.cut;
    const low = this.low;
    const high = this.high;
    const mass = this.mass;
    let sum = 0;
    const inner = this.inner;
    for (let t = 0; t < this.trees; t++) {
      const base = t * inner;
      let node = 0;
      let depth = 0;
      let stay = 1; // probability that x has not been cut off above this node
      let h = 0;
      let f = feature[base]!;
      while (f >= 0) {
        const at = base + node;
        const v = x[f]!;
        const lo = low[at]!;
        const hi = high[at]!;
        if (v < lo || v > hi) {
          // Outside the node's range on its split feature: a cut drawn uniformly over the range widened to reach x
          // separates x from all of the node's points with probability gap / widened range (isolated one level down).
          const gap = v < lo ? lo - v : v - hi;
          const away = gap / (hi - lo + gap);
          h += stay * away * (depth + 1);
          stay *= 1 - away;
        }
        node = v < splitValue(lo, hi, cut[at]!) ? 2 * node + 1 : 2 * node + 2;
        depth++;
        f = node < inner ? feature[base + node]! : LEAF;
      }
      sum += h + stay * (depth + averagePathLength(mass[t * this.nodes + node]!));
    }
    return sum / this.trees;
  }

  /** s(x) = 2^(−E[h(x)] / c(ψ)) in (0, 1]: ≈ 1 anomalous, ≈ 0.5 or less ordinary. NaN before `fit`. */
  score(x: ArrayLike<number>): number {
    const h = this.pathLength(x);
    if (!(h === h)) return Number.NaN;
    return this.norm > 0 ? 2 ** (-h / this.norm) : 0.5;
  }

  /**
   * Which features isolate `x`: along its path in every tree, each split on feature f that leaves `x` with a
   * smaller share of the training mass adds log₂(mass before / mass after) to f (the bits of isolation that split
   * bought, in the spirit of DIFFI's depth-based importance, Carletti, Terzi & Susto 2023). Writes the shares (summing
   * to 1, or all 0 when nothing split) into `out` (length ≥ dims) and returns it.
   */
  attribution(x: ArrayLike<number>, out: Float64Array = new Float64Array(this.dims)): Float64Array {
    out.fill(0, 0, this.dims);
    if (!this.fitted) return out;
    let total = 0;
    const inner = this.inner;
    for (let t = 0; t < this.trees; t++) {
      const base = t * inner;
      const masses = t * this.nodes;
      let node = 0;
      let f = this.feature[base]!;
      while (f >= 0) {
        const before = this.mass[masses + node]!;
        const at = base + node;
        node = x[f]! < splitValue(this.low[at]!, this.high[at]!, this.cut[at]!) ? 2 * node + 1 : 2 * node + 2;
        const after = Math.max(1, this.mass[masses + node]!);
        const bits = Math.log2(before / after);
        out[f] = out[f]! + bits;
        total += bits;
        f = node < inner ? this.feature[base + node]! : LEAF;
      }
    }
    if (total > 0) for (let i = 0; i < this.dims; i++) out[i] = out[i]! / total;
    return out;
  }

  /** Bytes of state (the node arrays dominate: allocated at the first fit, constant after). */
  stateBytes(): number {
    return (
      objectBytes(10) +
      5 * TYPED_ARRAY_OVERHEAD_BYTES +
      this.feature.byteLength +
      this.cut.byteLength +
      this.low.byteLength +
      this.high.byteLength +
      this.mass.byteLength +
      this.random.stateBytes()
    );
  }

  private allocate(): void {
    const splits = this.trees * this.inner;
    this.feature = stateArrays.int8(splits);
    this.cut = stateArrays.uint8(splits);
    this.low = stateArrays.float32(splits);
    this.high = stateArrays.float32(splits);
    const total = this.trees * this.nodes;
    this.mass = this.sampleSize <= 255 ? stateArrays.uint8(total) : stateArrays.uint16(total);
  }

  /** Grows the subtree of tree `tree` at heap position `node` over index[lo, hi). */
  private grow(
    data: Float32Array | Float64Array,
    index: Uint32Array,
    tree: number,
    node: number,
    lo: number,
    hi: number,
    depth: number,
  ): void {
    this.mass[tree * this.nodes + node] = hi - lo;
    if (depth >= this.heightLimit) return; // below the splits: a leaf by position
    const at = tree * this.inner + node;
    if (hi - lo <= 1) {
      this.feature[at] = LEAF;
      return;
    }
    const dims = this.dims;
    // A random feature among those that vary in this node (the paper picks q at random; a constant q cannot split).
    let q = -1;
    let min = 0;
    let max = 0;
    const start = this.random.int(dims);
    for (let k = 0; k < dims && q < 0; k++) {
      const f = (start + k) % dims;
      min = Number.POSITIVE_INFINITY;
      max = Number.NEGATIVE_INFINITY;
      for (let i = lo; i < hi; i++) {
        const v = data[index[i]! * dims + f]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (max > min) q = f;
    }
    if (q < 0) {
      this.feature[at] = LEAF; // every row identical: nothing left to isolate
      return;
    }
    // Split value p uniform in (min, max): the node keeps its range (float32) and the cut's position in it (8 bits),
    // which is all scoring needs to place x against the split and against the range.
    const lo32 = Math.fround(min);
    const hi32 = Math.fround(max);
    const u = this.random.int(256);
    const p = splitValue(lo32, hi32, u);
    let mid = lo;
    for (let i = lo; i < hi; i++) {
      const r = index[i]!;
      if (data[r * dims + q]! < p) {
        index[i] = index[mid]!;
        index[mid] = r;
        mid++;
      }
    }
    if (mid === lo || mid === hi) {
      this.feature[at] = LEAF; // min and max closer than float32 can tell apart: no cut separates them
      return;
    }
    this.feature[at] = q;
    this.cut[at] = u;
    this.low[at] = lo32;
    this.high[at] = hi32;
    this.grow(data, index, tree, 2 * node + 1, lo, mid, depth + 1);
    this.grow(data, index, tree, 2 * node + 2, mid, hi, depth + 1);
  }
}

/** The split point of a node: the (u + ½)/256 position in its range [lo, hi]. */
function splitValue(lo: number, hi: number, u: number): number {
  return lo + ((u + 0.5) / 256) * (hi - lo);
}

// One scratch index shared by every forest: fit runs to completion before another can start (single-threaded).
let indexScratch = new Uint32Array(256);
function scratchIndex(n: number): Uint32Array {
  if (indexScratch.length < n) indexScratch = new Uint32Array(Math.max(n, indexScratch.length * 2));
  return indexScratch;
}
