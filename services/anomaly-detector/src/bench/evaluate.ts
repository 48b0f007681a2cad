// Method: event-level detection scoring against injected ground truth — a detection is a true positive when it starts
// inside an injection window of the same agent (cf. the window-based scoring of NAB, Lavin & Ahmad 2015, without
// its weighting); precision, recall, time to detect per type, and false alarms per agent-day.

/** One injected anomaly on one agent (a multi-agent injection is one window per agent). Times in epoch ms. */
export interface TruthWindow {
  agentId: string;
  type: string;
  start: number;
  end: number;
}

/** One detection: an anomaly's start on an agent (e.g. an `opened` event: agentId, type, startedAt). */
export interface Detection {
  agentId: string;
  type: string;
  start: number;
}

export interface EvaluationOptions {
  /** A detection up to this long after a window's end still counts for it (default 0). */
  graceMs?: number;
  /**
   * Whether a detection must also name the right type: false (default: any type counts), true (equal types), or a
   * predicate (truthType, detectedType) → boolean for equivalences (e.g. `latency_slo` for `latency_spike`).
   */
  matchType?: boolean | ((truthType: string, detectedType: string) => boolean);
}

/** Time to detect for one injected type. */
export interface TypeEvaluation {
  windows: number;
  detected: number;
  recall: number;
  /** Over detected windows: first matching detection − window start, ms. NaN when none was detected. */
  medianMs: number;
  meanMs: number;
  maxMs: number;
}

export interface Evaluation {
  windows: number;
  detections: number;
  /** Detections inside a window of their agent (and of a matching type, if required). */
  truePositives: number;
  falsePositives: number;
  /** truePositives / detections (NaN without detections). */
  precision: number;
  /** Windows with at least one matching detection. */
  detected: number;
  /** detected / windows (NaN without windows). */
  recall: number;
  f1: number;
  /** falsePositives / agentDays. */
  falseAlarmsPerAgentDay: number;
  /** Among true positives, the share whose type equals their window's type. */
  typeAgreement: number;
  byType: Record<string, TypeEvaluation>;
}

/**
 * Scores detections against ground truth. A detection is a true positive when its start lies in [start, end + grace]
 * of a window of the same agent (type permitting); every other detection is a false alarm. A window is detected when
 * some true positive falls in it; its time to detect is the earliest one's start minus the window's start. Pure.
 * `agentDays`: agents × days observed (e.g. 2,000 agents for 6 hours = 500), for the false-alarm rate.
 */
export function evaluateDetections(
  truth: readonly TruthWindow[],
  detections: readonly Detection[],
  agentDays: number,
  options: EvaluationOptions = {},
): Evaluation {
  const grace = options.graceMs ?? 0;
  const match = typeMatcher(options.matchType ?? false);
  const byAgent = new Map<string, number[]>();
  truth.forEach((w, i) => {
    const list = byAgent.get(w.agentId);
    if (list) list.push(i);
    else byAgent.set(w.agentId, [i]);
  });
  const firstHit = new Float64Array(truth.length).fill(Number.POSITIVE_INFINITY);
  let truePositives = 0;
  let sameType = 0;
  for (const d of detections) {
    let hit = false;
    let typed = false;
    for (const i of byAgent.get(d.agentId) ?? []) {
      const w = truth[i]!;
      if (d.start < w.start || d.start > w.end + grace || !match(w.type, d.type)) continue;
      hit = true;
      if (w.type === d.type) typed = true;
      if (d.start < firstHit[i]!) firstHit[i] = d.start;
    }
    if (hit) {
      truePositives++;
      if (typed) sameType++;
    }
  }
  const groups = new Map<string, number[]>();
  let detected = 0;
  truth.forEach((w, i) => {
    const delays = groups.get(w.type) ?? [];
    groups.set(w.type, delays);
    if (Number.isFinite(firstHit[i]!)) {
      detected++;
      delays.push(firstHit[i]! - w.start);
    } else delays.push(Number.NaN);
  });
  const byType: Record<string, TypeEvaluation> = {};
  for (const [type, delays] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const hits = delays.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    byType[type] = {
      windows: delays.length,
      detected: hits.length,
      recall: hits.length / delays.length,
      medianMs: median(hits),
      meanMs: hits.length ? hits.reduce((a, b) => a + b, 0) / hits.length : Number.NaN,
      maxMs: hits.length ? hits[hits.length - 1]! : Number.NaN,
    };
  }
  const falsePositives = detections.length - truePositives;
  const precision = detections.length ? truePositives / detections.length : Number.NaN;
  const recall = truth.length ? detected / truth.length : Number.NaN;
  return {
    windows: truth.length,
    detections: detections.length,
    truePositives,
    falsePositives,
    precision,
    detected,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : Number.NaN,
    falseAlarmsPerAgentDay: agentDays > 0 ? falsePositives / agentDays : Number.NaN,
    typeAgreement: truePositives ? sameType / truePositives : Number.NaN,
    byType,
  };
}

function typeMatcher(option: EvaluationOptions['matchType']): (truthType: string, detectedType: string) => boolean {
  if (typeof option === 'function') return option;
  return option ? (a, b) => a === b : () => true;
}

function median(sorted: number[]): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = n >> 1;
  return n & 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}
