import type { IncidentAnomaly } from '@swarmscope/core';

/** A pool-level anomaly: the anomaly-detector's one event for a pool whose agents stopped reporting at once. */
export const STOPPED_REPORTING = 'stopped_reporting';
/** The reason a stopped-reporting incident carries (what tells it apart in the API). */
export const STOPPED_REPORTING_REASON = 'agents stopped reporting together';

/** Anomalies that say "no data": an agent's `silent`, a pool's `stopped_reporting`. */
export function isStopSignal(anomaly: Pick<IncidentAnomaly, 'type'>): boolean {
  return anomaly.type === 'silent' || anomaly.type === STOPPED_REPORTING;
}

/** When the agent went quiet: its last report (`evidence.lastReportAt`) when the detector gives it, else the onset. */
export function quietSince(anomaly: Pick<IncidentAnomaly, 'startedAt' | 'evidence'>): number {
  const last = anomaly.evidence.lastReportAt;
  return last !== undefined && Number.isFinite(last) && last <= anomaly.startedAt ? last : anomaly.startedAt;
}

/**
 * Agents a stopped-reporting incident covers: per pool, the silent agents it names or the pool-level anomaly's
 * `evidence.agents` count, whichever is larger (the detector sends one or the other, or both).
 */
export function stoppedAgentCount(anomalies: Iterable<IncidentAnomaly>): number {
  const named = new Map<string, Set<string>>();
  const counted = new Map<string, number>();
  for (const a of anomalies) {
    if (a.type === STOPPED_REPORTING) counted.set(a.pool, Math.max(counted.get(a.pool) ?? 0, a.evidence.agents ?? 0));
    else if (a.type === 'silent') {
      const set = named.get(a.pool) ?? new Set<string>();
      set.add(a.agentId);
      named.set(a.pool, set);
    }
  }
  let total = 0;
  for (const pool of new Set([...named.keys(), ...counted.keys()]))
    total += Math.max(named.get(pool)?.size ?? 0, counted.get(pool) ?? 0);
  return total;
}
