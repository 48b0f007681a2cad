import type Graph from 'graphology';
import louvain from 'graphology-communities-louvain';
import { PALETTE } from './series';

export interface LaidOut {
  communities: number;
  hubs: string[];
}

/**
 * Places a fleet graph for drawing without an iterative layout (so 10,000 nodes draw at once): Louvain communities
 * (Blondel et al. 2008) each on a ring around its own centre, the centres on a circle sized by the communities'
 * sizes; node size by interactions (log), colour by community; the ten busiest nodes are labelled as hubs.
 */
export function layoutByCommunity(graph: Graph, seed = 1): LaidOut {
  const community = graph.order > 0 && graph.size > 0 ? louvain(graph, { getEdgeWeight: 'weight', rng: mulberry32(seed) }) : {};
  const members = new Map<number, string[]>();
  graph.forEachNode((node) => {
    const c = community[node] ?? -1;
    let list = members.get(c);
    if (!list) members.set(c, (list = []));
    list.push(node);
  });
  const groups = [...members.values()].sort((a, b) => b.length - a.length);
  const radii = groups.map((g) => Math.sqrt(g.length) * 2);
  const circumference = radii.reduce((sum, r) => sum + 2 * r + 4, 0);
  const bigRadius = groups.length > 1 ? circumference / (2 * Math.PI) : 0;
  let angle = 0;
  groups.forEach((group, index) => {
    const r = radii[index]!;
    angle += (r + 2) / Math.max(bigRadius, 1);
    const cx = bigRadius * Math.cos(angle);
    const cy = bigRadius * Math.sin(angle);
    angle += (r + 2) / Math.max(bigRadius, 1);
    const color = PALETTE[index % PALETTE.length]!;
    group.forEach((node, i) => {
      // A sunflower (Vogel) spiral fills the community's disc evenly.
      const t = i * 2.399963;
      const d = r * Math.sqrt((i + 0.5) / group.length);
      graph.mergeNodeAttributes(node, { x: cx + d * Math.cos(t), y: cy + d * Math.sin(t), color });
    });
  });
  const busiest = graph.nodes().sort((a, b) => (graph.getNodeAttribute(b, 'interactions') as number) - (graph.getNodeAttribute(a, 'interactions') as number));
  const hubs = busiest.slice(0, 10);
  graph.forEachNode((node, attributes) => {
    graph.mergeNodeAttributes(node, { size: 2 + Math.log2(1 + (attributes.interactions as number)), label: hubs.includes(node) ? node : null });
  });
  return { communities: groups.length, hubs };
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
