import { type Detector, type DetectorResult, emptyResult, objectBytes } from './detector';
import { SortedWindow } from '../../math/sorted-window';

// Method: Tukey's fences (Tukey 1977): outside [Q1 − 1.5·IQR, Q3 + 1.5·IQR] is an outlier, beyond 3·IQR "far out".

export interface IqrFenceOptions {
  /** Values in the sliding window (default 64). */
  window?: number;
  /** Values needed before scoring (default 16). */
  minSamples?: number;
  /** Inner fence in IQRs beyond the quartiles (default 1.5): the score starts rising here. */
  inner?: number;
  /** Outer fence in IQRs (default 3): the score reaches 1 here. */
  outer?: number;
}

/**
 * Scores a value by how far it lies beyond the interquartile fences of the last `window` values:
 * 0 inside the inner fences, rising linearly to 1 at the outer fences. `deviation` is the distance beyond the
 * nearer quartile in IQRs (signed). State: one {@link SortedWindow} (16 bytes × window).
 */
export class IqrFenceDetector implements Detector {
  readonly name = 'iqr-fences';
  private readonly window: SortedWindow;
  private readonly minSamples: number;
  private readonly inner: number;
  private readonly outer: number;
  private readonly result = emptyResult();

  constructor(options: IqrFenceOptions = {}) {
    this.window = new SortedWindow(options.window ?? 64);
    this.minSamples = Math.min(options.minSamples ?? 16, this.window.capacity);
    this.inner = options.inner ?? 1.5;
    this.outer = options.outer ?? 3;
  }

  update(_timestamp: number, value: number): DetectorResult {
    const r = this.result;
    const w = this.window;
    if (w.size >= this.minSamples) {
      const q1 = w.quantile(0.25);
      const q3 = w.quantile(0.75);
      let iqr = q3 - q1;
      if (!(iqr > 0)) iqr = 1e-9 * Math.max(1, Math.abs(q3)); // a flat window: any departure is far out
      const d = value > q3 ? (value - q3) / iqr : value < q1 ? (value - q1) / iqr : 0;
      const a = Math.abs(d);
      r.deviation = d;
      r.expected = w.median();
      r.score = a <= this.inner ? 0 : Math.min(1, (a - this.inner) / (this.outer - this.inner));
      r.ready = true;
    } else {
      r.deviation = 0;
      r.expected = w.median();
      r.score = 0;
      r.ready = false;
    }
    w.push(value);
    return r;
  }

  stateBytes(): number {
    return objectBytes(6) + objectBytes(4) + this.window.stateBytes();
  }
}
