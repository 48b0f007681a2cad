import { type Detector, type DetectorResult, emptyResult, objectBytes, TYPED_ARRAY_OVERHEAD_BYTES } from './detector';

// Method: time-series discords (Keogh, Lin & Fu 2005, "HOT SAX") scored online with a record rule — the newest
// subsequence's distance to its nearest earlier neighbour, flagged when no recent subsequence was that far from
// every other: the first pattern unlike anything learnt, as ARTime (Hargreaves 2021) and CAD OSE flag it on NAB.

export interface PatternNoveltyOptions {
  /** Raw samples averaged into one bucket (default 4). */
  bucket?: number;
  /** Buckets in one pattern (default 8: a pattern spans 32 samples). */
  window?: number;
  /** Patterns kept to compare with, and nearest-neighbour distances kept for the record (default 1024). */
  memory?: number;
  /**
   * Samples before any score (default 600 — NAB's 15 % probation of a typical 4,032-row file); nearest-neighbour
   * distances count towards the record from half-way through it.
   */
  warmup?: number;
  /** A record must exceed the largest recent nearest-neighbour distance by this fraction (default 0.1). */
  margin?: number;
}

/**
 * Scores 1 when the newest pattern (the last `window` bucket means) is farther (L1) from its nearest earlier,
 * non-overlapping pattern than every pattern of the last `memory` buckets was from its own — in-range pattern
 * changes range checks cannot see (denser spikes, a missing daily pulse, a flat stretch). Unitless: distances are
 * only compared with distances of the same stream, so x and a·x + b score alike. After a record the next `window`
 * buckets (the patterns overlapping it) do not score. Scores at bucket ends; 0 in between.
 * State: two rings of `memory` (+ `window`) numbers — ≈ 16 KB by default.
 */
export class PatternNoveltyDetector implements Detector {
  readonly name = 'pattern';
  private readonly bucket: number;
  private readonly window: number;
  private readonly warmup: number;
  private readonly margin: number;
  private readonly means: Float64Array; // ring of bucket means, capacity memory + 2·window
  private readonly distances: Float64Array; // ring of recent nearest-neighbour distances
  private readonly newest: Float64Array; // the newest pattern, copied out of the ring
  private readonly result = emptyResult();
  private sum = 0;
  private inBucket = 0;
  private buckets = 0;
  private recorded = 0;
  private quietBuckets = 0;
  private n = 0;

  constructor(options: PatternNoveltyOptions = {}) {
    this.bucket = options.bucket ?? 4;
    this.window = options.window ?? 8;
    const memory = options.memory ?? 1024;
    this.warmup = options.warmup ?? 600;
    this.margin = options.margin ?? 0.1;
    if (!(this.bucket >= 1 && this.window >= 1 && memory >= 1))
      throw new RangeError('PatternNoveltyDetector: bucket, window and memory must be ≥ 1');
    this.means = new Float64Array(memory + 2 * this.window);
    this.distances = new Float64Array(memory);
    this.newest = new Float64Array(this.window);
  }

  update(_timestamp: number, value: number): DetectorResult {
    const r = this.result;
    this.n++;
    r.ready = this.n > this.warmup;
    r.score = 0;
    r.deviation = 0;
    r.expected = Number.NaN;
    this.sum += value;
    if (++this.inBucket < this.bucket) return r;

    const ring = this.means;
    ring[this.buckets % ring.length] = this.sum / this.bucket;
    this.buckets++;
    this.sum = 0;
    this.inBucket = 0;
    const distance = this.nearestDistance();
    if (distance === undefined) return r;

    const largest = this.largestRecent();
    if (this.quietBuckets > 0) this.quietBuckets--;
    else if (r.ready && this.recorded >= this.window && distance > largest * (1 + this.margin)) {
      r.score = 1;
      this.quietBuckets = this.window;
    }
    r.deviation = largest > 0 ? distance / largest : 0;
    r.expected = largest;
    // The first patterns have few neighbours: their distances would set records no later pattern could beat.
    if (this.n > this.warmup / 2) {
      this.distances[this.recorded % this.distances.length] = distance;
      this.recorded++;
    }
    return r;
  }

  stateBytes(): number {
    return (
      objectBytes(15) +
      3 * TYPED_ARRAY_OVERHEAD_BYTES +
      8 * (this.means.length + this.distances.length + this.newest.length)
    );
  }

  /** L1 distance from the newest pattern to its nearest non-overlapping earlier one (undefined: none yet). */
  private nearestDistance(): number | undefined {
    const ring = this.means;
    const cap = ring.length;
    const w = this.window;
    const last = this.buckets - 1; // the newest pattern is buckets [last − w + 1, last]
    const newestStart = last - w + 1;
    const lastStart = newestStart - w; // earlier patterns end before the newest begins
    const firstStart = Math.max(0, last - cap + 1);
    if (lastStart < firstStart) return undefined;
    const newest = this.newest;
    for (let j = 0; j < w; j++) newest[j] = ring[(newestStart + j) % cap]!;
    let best = Number.POSITIVE_INFINITY;
    for (let s = firstStart; s <= lastStart; s++) {
      let d = 0;
      let k = s % cap;
      for (let j = 0; j < w && d < best; j++) {
        d += Math.abs(ring[k]! - newest[j]!);
        if (++k === cap) k = 0;
      }
      if (d < best) best = d;
    }
    return best;
  }

  private largestRecent(): number {
    const count = Math.min(this.recorded, this.distances.length);
    let max = 0;
    for (let i = 0; i < count; i++) if (this.distances[i]! > max) max = this.distances[i]!;
    return max;
  }
}
