import { DDSketch } from '@datadog/sketches-js';

/** 1 % relative accuracy: p99 within 1 % of the true value. */
export const SKETCH_ACCURACY = 0.01;

export const newSketch = (): DDSketch => new DDSketch({ relativeAccuracy: SKETCH_ACCURACY });

/** The key mapping of every sketch of that accuracy (immutable: one for every window). */
const MAPPING = newSketch().mapping;
/** Bins are added 16 at a time (64 bytes) around the keys seen. */
const CHUNK = 16;
/**
 * At most this many bins (8 KB): past it the lowest keys fold into the lowest bin kept (DDSketch's collapsing-lowest
 * store), so latencies spanning more than γ^2048 ≈ 6·10¹⁷ (a client sending 1e-300 and 1e300) cannot grow a window
 * without bound. Never reached by real latencies, whose figures are then exactly a DDSketch's.
 */
export const MAX_BINS = 2048;
const NO_BINS = new Uint32Array(0);

/**
 * A window's latencies as DDSketch bins (the 1 % logarithmic mapping) in one Uint32Array, with their exact count, sum,
 * min and max: a DDSketch's positive store without its objects. A DDSketch keeps its bins in JS arrays grown 128 at a
 * time and five objects (≈ 1.5–2.5 KB for a busy agent's minute); this is 4 bytes a bin in use plus ≈ 200 bytes.
 * `toSketch` gives the DDSketch the same values build, bin for bin, so every figure read from it is the same.
 */
export class LatencyBins {
  private counts: Uint32Array = NO_BINS;
  /** The key of counts[0]. */
  private offset = 0;
  private zeroCount = 0;
  /** Values below zero (not latencies: kept as they came, for the sketch's negative store). */
  private negatives: number[] | undefined;
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  add(value: number): void {
    if (value > MAPPING.minPossible) this.addKey(MAPPING.key(value), 1);
    else if (value < -MAPPING.minPossible) (this.negatives ??= []).push(value);
    else this.zeroCount++;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  merge(other: LatencyBins): void {
    const counts = other.counts;
    for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) this.addKey(other.offset + i, counts[i]!);
    if (other.negatives) (this.negatives ??= []).push(...other.negatives);
    this.zeroCount += other.zeroCount;
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  /** The DDSketch of the same values (built for a summary; not kept). */
  toSketch(): DDSketch {
    const sketch = newSketch();
    for (const value of this.negatives ?? []) sketch.accept(value);
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) sketch.store.add(this.offset + i, counts[i]!);
    sketch.zeroCount = this.zeroCount;
    sketch.count = this.count;
    sketch.sum = this.sum;
    sketch.min = this.min;
    sketch.max = this.max;
    return sketch;
  }

  /** Bins a LatencyBins would hold for values from `min` to `max` (positive ones; 1 when there are none). */
  static binsSpanned(min: number, max: number): number {
    if (!(max > MAPPING.minPossible)) return 1;
    const low = MAPPING.key(Math.max(min, MAPPING.minPossible));
    return Math.min(MAX_BINS, MAPPING.key(max) - low + 1);
  }

  /** Bins allocated (for tests of the bound). */
  get binCapacity(): number {
    return this.counts.length;
  }

  private addKey(key: number, weight: number): void {
    let index = key - this.offset;
    if (index < 0 || index >= this.counts.length) index = this.extendTo(key);
    this.counts[index]! += weight;
  }

  /** Grows the bins to hold `key` (folding the lowest past MAX_BINS); returns its index. */
  private extendTo(key: number): number {
    const old = this.counts;
    if (old.length === 0) {
      this.counts = new Uint32Array(CHUNK);
      this.offset = key - (CHUNK >> 1);
      return key - this.offset;
    }
    const top = this.offset + old.length - 1;
    if (old.length === MAX_BINS && key < this.offset) return 0; // already at the bound: into the lowest bin
    const low = Math.min(this.offset, key);
    const high = Math.max(top, key);
    let length = Math.ceil((high - low + 1) / CHUNK) * CHUNK;
    let offset = key < this.offset ? high - length + 1 : low; // the room left over on the side that grew
    if (length > MAX_BINS) {
      length = MAX_BINS;
      offset = high - MAX_BINS + 1;
    }
    const counts = new Uint32Array(length);
    for (let i = 0; i < old.length; i++) {
      if (old[i] === 0) continue;
      counts[Math.max(0, this.offset + i - offset)]! += old[i]!;
    }
    this.counts = counts;
    this.offset = offset;
    return Math.max(0, key - offset);
  }
}
