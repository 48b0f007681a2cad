// Scoring of anomaly events against planted faults, for `swarmscope bench anomalies`: recall with the right type,
// detection delay by type, false alarms per agent-day (event-level scoring against injected ground truth, as in
// evaluate.ts, but on what a user sees: the type an anomaly is published with, when it is published). Pure.

/** One planted fault (both generators map their truth to this). Times epoch ms, end exclusive. */
export interface FaultWindow {
  id: string;
  /** The generator's fault type (see RIGHT_TYPES). */
  type: string;
  agents: readonly string[];
  start: number;
  end: number;
  params?: Readonly<Record<string, number>>;
}

/** An anomaly as published: its `opened` event, or an `updated` one (its type or risk may have changed). */
export interface Sighting {
  agentId: string;
  type: string;
  risk?: string;
  /** Data time the event was published (its `time`). */
  at: number;
  opened: boolean;
}

/**
 * The detected types that name each fault type rightly: fleetgen's fault names and the simulator's (which are
 * already the detector's types). Exfiltration has no anomaly type of its own: a token spike classed medium or high
 * risk names it (see `isRightType`).
 */
export const RIGHT_TYPES: Readonly<Record<string, readonly string[]>> = {
  latency: ['latency_spike', 'latency_slo'],
  error_burst: ['error_surge'],
  quality_slide: ['quality_degradation'],
  token_explosion: ['token_spike'],
  model_drift: ['model_drift'],
  memory_leak: ['memory_leak'],
  request_flood: ['request_surge'],
  scan: ['port_scan', 'scan'],
  exfiltration: ['exfiltration'],
  latency_spike: ['latency_spike', 'latency_slo'],
  error_surge: ['error_surge'],
  token_spike: ['token_spike'],
  quality_degradation: ['quality_degradation'],
  silent: ['silent'],
};

export function isRightType(faultType: string, s: Pick<Sighting, 'type' | 'risk'>): boolean {
  if ((RIGHT_TYPES[faultType] ?? [faultType]).includes(s.type)) return true;
  return faultType === 'exfiltration' && s.type === 'token_spike' && (s.risk === 'medium' || s.risk === 'high');
}

export interface FaultOutcome {
  fault: FaultWindow;
  /** First right-typed sighting on its agents inside [start, end + grace] minus start; undefined when none. */
  delayMs?: number;
  /** The same for a sighting of any type. */
  anyTypeDelayMs?: number;
  /** Types seen on its agents inside the window, in order of first sight. */
  typesSeen: string[];
}

export interface TypeScore {
  faults: number;
  /** Faults found with the right type, and their share. */
  detected: number;
  recall: number;
  /** Faults with a sighting of any type in their window. */
  detectedAnyType: number;
  /** Over faults found with the right type; NaN when none. */
  medianDelayMs: number;
  p90DelayMs: number;
}

export interface DetectionScore {
  faults: number;
  detected: number;
  recall: number;
  detectedAnyType: number;
  byType: Record<string, TypeScore>;
  outcomes: FaultOutcome[];
  /** Anomalies opened outside every fault window (+ grace) of their agent: all of them on a fault-free run. */
  falseAlarms: number;
  falseAlarmsByType: Record<string, number>;
  falseAlarmsPerAgentDay: number;
  agentDays: number;
}

export interface ScoringOptions {
  agentDays: number;
  /** A sighting this long after a window's end still counts for it (default 0). */
  graceMs?: number;
}

/**
 * Scores sightings against faults. A fault is found with the right type when a sighting of a right type (RIGHT_TYPES)
 * on one of its agents is published inside [start, end + grace]; its delay is the first such sighting's time minus
 * the start. An anomaly already open before the fault, of the right type, does not count: the user is not told of
 * the new trouble. Every `opened` sighting outside all windows of its agent is a false alarm.
 */
export function scoreDetections(
  faults: readonly FaultWindow[],
  sightings: readonly Sighting[],
  options: ScoringOptions,
): DetectionScore {
  const grace = options.graceMs ?? 0;
  const windowsOf = new Map<string, FaultWindow[]>();
  for (const f of faults) for (const a of f.agents) windowsOf.set(a, [...(windowsOf.get(a) ?? []), f]);
  const outcomes = new Map<FaultWindow, FaultOutcome>(faults.map((f) => [f, { fault: f, typesSeen: [] }]));
  const falseAlarmsByType: Record<string, number> = {};
  let falseAlarms = 0;
  for (const s of [...sightings].sort((a, b) => a.at - b.at)) {
    let inWindow = false;
    for (const f of windowsOf.get(s.agentId) ?? []) {
      if (s.at < f.start || s.at > f.end + grace) continue;
      inWindow = true;
      const o = outcomes.get(f)!;
      if (!o.typesSeen.includes(s.type)) o.typesSeen.push(s.type);
      o.anyTypeDelayMs ??= s.at - f.start;
      if (o.delayMs === undefined && isRightType(f.type, s)) o.delayMs = s.at - f.start;
    }
    if (!inWindow && s.opened) {
      falseAlarms++;
      falseAlarmsByType[s.type] = (falseAlarmsByType[s.type] ?? 0) + 1;
    }
  }
  const list = [...outcomes.values()];
  const byType: Record<string, TypeScore> = {};
  for (const type of [...new Set(faults.map((f) => f.type))].sort()) {
    const mine = list.filter((o) => o.fault.type === type);
    const delays = mine.flatMap((o) => (o.delayMs === undefined ? [] : [o.delayMs])).sort((a, b) => a - b);
    byType[type] = {
      faults: mine.length,
      detected: delays.length,
      recall: delays.length / mine.length,
      detectedAnyType: mine.filter((o) => o.anyTypeDelayMs !== undefined).length,
      medianDelayMs: quantileOfSorted(delays, 0.5),
      p90DelayMs: quantileOfSorted(delays, 0.9),
    };
  }
  const detected = list.filter((o) => o.delayMs !== undefined).length;
  return {
    faults: faults.length,
    detected,
    recall: faults.length ? detected / faults.length : Number.NaN,
    detectedAnyType: list.filter((o) => o.anyTypeDelayMs !== undefined).length,
    byType,
    outcomes: list,
    falseAlarms,
    falseAlarmsByType,
    falseAlarmsPerAgentDay: options.agentDays > 0 ? falseAlarms / options.agentDays : Number.NaN,
    agentDays: options.agentDays,
  };
}

/** The q-quantile of ascending values, linearly interpolated between closest ranks (NaN when empty). */
export function quantileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
