/**
 * Bounded FIFO on a circular array: push and shift are O(1), and a push into a full queue
 * evicts the oldest item. Storage starts small and doubles up to `capacity`, so a mostly idle
 * queue does not hold capacity × 8 bytes; once grown, pushes no longer allocate.
 */
export class RingQueue<T> {
  private slots: (T | undefined)[];
  /** Index of the oldest item. */
  private head = 0;
  private size = 0;

  constructor(
    /** Most items held at once (≥ 1). */
    readonly capacity: number,
    initialSlots = 1024,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be an integer ≥ 1, got ${capacity}`);
    this.slots = new Array<T | undefined>(Math.min(capacity, Math.max(1, initialSlots)));
  }

  get length(): number {
    return this.size;
  }

  /** Appends an item; returns true when the queue was full and its oldest item was evicted to make room. */
  push(item: T): boolean {
    const slots = this.slots;
    if (this.size === slots.length) {
      if (this.size === this.capacity) {
        // Full: the newest takes the oldest's slot, and the head moves past it.
        slots[this.head] = item;
        this.head = this.head + 1 === slots.length ? 0 : this.head + 1;
        return true;
      }
      this.grow();
    }
    const tail = this.head + this.size;
    const length = this.slots.length;
    this.slots[tail < length ? tail : tail - length] = item;
    this.size++;
    return false;
  }

  /** Removes and returns up to `count` oldest items, oldest first. */
  shiftMany(count: number): T[] {
    const n = Math.min(count, this.size);
    const out = new Array<T>(n);
    const slots = this.slots;
    let index = this.head;
    for (let i = 0; i < n; i++) {
      out[i] = slots[index] as T;
      slots[index] = undefined; // let the item be collected once sent
      index = index + 1 === slots.length ? 0 : index + 1;
    }
    this.head = this.size === n ? 0 : index;
    this.size -= n;
    return out;
  }

  /** Removes everything; returns how many items there were. */
  clear(): number {
    const n = this.size;
    this.slots.fill(undefined);
    this.head = 0;
    this.size = 0;
    return n;
  }

  private grow(): void {
    const old = this.slots;
    const next = new Array<T | undefined>(Math.min(this.capacity, old.length * 2));
    for (let i = 0; i < this.size; i++) {
      const index = this.head + i;
      next[i] = old[index < old.length ? index : index - old.length];
    }
    this.slots = next;
    this.head = 0;
  }
}
