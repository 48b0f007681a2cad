import { TYPED_ARRAY_OVERHEAD_BYTES, objectBytes } from '../detectors/stream/detector';
import { stateArrays } from '../engine/state-arrays';

/**
 * The last `capacity` values of a stream, kept sorted, so the rolling median, any quantile and the median absolute
 * deviation cost O(log n) to O(n) on a small array instead of a sort per sample. Each sorted slot also holds its
 * value's arrival stamp (the push count modulo the capacity), which finds the oldest value to evict without a copy of
 * the values in arrival order. Insert/evict are a binary search, a stamp scan and one shift of the slots between the
 * evicted value and the new one.
 * Memory: one Float64Array of `capacity` and one stamp array of 1 byte a slot up to 256 (2 above, 4 above 65,536):
 * 9 bytes a slot plus headers (it was 16 with a ring of the values); constant after construction.
 */
export class SortedWindow {
  private readonly sorted: Float64Array;
  /** Per sorted slot: when its value arrived, as the push count modulo the capacity (unique among held values). */
  private readonly arrival: Uint8Array | Uint16Array | Uint32Array;
  private n = 0;
  /** The stamp of the next value pushed; once full, also the stamp of the oldest held. */
  private next = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a whole number ≥ 1 (got ${capacity})`);
    this.sorted = stateArrays.float64(capacity);
    this.arrival =
      capacity <= 256
        ? stateArrays.uint8(capacity)
        : capacity <= 65_536
          ? stateArrays.uint16(capacity)
          : stateArrays.uint32(capacity);
  }

  get size(): number {
    return this.n;
  }

  get full(): boolean {
    return this.n === this.capacity;
  }

  /** Adds a value (NaN is ignored), evicting the oldest when full. */
  push(value: number): void {
    if (value !== value) return;
    const s = this.sorted;
    const a = this.arrival;
    const stamp = this.next;
    this.next = stamp + 1 === this.capacity ? 0 : stamp + 1;
    const p = this.upperBound(value);
    if (this.n < this.capacity) {
      s.copyWithin(p + 1, p, this.n);
      a.copyWithin(p + 1, p, this.n);
      s[p] = value;
      a[p] = stamp;
      this.n++;
      return;
    }
    // Full: the held stamps are every residue once, and the oldest value arrived `capacity` pushes ago — its stamp is
    // this one's. The slots between it and the new value's place shift by one towards the freed slot.
    const i = a.indexOf(stamp);
    if (i < p) {
      s.copyWithin(i, i + 1, p);
      a.copyWithin(i, i + 1, p);
      s[p - 1] = value;
      a[p - 1] = stamp;
    } else {
      s.copyWithin(p + 1, p, i);
      a.copyWithin(p + 1, p, i);
      s[p] = value;
      a[p] = stamp;
    }
  }

  /** The median (mean of the two middle values for an even count); NaN when empty. */
  median(): number {
    const n = this.n;
    if (n === 0) return Number.NaN;
    const h = n >> 1;
    return n & 1 ? this.sorted[h]! : (this.sorted[h - 1]! + this.sorted[h]!) / 2;
  }

  /** The q-quantile, q ∈ [0, 1], by linear interpolation between order statistics (R-7, numpy's default). */
  quantile(q: number): number {
    const n = this.n;
    if (n === 0) return Number.NaN;
    const pos = (n - 1) * Math.min(1, Math.max(0, q));
    const lo = Math.floor(pos);
    const frac = pos - lo;
    const a = this.sorted[lo]!;
    return frac === 0 ? a : a + frac * (this.sorted[lo + 1]! - a);
  }

  min(): number {
    return this.n === 0 ? Number.NaN : this.sorted[0]!;
  }

  max(): number {
    return this.n === 0 ? Number.NaN : this.sorted[this.n - 1]!;
  }

  /**
   * Median absolute deviation from the median (unscaled: multiply by 1.4826 for σ of a normal), exact:
   * the deviations on each side of the median are already sorted, so a merge from the middle finds their median.
   */
  mad(): number {
    const n = this.n;
    if (n === 0) return Number.NaN;
    const s = this.sorted;
    const m = this.median();
    let left = this.lowerBound(m) - 1; // s[left] < m, deviations grow leftwards
    let right = left + 1; // s[right] >= m, deviations grow rightwards
    const k = (n - 1) >> 1; // index of the (lower) middle deviation
    let prev = 0;
    for (let taken = 0; ; taken++) {
      const dl = left >= 0 ? m - s[left]! : Number.POSITIVE_INFINITY;
      const dr = right < n ? s[right]! - m : Number.POSITIVE_INFINITY;
      let d: number;
      if (dl <= dr) {
        d = dl;
        left--;
      } else {
        d = dr;
        right++;
      }
      if (taken === k) {
        if (n & 1) return d;
        prev = d;
      } else if (taken === k + 1) return (prev + d) / 2;
    }
  }

  /** Mean absolute deviation from the median: a spread that is not 0 while fewer than half the values differ. */
  meanAbsDeviation(): number {
    const n = this.n;
    if (n === 0) return Number.NaN;
    const m = this.median();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.abs(this.sorted[i]! - m);
    return sum / n;
  }

  /** Fraction of held values strictly below `value` plus half of those equal (a mid-rank percentile in [0, 1]). */
  rank(value: number): number {
    if (this.n === 0) return Number.NaN;
    const lo = this.lowerBound(value);
    const hi = this.upperBound(value);
    return (lo + (hi - lo) / 2) / this.n;
  }

  /** Held values strictly below `value`. */
  countBelow(value: number): number {
    return this.lowerBound(value);
  }

  /** Held values at or below `value`. */
  countUpTo(value: number): number {
    return this.upperBound(value);
  }

  /** The mean of the held values (NaN when empty). */
  mean(): number {
    let sum = 0;
    for (let i = 0; i < this.n; i++) sum += this.sorted[i]!;
    return this.n ? sum / this.n : Number.NaN;
  }

  clear(): void {
    this.n = 0;
    this.next = 0;
  }

  stateBytes(): number {
    return objectBytes(4) + 2 * TYPED_ARRAY_OVERHEAD_BYTES + this.sorted.byteLength + this.arrival.byteLength;
  }

  /** First index whose value is ≥ x. */
  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose value is > x. */
  private upperBound(x: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
