import { DDSketch } from '@datadog/sketches-js';

// Aggregate windows carry their latency DDSketch (protobuf, base64; see WindowSummary.latencySketch). Merged, the
// sketches of any range give its percentiles within the sketch's relative accuracy (Masson, Rim & Lee, "DDSketch",
// VLDB 2019: the sketches are fully mergeable). The history keeps a sketch as its bins, a list of (key, count) that
// DuckDB sums over a range itself: a day of the fleet's minutes is one vectorised GROUP BY, not 1,440 protobuf decodes.

export type Sketch = ReturnType<typeof DDSketch.fromProto>;

/** One bin: `k` the DDSketch key of a logarithmic mapping at 1 % accuracy, null for the zero bucket. */
export interface SketchBin {
  k: number | null;
  n: number;
}

// The accuracy the health monitor's sketches use: their keys are comparable only at the same mapping.
const ACCURACY = 0.01;

export function decodeSketch(base64: string): Sketch {
  return DDSketch.fromProto(Buffer.from(base64, 'base64'));
}

export function encodeSketch(sketch: Sketch): string {
  return Buffer.from(sketch.toProto()).toString('base64');
}

/** One sketch of every given one; undefined when none is given. */
export function mergeSketches(encoded: Iterable<string>): Sketch | undefined {
  let merged: Sketch | undefined;
  for (const base64 of encoded) {
    const sketch = decodeSketch(base64);
    if (merged) merged.merge(sketch);
    else merged = sketch;
  }
  return merged;
}

/** The bins of an encoded sketch; undefined for a sketch of another mapping (its keys would not add up with ours). */
export function sketchBins(base64: string): SketchBin[] | undefined {
  const sketch = decodeSketch(base64);
  const { mapping, store, negativeStore, zeroCount } = sketch;
  if (
    mapping.constructor.name !== 'LogarithmicMapping' ||
    Math.abs(mapping.relativeAccuracy - ACCURACY) > 1e-9 ||
    negativeStore.count > 0
  )
    return undefined;
  const bins: SketchBin[] = zeroCount > 0 ? [{ k: null, n: zeroCount }] : [];
  store.bins.forEach((n, i) => {
    if (n > 0) bins.push({ k: i + store.offset, n });
  });
  return bins;
}

/** The sketch of bins (each bin's count at its representative value: the same keys, the same quantiles). */
export function sketchOfBins(bins: readonly SketchBin[]): Sketch {
  const sketch = new DDSketch({ relativeAccuracy: ACCURACY });
  for (const { k, n } of bins) sketch.accept(k === null ? 0 : sketch.mapping.value(k), n);
  return sketch;
}

/** The bins of several sketches added up, key by key (the bins of their merge). */
export function sumBins(lists: Iterable<readonly SketchBin[]>): SketchBin[] {
  const sums = new Map<number | null, number>();
  for (const bins of lists) for (const { k, n } of bins) sums.set(k, (sums.get(k) ?? 0) + n);
  return [...sums].map(([k, n]) => ({ k, n }));
}
