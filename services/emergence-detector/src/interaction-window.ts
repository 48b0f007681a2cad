import type { Interaction } from '@swarmscope/core';
import { agentOf, FleetGraph } from './fleet-graph';

/** One directed edge of the interaction graph, summed over the horizon. */
export interface EdgeRecord {
  from: string;
  to: string;
  count: number;
  errors: number;
  /** The kind of the latest interaction on the edge (delegation, message, tool hand-off). */
  kind: string;
  lastTick: number;
}

/** The interaction graph over a sliding horizon of ticks (data time): edges not seen within it drop out. */
export class InteractionWindow {
  private readonly edges = new Map<string, EdgeRecord>();
  /** The same edges as graphology graphs, for the network measures. */
  readonly graph = new FleetGraph();
  private neighbourCache: Map<string, string[]> | undefined;

  constructor(
    readonly tickMs: number,
    readonly horizonTicks: number,
  ) {}

  add(interaction: Interaction): void {
    if (interaction.from === interaction.to) return;
    const tick = Math.floor(interaction.timestamp / this.tickMs);
    const key = `${interaction.from}\u0000${interaction.to}`;
    const edge = this.edges.get(key);
    if (edge) {
      edge.count++;
      if (interaction.outcome === 'error') edge.errors++;
      if (tick > edge.lastTick) edge.lastTick = tick;
      edge.kind = interaction.kind;
    } else {
      const record = {
        from: interaction.from,
        to: interaction.to,
        count: 1,
        errors: interaction.outcome === 'error' ? 1 : 0,
        kind: interaction.kind,
        lastTick: tick,
      };
      this.edges.set(key, record);
      this.graph.add(record);
      this.neighbourCache = undefined;
    }
  }

  /** Drops edges last seen at or before `tick − horizon`. */
  prune(tick: number): void {
    for (const [key, edge] of this.edges) {
      if (edge.lastTick <= tick - this.horizonTicks) {
        this.edges.delete(key);
        this.graph.remove(edge);
        this.neighbourCache = undefined;
      }
    }
  }

  get size(): number {
    return this.edges.size;
  }

  all(): IterableIterator<EdgeRecord> {
    return this.edges.values();
  }

  /** Undirected neighbours of every agent with an edge, read off the graph (cached until the edge set changes). */
  neighbours(): Map<string, string[]> {
    if (this.neighbourCache) return this.neighbourCache;
    const { undirected } = this.graph;
    const neighbours = new Map<string, string[]>();
    undirected.forEachNode((node) => neighbours.set(agentOf(node), undirected.neighbors(node).map(agentOf)));
    return (this.neighbourCache = neighbours);
  }

  /** Undirected edges (each pair once). */
  undirectedEdgeCount(): number {
    return this.graph.undirected.size;
  }
}
