import type { Incident, IncidentAnomaly } from '@swarmscope/core';

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

/** One line naming what and where: "cascade failure across 12 agents of pool coding", "latency spike on agent a-7 (pool support, gpt-4o)". */
export function titleOf(incident: Omit<Incident, 'title'>, anomalies: readonly IncidentAnomaly[]): string {
  const emergence = incident.emergence.find((e) => e.type !== 'early_warning') ?? incident.emergence[0];
  const what = emergence ? words(emergence.type) : words(dominantType(anomalies) ?? 'anomaly');
  const where = incident.pools.length === 1 ? `pool ${incident.pools[0]}` : incident.pools.length > 1 ? `pools ${incident.pools.join(', ')}` : emergence && emergence.scope !== 'fleet' ? emergence.scope : 'the fleet';
  if (incident.agentCount === 1 && anomalies[0]) {
    const a = anomalies[0];
    return `${what} on agent ${a.agentId} (pool ${a.pool}, ${a.model})`;
  }
  return `${what} across ${incident.agentCount} agents of ${where}`;
}
