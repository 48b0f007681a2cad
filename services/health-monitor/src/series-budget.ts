/**
 * Distinct custom series (metric and quality names outside the standard set) per agent, capped: an agent that keeps
 * inventing names (a label baked into a name, a bug) would otherwise grow every window and downstream detector
 * without bound. Pure bookkeeping, per process; a name counts from the first valid report that carries it.
 */
export class SeriesBudget {
  private readonly custom = new Map<string, Set<string>>();

  constructor(
    readonly maxPerAgent: number,
    private readonly standard: ReadonlySet<string>,
  ) {}

  /**
   * Admits a report's names for `agentId`: undefined when they fit (new ones are then counted), else the first
   * name past the budget, and nothing is counted.
   */
  admit(agentId: string, names: Iterable<string>): string | undefined {
    const known = this.custom.get(agentId);
    let added: string[] | undefined;
    for (const name of names) {
      if (this.standard.has(name) || known?.has(name) || added?.includes(name)) continue;
      (added ??= []).push(name);
      if ((known?.size ?? 0) + added.length > this.maxPerAgent) return name;
    }
    if (added) {
      const set = known ?? new Set<string>();
      for (const name of added) set.add(name);
      if (!known) this.custom.set(agentId, set);
    }
    return undefined;
  }

  /** Custom series counted for one agent. */
  count(agentId: string): number {
    return this.custom.get(agentId)?.size ?? 0;
  }
}
