/**
 * The seam every detection algorithm plugs into. A detector owns the state of ONE stream (one agent's one metric):
 * it is fed that stream's samples in time order and answers, for each, how surprising the sample was given only the
 * samples before it (no look-ahead). Detectors never read a clock: time is the `timestamp` they are given.
 */
export interface Detector {
  /** Stable, short name (`robust-zscore`, `holt-winters`…), used in explanations and evidence. */
  readonly name: string;
  /**
   * Scores `value` at `timestamp` (epoch ms, non-decreasing), then learns from it.
   * MUST return a score in [0, 1] (0 = expected, 1 = certainly anomalous) and MUST NOT throw on finite input.
   * The returned object MAY be reused by the next call: copy what you keep.
   */
  update(timestamp: number, value: number): DetectorResult;
  /** Bytes of state this detector holds for its stream: constant after construction (bounded memory). */
  stateBytes(): number;
}

/** One detector's answer for one sample. */
export interface DetectorResult {
  /** In [0, 1]. */
  score: number;
  /** Signed deviation in the detector's own units of spread (a z-score, CUSUM sum, …); 0 while warming up. */
  deviation: number;
  /** What the sample was compared with (baseline, fence, …); NaN when the detector has no such notion. */
  expected: number;
  /** False while the detector is still warming up: its score is then 0 and carries no weight. */
  ready: boolean;
}

/** Builds one detector for a new stream. Ensembles take factories so every stream gets fresh state. */
export type DetectorFactory = () => Detector;

/** The fresh result object detectors reuse between calls. */
export function emptyResult(): DetectorResult {
  return { score: 0, deviation: 0, expected: Number.NaN, ready: false };
}

/** Bytes of a typed array's backing store plus its header (measured ≈ 100 bytes in V8 on 64-bit Node 20). */
export const TYPED_ARRAY_OVERHEAD_BYTES = 100;

/** Rough size of a small JS object with `fields` numeric/pointer fields (V8: 8-byte slots plus a 24-byte header). */
export function objectBytes(fields: number): number {
  return 24 + 8 * fields;
}

/**
 * Maps a |z|-like deviation to [0, 1] with a logistic centred on `center` (score 0.5 there): z = 10 → ≈ 1 and
 * z ≤ 2 → ≈ 0 with the defaults, so one 10σ spike scores ≈ 1 and ordinary noise ≈ 0.
 */
export function deviationScore(z: number, center = 4, slope = 1.5): number {
  const a = Math.abs(z);
  if (!(a === a)) return 0; // NaN
  return 1 / (1 + Math.exp(-(a - center) * slope));
}
