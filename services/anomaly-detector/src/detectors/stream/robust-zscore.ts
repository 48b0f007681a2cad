import { type Detector, type DetectorResult, deviationScore, emptyResult, objectBytes } from './detector';
import { SortedWindow } from '../../math/sorted-window';

// Method: robust z-score, z = (x − median) / (1.4826 · MAD) over a sliding window (Iglewicz & Hoaglin 1993; Hampel 1974).

export interface RobustZScoreOptions {
  /** Values in the sliding window (default 64). Memory grows 16 bytes a slot. */
  window?: number;
  /** Values needed before scoring (default 16). */
  minSamples?: number;
  /** |z| that scores 0.5 (default 4). */
  center?: number;
  /** Logistic slope of the score around `center` (default 1.5). */
  slope?: number;
}

/** 1 / Φ⁻¹(3/4): MAD × this estimates σ for normal data. */
export const MAD_TO_SIGMA = 1.482602218505602;
/** √(π/2): mean absolute deviation × this estimates σ for normal data. */
export const MEAN_AD_TO_SIGMA = 1.2533141373155001;

/**
 * Robust spread for a window: 1.4826·MAD, falling back to 1.2533·(mean absolute deviation) when more than half the
 * values are equal (MAD = 0, e.g. a mostly-idle metric), and to a relative epsilon for a flat line.
 */
export function robustScale(window: SortedWindow): number {
  const mad = window.mad() * MAD_TO_SIGMA;
  if (mad > 0) return mad;
  const meanAd = window.meanAbsDeviation() * MEAN_AD_TO_SIGMA;
  if (meanAd > 0) return meanAd;
  return 1e-9 * Math.max(1, Math.abs(window.median()));
}

/**
 * Scores how far a value lies from the median of the last `window` values, in robust standard deviations.
 * A single 10σ spike scores ≈ 1 and barely moves the median/MAD, so the points around it still score ≈ 0.
 * State: one {@link SortedWindow} (16 bytes × window) — 1.3 KB at the default window of 64.
 */
export class RobustZScoreDetector implements Detector {
  readonly name = 'robust-zscore';
  private readonly window: SortedWindow;
  private readonly minSamples: number;
  private readonly center: number;
  private readonly slope: number;
  private readonly result = emptyResult();

  constructor(options: RobustZScoreOptions = {}) {
    this.window = new SortedWindow(options.window ?? 64);
    this.minSamples = Math.min(options.minSamples ?? 16, this.window.capacity);
    this.center = options.center ?? 4;
    this.slope = options.slope ?? 1.5;
  }

  update(_timestamp: number, value: number): DetectorResult {
    const r = this.result;
    const w = this.window;
    if (w.size >= this.minSamples) {
      const median = w.median();
      const z = (value - median) / robustScale(w);
      r.deviation = z;
      r.expected = median;
      r.score = deviationScore(z, this.center, this.slope);
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
