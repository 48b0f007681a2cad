// The seam for the per-agent, AI-specific detectors (quality trend, output drift, token spikes, error surges, latency
// SLO, request surges): each is streaming and pure, and answers with a typed verdict and the numbers behind it.

/** Anomaly types the engine reports (the `type` of an anomaly event), from the most to the least specific. */
export const ANOMALY_TYPES = [
  'request_surge',
  'port_scan',
  'error_surge',
  'token_spike',
  'model_drift',
  'memory_leak',
  'quality_degradation',
  'latency_spike',
  'latency_slo',
  'stopped_reporting',
  'silent',
  'multivariate',
  'statistical',
] as const;
export type AgentAnomalyType = (typeof ANOMALY_TYPES)[number];

/** One detector's answer for one observation. The object is reused: copy what you keep. */
export interface SignalVerdict {
  /** In [0, 1]; 0.5 is the detector's own significance level (the anomaly threshold). */
  score: number;
  /** False while warming up (score 0). */
  ready: boolean;
  /** The numbers behind the score (fixed keys per detector, updated in place). */
  evidence: Record<string, number>;
}

/** A per-agent detector of one AI-specific pattern. */
export interface SignalDetector {
  /** Short stable name, used in events' `detectors` (e.g. `error-surge`). */
  readonly name: string;
  readonly type: AgentAnomalyType;
  /** The metric it watches (`error_rate`, `output_tokens`, …), for an event's `features`. */
  readonly feature: string;
  /** The last verdict. */
  readonly verdict: SignalVerdict;
  /** One clause with the numbers of the last verdict (allocates: for anomalies only). */
  describe(): string;
  /** Bytes of state: constant after construction. */
  stateBytes(): number;
}

/** The logistic 1 / (1 + e^(−slope·(x − center))): 0.5 at `center`. */
export function logistic(x: number, center: number, slope: number): number {
  return 1 / (1 + Math.exp(-(x - center) * slope));
}

/** A fresh verdict with the given evidence keys set to NaN. */
export function verdict(keys: readonly string[]): SignalVerdict {
  const evidence: Record<string, number> = {};
  for (const k of keys) evidence[k] = Number.NaN;
  return { score: 0, ready: false, evidence };
}

/** Rough bytes of a verdict object with `keys` evidence fields. */
export function verdictBytes(keys: number): number {
  return 24 + 3 * 8 + 24 + keys * 16;
}
