import Graph from 'graphology';
import louvain from 'graphology-communities-louvain';

export interface LayoutInput {
  nodes: ReadonlyArray<{ id: string; interactions: number }>;
  edges: ReadonlyArray<{ from: string; to: string; count: number; errorRate: number }>;
}

/** Edges as columns of node (or community) indexes, busiest first. */
export interface EdgeTable {
  source: Int32Array;
  target: Int32Array;
  count: Float64Array;
  errorRate: Float32Array;
}

/**
 * A laid-out fleet graph as typed arrays (moved, not copied, from the worker to the page). Per node, in the input's
 * order: position, size, community (0 = the largest). The edges once per direction (kinds merged); each node's
 * edges (`adjacency`: node i's are `edges[offsets[i] .. offsets[i+1]]`, indexes into `edges`); the links between
 * communities (counts summed, drawn from a community's busiest node, which sits at its disc's centre).
 */
export interface Layout {
  x: Float32Array;
  y: Float32Array;
  size: Float32Array;
  community: Int32Array;
  communities: number;
  /** Per community: its busiest node, at the centre of its disc, and the disc's radius. */
  representative: Int32Array;
  radius: Float32Array;
  /** The ten busiest nodes, busiest first. */
  hubs: Int32Array;
  /** Every node, busiest first (by interactions, ties by input order). */
  busiest: Int32Array;
  edges: EdgeTable;
  adjacency: { offsets: Int32Array; edges: Int32Array };
  links: EdgeTable;
}

const HUBS = 10;

/**
 * Places a fleet graph for drawing without an iterative layout (so 10,000 nodes draw at once): Louvain communities
 * (Blondel et al. 2008) each on a disc around its own centre, busiest nodes nearest the centre, the centres on a
 * circle sized by the communities; node size by interactions (log). Pure: it runs in a Web Worker, off the page's
 * main thread, and also indexes the edges the page's level of detail needs (graph-lod.ts).
 */
export function layoutByCommunity(input: LayoutInput, seed = 1): Layout {
  const n = input.nodes.length;
  const indexOf = new Map<string, number>();
  input.nodes.forEach((node, index) => indexOf.set(node.id, index));
  const edges = mergeEdges(input, indexOf);

  const undirected = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  input.nodes.forEach((node) => undirected.addNode(node.id));
  for (let e = 0; e < edges.source.length; e++) {
    const a = input.nodes[edges.source[e]!]!.id;
    const b = input.nodes[edges.target[e]!]!.id;
    if (undirected.hasEdge(a, b))
      undirected.updateEdgeAttribute(a, b, 'weight', (w: number | undefined) => (w ?? 0) + edges.count[e]!);
    else undirected.addEdge(a, b, { weight: edges.count[e]! });
  }
  const found: Record<string, number> =
    undirected.size > 0 ? louvain(undirected, { getEdgeWeight: 'weight', rng: mulberry32(seed) }) : {};
  const busier = (a: number, b: number) => input.nodes[b]!.interactions - input.nodes[a]!.interactions || a - b;
  const members = new Map<number, number[]>();
  input.nodes.forEach((node, index) => {
    // A node with no edge is a community of its own.
    const c = found[node.id] ?? -1 - index;
    let list = members.get(c);
    if (!list) members.set(c, (list = []));
    list.push(index);
  });
  const groups = [...members.values()].sort((a, b) => b.length - a.length || busier(a[0]!, b[0]!));
  for (const group of groups) group.sort(busier);

  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const community = new Int32Array(n);
  const radii = groups.map((g) => Math.sqrt(g.length) * 2);
  const circumference = radii.reduce((sum, r) => sum + 2 * r + 4, 0);
  const bigRadius = groups.length > 1 ? circumference / (2 * Math.PI) : 0;
  let angle = 0;
  groups.forEach((group, g) => {
    const r = radii[g]!;
    angle += (r + 2) / Math.max(bigRadius, 1);
    const cx = bigRadius * Math.cos(angle);
    const cy = bigRadius * Math.sin(angle);
    angle += (r + 2) / Math.max(bigRadius, 1);
    group.forEach((index, i) => {
      // A sunflower (Vogel) spiral fills the community's disc evenly, from its centre out.
      const t = i * 2.399963;
      const d = i === 0 ? 0 : r * Math.sqrt((i + 0.5) / group.length);
      x[index] = cx + d * Math.cos(t);
      y[index] = cy + d * Math.sin(t);
      community[index] = g;
    });
  });
  const size = new Float32Array(n);
  // Radii in the layout's units (the spiral puts neighbours ≈ 3.5 apart): 0.6 for an idle agent, 2.3 at 1,000.
  input.nodes.forEach((node, index) => (size[index] = 0.6 + Math.log2(1 + node.interactions) / 6));
  const busiest = Int32Array.from(input.nodes.keys()).sort(busier);
  return {
    x,
    y,
    size,
    community,
    communities: groups.length,
    representative: Int32Array.from(groups.map((group) => group[0]!)),
    radius: Float32Array.from(radii),
    hubs: busiest.slice(0, HUBS),
    busiest,
    edges,
    adjacency: adjacencyOf(n, edges),
    links: linksBetween(community, edges),
  };
}

/**
 * What the page needs of a layout to draw a plan and frame an agent: the layout without the planner's own indexes
 * (every node busiest first, each node's edges). The planning worker keeps the layout and sends the page this.
 */
export type Drawing = Omit<Layout, 'busiest' | 'adjacency'>;

/** A copy of the layout's drawing part, and its buffers to transfer (the worker keeps its own layout to plan on). */
export function drawingOf(layout: Layout): { drawing: Drawing; buffers: ArrayBuffer[] } {
  const table = (t: EdgeTable): EdgeTable => ({
    source: t.source.slice(),
    target: t.target.slice(),
    count: t.count.slice(),
    errorRate: t.errorRate.slice(),
  });
  const drawing: Drawing = {
    x: layout.x.slice(),
    y: layout.y.slice(),
    size: layout.size.slice(),
    community: layout.community.slice(),
    communities: layout.communities,
    representative: layout.representative.slice(),
    radius: layout.radius.slice(),
    hubs: layout.hubs.slice(),
    edges: table(layout.edges),
    links: table(layout.links),
  };
  const tables = [drawing.edges, drawing.links].flatMap((t) => [t.source, t.target, t.count, t.errorRate]);
  const arrays = [drawing.x, drawing.y, drawing.size, drawing.community, drawing.representative, drawing.radius];
  return {
    drawing,
    buffers: [...arrays, drawing.hubs, ...tables].map((array) => array.buffer as ArrayBuffer),
  };
}

/** The answer's edges between known, distinct nodes, once per direction (kinds merged), busiest first. */
function mergeEdges(input: LayoutInput, indexOf: ReadonlyMap<string, number>): EdgeTable {
  const merged = new Map<string, { source: number; target: number; count: number; errors: number }>();
  for (const edge of input.edges) {
    const source = indexOf.get(edge.from);
    const target = indexOf.get(edge.to);
    if (source === undefined || target === undefined || source === target) continue;
    const key = `${source} ${target}`;
    const entry = merged.get(key) ?? { source, target, count: 0, errors: 0 };
    entry.count += edge.count;
    entry.errors += edge.errorRate * edge.count;
    merged.set(key, entry);
  }
  return toTable([...merged.values()]);
}

/** Edges summed per pair of communities (either direction), busiest first; edges inside a community are not links. */
function linksBetween(community: Int32Array, edges: EdgeTable): EdgeTable {
  const merged = new Map<number, { source: number; target: number; count: number; errors: number }>();
  const communities = community.length + 1;
  for (let e = 0; e < edges.source.length; e++) {
    const a = community[edges.source[e]!]!;
    const b = community[edges.target[e]!]!;
    if (a === b) continue;
    const [source, target] = a < b ? [a, b] : [b, a];
    const key = source * communities + target;
    const entry = merged.get(key) ?? { source, target, count: 0, errors: 0 };
    entry.count += edges.count[e]!;
    entry.errors += edges.errorRate[e]! * edges.count[e]!;
    merged.set(key, entry);
  }
  return toTable([...merged.values()]);
}

function toTable(rows: Array<{ source: number; target: number; count: number; errors: number }>): EdgeTable {
  rows.sort((a, b) => b.count - a.count || a.source - b.source || a.target - b.target);
  return {
    source: Int32Array.from(rows, (r) => r.source),
    target: Int32Array.from(rows, (r) => r.target),
    count: Float64Array.from(rows, (r) => r.count),
    errorRate: Float32Array.from(rows, (r) => (r.count > 0 ? r.errors / r.count : 0)),
  };
}

/** Each node's edges (compressed rows), in the table's order: busiest first. */
function adjacencyOf(n: number, edges: EdgeTable): Layout['adjacency'] {
  const offsets = new Int32Array(n + 1);
  for (let e = 0; e < edges.source.length; e++) {
    offsets[edges.source[e]! + 1]++;
    offsets[edges.target[e]! + 1]++;
  }
  for (let i = 0; i < n; i++) offsets[i + 1] += offsets[i]!;
  const fill = offsets.slice(0, n);
  const list = new Int32Array(2 * edges.source.length);
  for (let e = 0; e < edges.source.length; e++) {
    list[fill[edges.source[e]!]++] = e;
    list[fill[edges.target[e]!]++] = e;
  }
  return { offsets, edges: list };
}

/** A small seeded generator so a layout is the same on every load. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
