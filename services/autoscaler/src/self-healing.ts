/**
 * Self-healing: finds agents that stopped reporting while their pool still reports (a crashed or hung agent, not an
 * idle pool), and decides how many to replace under a flapping guard: at most `maxPerPeriod` replacements per pool per
 * `periodMs`; when a pool hits it, it backs off for `backoffMs`, doubling each time it hits again (up to 1 h).
 * Agents no longer needed (the pool holds fewer replicas than agents seen) are forgotten, not replaced.
 */
export interface SelfHealingOptions {
  unresponsiveAfterMs: number;
  maxPerPeriod: number;
  periodMs: number;
  backoffMs: number;
}

export interface Replacement {
  pool: string;
  agentIds: string[];
}

const MAX_BACKOFF_MS = 3_600_000;

export class SelfHealing {
  private readonly lastSeen = new Map<string, Map<string, number>>();
  private readonly history = new Map<string, number[]>();
  private readonly backoff = new Map<string, { until: number; ms: number }>();

  constructor(private readonly options: SelfHealingOptions) {}

  seen(pool: string, agentId: string, at: number): void {
    let agents = this.lastSeen.get(pool);
    if (!agents) this.lastSeen.set(pool, (agents = new Map()));
    agents.set(agentId, Math.max(at, agents.get(agentId) ?? 0));
  }

  /** Agents alive (seen within the timeout) in a pool at `at`. */
  alive(pool: string, at: number): number {
    let n = 0;
    for (const last of this.lastSeen.get(pool)?.values() ?? []) if (at - last <= this.options.unresponsiveAfterMs) n++;
    return n;
  }

  /**
   * The replacements due at `at`, given each pool's replica count; the chosen agents are forgotten (their
   * replacements will report under new ids). Pools held back by the guard are listed in `held`.
   */
  due(at: number, replicas: ReadonlyMap<string, number>): { replacements: Replacement[]; held: string[] } {
    const replacements: Replacement[] = [];
    const held: string[] = [];
    for (const [pool, agents] of this.lastSeen) {
      const dead = [...agents].filter(([, last]) => at - last > this.options.unresponsiveAfterMs).map(([id]) => id);
      if (dead.length === 0) continue;
      const alive = agents.size - dead.length;
      const wanted = replicas.get(pool) ?? agents.size;
      // A pool that stopped reporting altogether is idle or gone, not broken agent by agent.
      const missing = alive === 0 ? 0 : Math.min(dead.length, Math.max(0, wanted - alive));
      const chosen = dead.slice(0, missing);
      for (const id of dead.slice(missing)) agents.delete(id);
      if (chosen.length === 0) continue;
      const recent = (this.history.get(pool) ?? []).filter((t) => at - t < this.options.periodMs);
      this.history.set(pool, recent);
      const backoff = this.backoff.get(pool);
      if (backoff && at < backoff.until) {
        held.push(pool);
        continue;
      }
      const room = this.options.maxPerPeriod - recent.length;
      if (room <= 0) {
        const ms = Math.min(MAX_BACKOFF_MS, backoff ? backoff.ms * 2 : this.options.backoffMs);
        this.backoff.set(pool, { until: at + ms, ms });
        held.push(pool);
        continue;
      }
      const now = chosen.slice(0, room);
      for (const id of now) agents.delete(id);
      for (let i = 0; i < now.length; i++) recent.push(at);
      replacements.push({ pool, agentIds: now });
    }
    return { replacements, held };
  }
}
