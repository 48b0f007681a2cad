import type { EmergenceEvent } from '@swarmscope/core';

/**
 * A warning worth a look that pages nobody: an early warning of a phase transition (rising variance and
 * autocorrelation in a pool). It never opens an incident and no anomaly joins it; `followedBy` says whether the
 * transition it warned of came (its track record).
 */
export interface Advisory {
  id: string;
  type: EmergenceEvent['type'];
  status: 'active' | 'ended';
  /** A pool, `fleet`, or a group label. */
  scope: string;
  magnitude: number;
  confidence: number;
  /** Agents it names (listed up to the cap; `agentCount` says how many in all). */
  agents: string[];
  agentCount: number;
  /** Data time, epoch ms. */
  startedAt: number;
  updatedAt: number;
  endedAt?: number;
  evidence: Record<string, number>;
  explanation: string;
  /** The first non-advisory emergence event in its scope, or naming half its agents or more, after it began. */
  followedBy?: { id: string; type: EmergenceEvent['type']; at: number };
}

export interface AdvisoryFilter {
  status?: Advisory['status'];
  scope?: string;
}

/** Advisories as they come and go: the active ones and the last `keepEnded` ended ones (newest first). */
export class AdvisoryBoard {
  private readonly items = new Map<string, Advisory>();
  /** Agent → active advisories naming it (for "followed by"). */
  private readonly byAgent = new Map<string, Set<string>>();

  constructor(
    private readonly maxListed: number,
    private readonly keepEnded: number,
  ) {}

  /** An advisory event opened, changed or closed. */
  record(event: EmergenceEvent): void {
    const known = this.items.get(event.id);
    if (known?.status === 'ended') return;
    if (!known && event.event === 'closed') return;
    const advisory: Advisory = {
      id: event.id,
      type: event.type,
      status: event.event === 'closed' ? 'ended' : 'active',
      scope: event.scope,
      magnitude: event.magnitude,
      confidence: event.confidence,
      agents: event.agents.slice(0, this.maxListed),
      agentCount: event.agents.length,
      startedAt: event.startedAt,
      updatedAt: event.time,
      ...(event.event === 'closed' ? { endedAt: event.endedAt ?? event.time } : {}),
      evidence: event.evidence,
      explanation: event.explanation,
      ...(known?.followedBy ? { followedBy: known.followedBy } : {}),
    };
    this.items.delete(event.id);
    this.items.set(event.id, advisory);
    for (const agent of event.agents) {
      if (advisory.status === 'active') this.agentSet(agent).add(event.id);
      else this.byAgent.get(agent)?.delete(event.id);
    }
    if (advisory.status === 'ended') this.forgetEnded();
  }

  /** A non-advisory emergence event opened: the advisories it follows record it (once, the first). */
  followed(event: EmergenceEvent): void {
    const shared = new Map<string, number>();
    for (const agent of event.agents)
      for (const id of this.byAgent.get(agent) ?? []) shared.set(id, (shared.get(id) ?? 0) + 1);
    for (const advisory of this.items.values()) {
      if (advisory.followedBy || advisory.status !== 'active' || advisory.startedAt > event.startedAt) continue;
      const sameScope = advisory.scope === event.scope && advisory.scope !== 'fleet';
      if (sameScope || (shared.get(advisory.id) ?? 0) * 2 >= advisory.agentCount)
        advisory.followedBy = { id: event.id, type: event.type, at: event.startedAt };
    }
  }

  /** Newest first (by start, then id). */
  list(filter: AdvisoryFilter = {}, limit = 100): Advisory[] {
    return [...this.items.values()]
      .filter(
        (a) =>
          (filter.status === undefined || a.status === filter.status) &&
          (filter.scope === undefined || a.scope === filter.scope),
      )
      .sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? -1 : 1))
      .slice(0, limit);
  }

  get activeCount(): number {
    let n = 0;
    for (const a of this.items.values()) if (a.status === 'active') n++;
    return n;
  }

  private agentSet(agent: string): Set<string> {
    let set = this.byAgent.get(agent);
    if (!set) {
      set = new Set();
      this.byAgent.set(agent, set);
    }
    return set;
  }

  /** Bounded: the oldest ended advisories go first (insertion order is the order they last changed). */
  private forgetEnded(): void {
    let ended = 0;
    for (const a of this.items.values()) if (a.status === 'ended') ended++;
    for (const [id, a] of this.items) {
      if (ended <= this.keepEnded) break;
      if (a.status !== 'ended') continue;
      this.items.delete(id);
      ended--;
    }
    for (const [agent, ids] of this.byAgent) if (ids.size === 0) this.byAgent.delete(agent);
  }
}
