import Graph from 'graphology';

/** A directed edge with its weight. The graph holds the object itself as the edge's attributes: its count is read live. */
export interface WeightedEdge {
  from: string;
  to: string;
  count: number;
}

/** The two directed edges an undirected pair stands for (`low` runs from the smaller node key). */
export interface PairAttributes {
  low: WeightedEdge | undefined;
  high: WeightedEdge | undefined;
}

/**
 * The fleet's interaction graph as graphology graphs, kept in step edge by edge: a directed one (PageRank) and its
 * undirected projection (Louvain, clustering, betweenness), whose weight is the sum of both directions. Building
 * 50,000 edges into graphology takes a third of a second, so the graphs live as long as the window and only its
 * changes touch them; weights need no update because the attributes are the callers' own edge objects.
 */
export class FleetGraph {
  readonly directed = new Graph<Record<string, never>, WeightedEdge>({
    type: 'directed',
    multi: false,
    allowSelfLoops: false,
  });
  readonly undirected = new Graph<Record<string, never>, PairAttributes>({
    type: 'undirected',
    multi: false,
    allowSelfLoops: false,
  });

  /** A graph of `edges`, repeated pairs summed into one edge each. */
  static fromEdges(edges: Iterable<WeightedEdge>): FleetGraph {
    const summed = new Map<string, WeightedEdge>();
    for (const { from, to, count } of edges) {
      if (from === to) continue;
      const key = edgeKey(from, to);
      const edge = summed.get(key);
      if (edge) edge.count += count;
      else summed.set(key, { from, to, count });
    }
    const graph = new FleetGraph();
    for (const edge of summed.values()) graph.add(edge);
    return graph;
  }

  /** Adds a directed edge not in the graph yet (self-loops are not interactions between agents: ignored). */
  add(edge: WeightedEdge): void {
    if (edge.from === edge.to) return;
    const from = nodeKey(edge.from);
    const to = nodeKey(edge.to);
    for (const node of [from, to]) {
      if (!this.directed.hasNode(node)) {
        this.directed.addNode(node);
        this.undirected.addNode(node);
      }
    }
    this.directed.addDirectedEdgeWithKey(edgeKey(from, to), from, to, edge);
    const pair = pairKey(from, to);
    const attributes = this.undirected.hasEdge(pair) ? this.undirected.getEdgeAttributes(pair) : undefined;
    if (attributes) attributes[from < to ? 'low' : 'high'] = edge;
    else
      this.undirected.addUndirectedEdgeWithKey(
        pair,
        from,
        to,
        from < to ? { low: edge, high: undefined } : { low: undefined, high: edge },
      );
  }

  /** Removes a directed edge; its nodes go with their last edge. */
  remove(edge: WeightedEdge): void {
    const from = nodeKey(edge.from);
    const to = nodeKey(edge.to);
    const key = edgeKey(from, to);
    if (!this.directed.hasEdge(key)) return;
    this.directed.dropEdge(key);
    const pair = pairKey(from, to);
    const attributes = this.undirected.getEdgeAttributes(pair);
    attributes[from < to ? 'low' : 'high'] = undefined;
    if (!attributes.low && !attributes.high) this.undirected.dropEdge(pair);
    for (const node of [from, to]) {
      if (this.directed.degree(node) === 0) {
        this.directed.dropNode(node);
        this.undirected.dropNode(node);
      }
    }
  }
}

/** An undirected pair's weight: both directions summed. */
export const pairWeight = (attributes: PairAttributes): number =>
  (attributes.low?.count ?? 0) + (attributes.high?.count ?? 0);

/**
 * Graph keys of agent ids. graphology's metrics return plain objects indexed by node key, so an agent named
 * `constructor` or `__proto__` would hit Object.prototype: a prefix no prototype property has keeps them apart.
 */
export const nodeKey = (agent: string): string => `@${agent}`;
export const agentOf = (key: string): string => key.slice(1);

const edgeKey = (from: string, to: string) => `${from}\u0000${to}`;
const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
