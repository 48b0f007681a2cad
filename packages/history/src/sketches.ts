import { DDSketch } from '@datadog/sketches-js';

// Aggregate windows carry their latency DDSketch (protobuf, base64; see WindowSummary.latencySketch). Merged, the
// sketches of any range give its percentiles within the sketch's relative accuracy (1 %), which averaging the
// windows' own percentiles cannot (Masson, Rim & Lee, "DDSketch", VLDB 2019: the sketches are fully mergeable).

type Sketch = ReturnType<typeof DDSketch.fromProto>;

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
