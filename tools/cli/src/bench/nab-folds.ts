// Leave-one-category-out on NAB: the pure part (which candidate each fold picks, how held-out verdicts are pooled).
// Selection by cross-validation over a small pre-declared set (Stone 1974): the held-out category never informs the
// choice of configuration or threshold it is scored with.

/** What the scorer says about one candidate on one set of files (standard profile). */
export interface FoldScore {
  /** Normalised NAB score (null when the files hold no window: nothing to normalise by). */
  normalized: number | null;
  /** Raw (unnormalised) score. */
  raw: number;
  /** The scorer's threshold (null = no detections). */
  threshold: number | null;
  falsePositiveRows: number;
  windowsDetected: number;
  windows: number;
}

/** One fold's decision: the candidate that scored best on the other categories, and its threshold there. */
export interface FoldChoice {
  heldOut: string;
  candidate: string;
  /** The training threshold the held-out category is scored at (null = no detections). */
  threshold: number | null;
  trainScore: number;
}

/**
 * For each held-out category, the candidate with the best normalised score on the OTHER categories (ties: the one
 * declared first), with the threshold the scorer chose there. `train[candidate][heldOut]` is the candidate's score on
 * every category but `heldOut`; candidates are tried in `order`.
 */
export function chooseFolds(
  order: readonly string[],
  categories: readonly string[],
  train: Record<string, Record<string, FoldScore>>,
): FoldChoice[] {
  if (!order.length) throw new Error('chooseFolds: no candidates');
  return categories.map((heldOut) => {
    let best: FoldChoice | undefined;
    for (const candidate of order) {
      const s = train[candidate]?.[heldOut];
      if (!s) throw new Error(`chooseFolds: no training score for ${candidate} without ${heldOut}`);
      const score = s.normalized ?? Number.NEGATIVE_INFINITY;
      if (!best || score > best.trainScore) best = { heldOut, candidate, threshold: s.threshold, trainScore: score };
    }
    return best!;
  });
}

/** The threshold the scorer is given for "no detections" (every score is in [0, 1]). */
export const NO_DETECTIONS = 1.1;

/** A score made binary at a fold's threshold (1 = detection), so folds with different thresholds pool at 0.5. */
export function binarize(score: number, threshold: number | null): number {
  return threshold !== null && score >= threshold ? 1 : 0;
}
