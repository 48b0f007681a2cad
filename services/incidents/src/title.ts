import type { Incident, IncidentAnomaly } from '@swarmscope/core';
import { STOPPED_REPORTING, STOPPED_REPORTING_REASON } from './stopped-reporting';

/** The most frequent anomaly type (ties: the most severe first, as `anomalies` are sorted). */
export function dominantType(anomalies: readonly IncidentAnomaly[]): string | undefined {
  const counts = new Map<string, number>();
  for (const a of anomalies) counts.set(a.type, (counts.get(a.type) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  for (const [type, count] of counts) if (count > bestCount) [best, bestCount] = [type, count];
  return best;
}

const words = (type: string) => type.replace(/_/g, ' ');

/** Agents (a pool, the fleet) that stopped reporting together: one event, not one problem per agent. */
export function isStoppedReporting(incident: Pick<Incident, 'reasons'>): boolean {
  return incident.reasons.includes(STOPPED_REPORTING_REASON);
}

/** What kind of incident it is, in one word for labels: its leading emergence type, else its most frequent anomaly type. */
export function kindOf(incident: Pick<Incident, 'reasons' | 'emergence' | 'anomalies'>): string {
  if (isStoppedReporting(incident)) return STOPPED_REPORTING;
  return (
    incident.emergence.find((e) => e.type !== 'early_warning')?.type ??
    incident.emergence[0]?.type ??
    dominantType(incident.anomalies) ??
    'anomaly'
  );
}

/** One line naming what and where: "cascade failure across 12 agents of pool coding", "latency spike on agent a-7 (pool support, gpt-4o)". */
export function titleOf(incident: Omit<Incident, 'title'>, anomalies: readonly IncidentAnomaly[]): string {
  if (isStoppedReporting(incident)) {
    const pools =
      incident.pools.length === 1
        ? `pool ${incident.pools[0]}`
        : incident.pools.length > 1
          ? `pools ${incident.pools.join(', ')}`
          : 'the fleet';
    return `stopped reporting: ${incident.agentCount} agent${incident.agentCount === 1 ? '' : 's'} of ${pools}`;
  }
  const emergence = incident.emergence.find((e) => e.type !== 'early_warning') ?? incident.emergence[0];
  const what = emergence ? words(emergence.type) : words(dominantType(anomalies) ?? 'anomaly');
  const where =
    incident.pools.length === 1
      ? `pool ${incident.pools[0]}`
      : incident.pools.length > 1
        ? `pools ${incident.pools.join(', ')}`
        : emergence && emergence.scope !== 'fleet'
          ? emergence.scope
          : 'the fleet';
  if (incident.agentCount === 1 && anomalies[0]) {
    const a = anomalies[0];
    return `${what} on agent ${a.agentId} (pool ${a.pool}, ${a.model})`;
  }
  return `${what} across ${incident.agentCount} agents of ${where}`;
}
