import type { Incident } from '../bus/topics';
import type { AgentFilter, AgentRecord, IncidentFilter } from './types';

// What both store implementations share, so they page and filter the same way.

/** Page sizes the store accepts (see PageRequest). */
export function checkPageLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new RangeError(`page limit must be an integer in 1..1000, got ${limit}`);
  }
}

export function matches(record: AgentRecord, filter: AgentFilter): boolean {
  return (
    (filter.status === undefined || record.status === filter.status) &&
    (filter.model === undefined || record.model === filter.model) &&
    (filter.pool === undefined || record.pool === filter.pool)
  );
}

export function matchesIncident(incident: Incident, filter: IncidentFilter): boolean {
  return (
    (filter.status === undefined || incident.status === filter.status) &&
    (filter.severity === undefined || incident.severity === filter.severity) &&
    (filter.risk === undefined || (incident.risk ?? 'low') === filter.risk) &&
    (filter.pool === undefined || incident.pools.includes(filter.pool)) &&
    (filter.agent === undefined ||
      incident.agents.includes(filter.agent) ||
      incident.anomalies.some((anomaly) => anomaly.agentId === filter.agent)) &&
    (filter.since === undefined || incident.updatedAt >= filter.since)
  );
}

/** Newest first: by `openedAt` descending, then id ascending (a total order both stores share). */
export function compareIncidents(a: Incident, b: Incident): number {
  return b.openedAt - a.openedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
