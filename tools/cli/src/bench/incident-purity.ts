// Incident purity for `swarmscope bench anomalies`: does each planted fault land in an incident of its own cause?
// Written here, small and pure, until services/incidents has a scoring of its own to swap in.
import type { FaultWindow } from './anomaly-scoring';

/** What purity needs of an incident (the public `Incident` fits). */
export interface IncidentLike {
  id: string;
  agents: readonly string[];
  startedAt: number;
  resolvedAt?: number;
}

export interface FaultPurity {
  fault: FaultWindow;
  /** Incidents overlapping its window in time that name any of its agents. */
  incidents: number;
  /** Best Jaccard of agents among those (0 when none). */
  bestJaccard: number;
  /** Agents of the smallest of those incidents (0 when none). */
  smallestAgents: number;
}

export interface PurityScore {
  faults: number;
  /** Faults that land in some incident naming their agents. */
  landed: number;
  /** Faults whose best incident's agents match theirs (Jaccard ≥ minJaccard). */
  pure: number;
  /** Faults visible only inside incidents of ≥ 10 agents. */
  onlyInLarge: number;
  perFault: FaultPurity[];
  incidents: number;
  /** Incidents of ≥ 2 agents. */
  multiAgent: number;
  /**
   * Incidents grouped by pool membership alone: ≥ 2 agents, all of one pool, that are not the agents of one fault
   * (by the truth, nothing but the pool joins them).
   */
  poolOnly: number;
}

/** Jaccard similarity |A ∩ B| / |A ∪ B| of two sets of agents. */
export function jaccard(a: readonly string[], b: readonly string[]): number {
  const bs = new Set(b);
  const as = new Set(a);
  let shared = 0;
  for (const x of as) if (bs.has(x)) shared++;
  const union = as.size + bs.size - shared;
  return union === 0 ? 0 : shared / union;
}

/**
 * Per fault: incidents that overlap [start, end + grace] in time and name one of its agents; it is pure when the best
 * of them has Jaccard ≥ minJaccard (default 0.8) with its agents. Per incident: whether it is pool membership alone.
 * `poolOf` gives an agent's pool. Pure.
 */
export function scoreIncidentPurity(
  faults: readonly FaultWindow[],
  incidents: readonly IncidentLike[],
  poolOf: (agentId: string) => string | undefined,
  options: { minJaccard?: number; graceMs?: number } = {},
): PurityScore {
  const minJaccard = options.minJaccard ?? 0.8;
  const grace = options.graceMs ?? 0;
  const perFault = faults.map((fault): FaultPurity => {
    const agents = new Set(fault.agents);
    const mine = incidents.filter((i) => i.startedAt <= fault.end + grace && (i.resolvedAt ?? Infinity) >= fault.start && i.agents.some((a) => agents.has(a)));
    return {
      fault,
      incidents: mine.length,
      bestJaccard: Math.max(0, ...mine.map((i) => jaccard(i.agents, fault.agents))),
      smallestAgents: mine.length ? Math.min(...mine.map((i) => i.agents.length)) : 0,
    };
  });
  const multi = incidents.filter((i) => new Set(i.agents).size >= 2);
  const poolOnly = multi.filter((i) => {
    const pools = new Set(i.agents.map(poolOf));
    if (pools.size !== 1 || pools.has(undefined)) return false;
    return !faults.some((f) => i.agents.every((a) => f.agents.includes(a)));
  });
  return {
    faults: faults.length,
    landed: perFault.filter((p) => p.incidents > 0).length,
    pure: perFault.filter((p) => p.incidents > 0 && p.bestJaccard >= minJaccard).length,
    onlyInLarge: perFault.filter((p) => p.smallestAgents >= 10).length,
    perFault,
    incidents: incidents.length,
    multiAgent: multi.length,
    poolOnly: poolOnly.length,
  };
}
