/**
 * Who talked to whom lately (undirected: a failure travels both ways along a hand-off), each pair with the data
 * time it was last seen. Pairs older than the window are forgotten by `prune`.
 */
export class InteractionGraph {
  private readonly adjacency = new Map<string, Map<string, number>>();
  private nextPruneAt = -Infinity;

  constructor(private readonly windowMs: number) {}

  add(a: string, b: string, at: number): void {
    this.link(a, b, at);
    this.link(b, a, at);
  }

  neighbours(agent: string): Iterable<string> {
    return this.adjacency.get(agent)?.keys() ?? [];
  }

  /** Forgets pairs not seen within the window before `now`; a full pass at most every quarter window. */
  prune(now: number): void {
    if (now < this.nextPruneAt) return;
    this.nextPruneAt = now + this.windowMs / 4;
    const cutoff = now - this.windowMs;
    for (const [agent, links] of this.adjacency) {
      for (const [other, at] of links) if (at < cutoff) links.delete(other);
      if (links.size === 0) this.adjacency.delete(agent);
    }
  }

  get agents(): number {
    return this.adjacency.size;
  }

  private link(from: string, to: string, at: number): void {
    let links = this.adjacency.get(from);
    if (!links) {
      links = new Map();
      this.adjacency.set(from, links);
    }
    links.set(to, Math.max(links.get(to) ?? -Infinity, at));
  }
}
