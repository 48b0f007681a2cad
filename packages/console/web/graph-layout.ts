import Graph from 'graphology';
import louvain from 'graphology-communities-louvain';
import { PALETTE } from './series';

export interface LayoutInput {
  nodes: ReadonlyArray<{ id: string; interactions: number }>;
  edges: ReadonlyArray<{ from: string; to: string; count: number }>;
}

/** Per node (in the input's order): position, size, colour; the hubs' indexes; how many communities. */
export interface Layout {
  x: Float32Array;
  y: Float32Array;
  size: Float32Array;
  color: string[];
  hubs: number[];
  communities: number;
}

/**
 * Places a fleet graph for drawing without an iterative layout (so 10,000 nodes draw at once): Louvain communities
 * (Blondel et al. 2008) each on a disc around its own centre, the centres on a circle sized by the communities;
 * node size by interactions (log), colour by community; the ten busiest nodes are the hubs. Pure: it runs in a
 * Web Worker, off the page's main thread.
 */
export function layoutByCommunity(input: LayoutInput, seed = 1): Layout {
  const graph = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  input.nodes.forEach((node, index) => graph.addNode(node.id, { index }));
  for (const edge of input.edges) {
    if (edge.from === edge.to || !graph.hasNode(edge.from) || !graph.hasNode(edge.to)) continue;
    if (graph.hasEdge(edge.from, edge.to)) graph.updateEdgeAttribute(edge.from, edge.to, 'weight', (w: number | undefined) => (w ?? 0) + edge.count);
    else graph.addEdge(edge.from, edge.to, { weight: edge.count });
  }
  const community: Record<string, number> = graph.size > 0 ? louvain(graph, { getEdgeWeight: 'weight', rng: mulberry32(seed) }) : {};
  const members = new Map<number, number[]>();
  input.nodes.forEach((node, index) => {
    const c = community[node.id] ?? -1 - index;
    let list = members.get(c);
    if (!list) members.set(c, (list = []));
    list.push(index);
  });
  const groups = [...members.values()].sort((a, b) => b.length - a.length);
  const n = input.nodes.length;
  const layout: Layout = { x: new Float32Array(n), y: new Float32Array(n), size: new Float32Array(n), color: new Array<string>(n), hubs: [], communities: groups.length };
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
    const color = PALETTE[g % PALETTE.length]!;
    group.forEach((index, i) => {
      // A sunflower (Vogel) spiral fills the community's disc evenly.
      const t = i * 2.399963;
      const d = r * Math.sqrt((i + 0.5) / group.length);
      layout.x[index] = cx + d * Math.cos(t);
      layout.y[index] = cy + d * Math.sin(t);
      layout.color[index] = color;
    });
  });
  input.nodes.forEach((node, index) => (layout.size[index] = 2 + Math.log2(1 + node.interactions)));
  layout.hubs = input.nodes
    .map((node, index) => [node.interactions, index] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, 10)
    .map(([, index]) => index);
  return layout;
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
