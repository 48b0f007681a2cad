import type { Incident } from '@swarmscope/core';

/**
 * One injected fault, as the ground truth of a generator says it happened.
 * - `id`: the truth record's id; `cause`: what was injected (e.g. `latency_spike`, `cascade_failure`,
 *   `stopped_reporting`), reported back as is.
 * - `agents`: every agent the fault touched (for a fleet stop: every agent that stopped).
 * - `from`, `to`: data time of the fault's window, epoch ms (`to` is its end, not the end of its effects).
 */
export interface TruthFault {
  id: string;
  cause: string;
  agents: readonly string[];
  from: number;
  to: number;
}

/**
 * The fields of an `Incident` the score reads. `agents` must be the incident's whole agent list (a correlator built
 * with `maxListed: Number.MAX_SAFE_INTEGER`): a capped list under-counts a large incident's agents. Give every
 * incident in its last state (the last change seen); merged ones (`resolution: 'merged'`) are skipped, their
 * events live on in the incident they joined.
 */
export type ScoredIncident = Pick<Incident, 'id' | 'agents' | 'pools' | 'startedAt'> &
  Partial<Pick<Incident, 'resolvedAt' | 'resolution'>>;

export interface PurityOptions {
  /** Jaccard of agents from which a fault's incident names its agents (default 0.8, issue 18's target). */
  jaccardMin?: number;
  /** Time an incident may open after its fault ended and still be about it (detection delay), ms (default 10 min). */
  lateMs?: number;
  /** Agents from which an incident counts as large, for `onlyInLarge` (default 10, where an incident's severity goes up a level). */
  largeAgents?: number;
}

/** How one fault landed. */
export interface FaultPurity {
  id: string;
  cause: string;
  agents: number;
  /** The incident overlapping it in time whose agents match its agents best (Jaccard), if any names one of them. */
  incident?: string;
  jaccard: number;
  /** Incidents overlapping it in time that name any of its agents (0: it landed in none). */
  incidents: number;
  /** Agents of the smallest of those incidents (0 when none). */
  smallestIncident: number;
  /** Its best incident names its agents (Jaccard ≥ `jaccardMin`), whether or not that incident is about it. */
  named: boolean;
  /** It is `named` and its best incident is about it (no other fault matches that incident better). */
  own: boolean;
}

export interface IncidentPurity {
  faults: FaultPurity[];
  /** Share of faults that landed in an incident of their own naming their agents (1 when there are no faults). */
  ownShare: number;
  /** Faults that landed in some incident naming one of their agents. */
  landed: number;
  /** Faults `named` by their best incident. */
  named: number;
  /** Faults seen only in incidents of ≥ `largeAgents` agents: lost in a crowd. */
  onlyInLarge: number;
  /** Incidents scored (merged ones left out). */
  incidents: number;
  /**
   * Incidents of pool membership alone: they name two agents or more, all of one pool, and no fault explains them
   * (fewer than `jaccardMin` of their agents belong to the fault that matches them best). What the truth cannot
   * explain but a shared pool.
   */
  poolOnly: Array<{ id: string; agents: number; pool: string }>;
}

/**
 * Incident purity against ground truth (issue 18's incident targets, for `pnpm bench -- anomalies` and
 * `-- incidents`): per fault, does it land in an incident of its own cause naming its agents (Jaccard of agent sets),
 * or only in large ones, and which incidents group agents on nothing but their pool. Pure; time is the data's.
 */
export function scoreIncidents(
  truth: readonly TruthFault[],
  incidents: readonly ScoredIncident[],
  options: PurityOptions = {},
): IncidentPurity {
  const jaccardMin = options.jaccardMin ?? 0.8;
  const lateMs = options.lateMs ?? 600_000;
  const largeAgents = options.largeAgents ?? 10;
  const scored = incidents.filter((i) => i.resolution !== 'merged');
  const overlaps = (fault: TruthFault, incident: ScoredIncident) =>
    incident.startedAt <= fault.to + lateMs && (incident.resolvedAt ?? Infinity) >= fault.from;
  const faultSets = truth.map((fault) => new Set(fault.agents));
  // Each incident's best fault (Jaccard of agents, among the faults it overlaps in time).
  const bestFaultOf = new Map<ScoredIncident, { index: number; jaccard: number; shared: number }>();
  for (const incident of scored) {
    let best: { index: number; jaccard: number; shared: number } | undefined;
    truth.forEach((fault, index) => {
      if (!overlaps(fault, incident)) return;
      const shared = countShared(incident.agents, faultSets[index]!);
      const j = jaccardOf(shared, incident.agents.length, faultSets[index]!.size);
      if (shared > 0 && (!best || j > best.jaccard)) best = { index, jaccard: j, shared };
    });
    if (best) bestFaultOf.set(incident, best);
  }
  const faults = truth.map((fault, index): FaultPurity => {
    let top: { incident: ScoredIncident; jaccard: number } | undefined;
    let landed = 0;
    let smallestIncident = 0;
    for (const incident of scored) {
      if (!overlaps(fault, incident)) continue;
      const shared = countShared(incident.agents, faultSets[index]!);
      if (shared === 0) continue;
      landed++;
      smallestIncident = landed === 1 ? incident.agents.length : Math.min(smallestIncident, incident.agents.length);
      const j = jaccardOf(shared, incident.agents.length, faultSets[index]!.size);
      if (!top || j > top.jaccard) top = { incident, jaccard: j };
    }
    const named = top !== undefined && top.jaccard >= jaccardMin;
    const own = named && bestFaultOf.get(top!.incident)?.index === index;
    return {
      id: fault.id,
      cause: fault.cause,
      agents: faultSets[index]!.size,
      ...(top ? { incident: top.incident.id } : {}),
      jaccard: top?.jaccard ?? 0,
      incidents: landed,
      smallestIncident,
      named,
      own,
    };
  });
  const poolOnly = scored
    .filter(
      (incident) =>
        incident.agents.length >= 2 &&
        incident.pools.length === 1 &&
        (bestFaultOf.get(incident)?.shared ?? 0) < jaccardMin * incident.agents.length,
    )
    .map((incident) => ({ id: incident.id, agents: incident.agents.length, pool: incident.pools[0]! }));
  return {
    faults,
    ownShare: faults.length === 0 ? 1 : faults.filter((f) => f.own).length / faults.length,
    landed: faults.filter((f) => f.incidents > 0).length,
    named: faults.filter((f) => f.named).length,
    onlyInLarge: faults.filter((f) => f.smallestIncident >= largeAgents).length,
    incidents: scored.length,
    poolOnly,
  };
}

function countShared(agents: readonly string[], set: ReadonlySet<string>): number {
  let shared = 0;
  for (const agent of new Set(agents)) if (set.has(agent)) shared++;
  return shared;
}

function jaccardOf(shared: number, a: number, b: number): number {
  const union = a + b - shared;
  return union === 0 ? 0 : shared / union;
}
