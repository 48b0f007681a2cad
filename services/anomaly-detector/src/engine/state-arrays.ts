// Typed arrays for long-lived detector state, carved out of shared slabs. Each `new Float64Array(n)` above V8's
// on-heap limit (64 bytes) gets a backing store of its own, which V8 counts as external memory and tracks at every
// GC: with 10,000 agents × ≈ 60 such arrays, the first report of each agent cost ≈ 0.6 ms and mark-compacts took
// ≈ 800 ms (measured with --trace-gc: "external memory pressure"). Views into a few hundred-KB slabs cost neither.
// A slab lives while any view into it does, so evicted agents' state is freed slab by slab (≈ 3 agents a slab).

const SLAB_BYTES = 256 * 1024;
/** Arrays larger than this get a buffer of their own (a slab would be mostly waste). */
const OWN_BUFFER_FROM = SLAB_BYTES / 4;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/** `bytes` of zeroed memory aligned to `align`, as a buffer and an offset into it. */
function carve(bytes: number, align: number): [ArrayBuffer, number] {
  if (bytes >= OWN_BUFFER_FROM) return [new ArrayBuffer(bytes), 0];
  let offset = Math.ceil(used / align) * align;
  if (offset + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    offset = 0;
  }
  used = offset + bytes;
  return [slab, offset];
}

/** Zero-filled typed arrays for detector state (same contents and API as `new XArray(length)`). */
export const stateArrays = {
  float64: (length: number) => new Float64Array(...carve(8 * length, 8), length),
  float32: (length: number) => new Float32Array(...carve(4 * length, 4), length),
  uint32: (length: number) => new Uint32Array(...carve(4 * length, 4), length),
  uint16: (length: number) => new Uint16Array(...carve(2 * length, 2), length),
  uint8: (length: number) => new Uint8Array(...carve(length, 1), length),
  int8: (length: number) => new Int8Array(...carve(length, 1), length),
};
