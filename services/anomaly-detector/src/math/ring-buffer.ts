import { TYPED_ARRAY_OVERHEAD_BYTES, objectBytes } from '../detectors/stream/detector';
import { stateArrays } from '../engine/state-arrays';

/** A fixed-capacity FIFO of numbers in one Float64Array: pushing onto a full buffer evicts (and returns) the oldest. */
export class RingBuffer {
  private readonly data: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a whole number ≥ 1 (got ${capacity})`);
    this.data = stateArrays.float64(capacity);
  }

  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Appends `value`; returns the evicted oldest value, or NaN when nothing was evicted. */
  push(value: number): number {
    let evicted = Number.NaN;
    if (this.count === this.capacity) evicted = this.data[this.head]!;
    else this.count++;
    this.data[this.head] = value;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    return evicted;
  }

  /** The i-th oldest value held (0 = oldest); NaN out of range. */
  at(i: number): number {
    if (i < 0 || i >= this.count) return Number.NaN;
    const start = this.count === this.capacity ? this.head : 0;
    const j = start + i;
    return this.data[j >= this.capacity ? j - this.capacity : j]!;
  }

  /** The most recent value (NaN when empty). */
  last(): number {
    return this.count === 0 ? Number.NaN : this.data[this.head === 0 ? this.capacity - 1 : this.head - 1]!;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  stateBytes(): number {
    return objectBytes(4) + TYPED_ARRAY_OVERHEAD_BYTES + this.data.byteLength;
  }
}
