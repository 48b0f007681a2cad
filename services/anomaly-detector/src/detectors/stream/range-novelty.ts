import { type Detector, type DetectorResult, emptyResult, objectBytes } from './detector';

// Method: the "spatial anomaly" range check of Numenta's NAB detector (numenta_detector.py; Ahmad et al. 2017).
// A value outside every value seen so far, by more than a tolerance of that range.

export interface RangeNoveltyOptions {
  /** Margin beyond the historical [min, max], as a fraction of max − min (default 0.05). */
  tolerance?: number;
  /** Values seen before scoring (default 100): a young stream sets new records all the time. */
  minSamples?: number;
}

/**
 * Scores 1 when a value leaves the range of everything this stream has produced, by more than `tolerance` of that
 * range (new record highs and lows: a CPU at a level it never reached, bytes never seen); 0 otherwise. `deviation` is
 * how far outside, in units of the historical range. Never forgets, so a stream that keeps growing keeps scoring
 * each step of growth beyond the margin. State: four numbers (≈ 60 bytes).
 */
export class RangeNoveltyDetector implements Detector {
  readonly name = 'range';
  private readonly tolerance: number;
  private readonly minSamples: number;
  private readonly result = emptyResult();
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private n = 0;

  constructor(options: RangeNoveltyOptions = {}) {
    this.tolerance = options.tolerance ?? 0.05;
    this.minSamples = options.minSamples ?? 100;
  }

  /** The historical range [min, max] (±Infinity before any value). */
  range(): { min: number; max: number } {
    return { min: this.min, max: this.max };
  }

  update(_timestamp: number, value: number): DetectorResult {
    const r = this.result;
    const span = this.max - this.min;
    r.ready = this.n >= this.minSamples && span > 0;
    r.score = 0;
    r.deviation = 0;
    r.expected = this.n ? (value > this.max ? this.max : value < this.min ? this.min : value) : Number.NaN;
    if (r.ready) {
      const margin = span * this.tolerance;
      if (value > this.max + margin) {
        r.score = 1;
        r.deviation = (value - this.max) / span;
      } else if (value < this.min - margin) {
        r.score = 1;
        r.deviation = (value - this.min) / span;
      }
    }
    if (value > this.max) this.max = value;
    if (value < this.min) this.min = value;
    this.n++;
    return r;
  }

  stateBytes(): number {
    return objectBytes(6) + objectBytes(4);
  }
}
