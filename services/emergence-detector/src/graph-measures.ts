import louvain from 'graphology-communities-louvain';
import pagerank from 'graphology-metrics/centrality/pagerank';
import { agentOf, pairWeight, type FleetGraph, type PairAttributes } from './fleet-graph';
import { SeededRandom } from './random';

export interface Hub {
  agent: string;
  pagerank: number;
  /** Sampled betweenness, normalised to [0, 1]. */
  betweenness: number;
  degree: number;
}

export interface Community {
  id: number;
  size: number;
  /** A few members (the highest PageRank first). */
  sample: string[];
}

/** The fleet graph's structure at one moment. */
export interface NetworkMeasures {
  nodes: number;
  edges: number;
  /** Directed density m / (n(n − 1)). */
  density: number;
  /** Mean local clustering coefficient of the undirected graph (Watts & Strogatz 1998). */
  clustering: number;
  degree: { mean: number; max: number; median: number };
  communities: Community[];
  modularity: number;
  hubs: Hub[];
  maxPagerank: number;
  /** Agent → community id. */
  membership: Map<string, number>;
}

export interface NetworkOptions {
  hubs: number;
  /** Source nodes sampled for betweenness (Brandes & Pich 2007). */
  betweennessPivots: number;
  seed: number;
}

/**
 * Measures of the fleet graph: Louvain communities (Blondel et al. 2008) and PageRank (Brin & Page 1998) through
 * graphology; clustering and pivot-sampled betweenness (Brandes 2001; Brandes & Pich 2007) are ours.
 */
export function measureNetwork(graph: FleetGraph, options: NetworkOptions): NetworkMeasures {
  const { directed, undirected } = graph;
  const n = directed.order;
  const m = directed.size;
  const membership = new Map<string, number>();
  if (n === 0) {
    return {
      nodes: 0,
      edges: 0,
      density: 0,
      clustering: 0,
      degree: { mean: 0, max: 0, median: 0 },
      communities: [],
      modularity: 0,
      hubs: [],
      maxPagerank: 0,
      membership,
    };
  }
  const random = new SeededRandom(options.seed);
  const detailed =
    undirected.size > 0
      ? louvain.detailed(undirected, {
          getEdgeWeight: (_edge, attributes) => pairWeight(attributes as PairAttributes),
          rng: () => random.next(),
        })
      : undefined;
  const ranks = m > 0 ? pagerank(directed, { getEdgeWeight: 'count' }) : {};
  const neighbours = new Map<string, string[]>();
  undirected.forEachNode((node) => neighbours.set(node, undirected.neighbors(node)));
  const adjacency = adjacencyOf(neighbours);
  const degreeOf = (i: number) => adjacency.offsets[i + 1]! - adjacency.offsets[i]!;
  const degrees = adjacency.nodes.map((_, i) => degreeOf(i)).sort((a, b) => a - b);
  const betweenness = sampledBetweenness(adjacency, options.betweennessPivots, random);
  const ranked = Object.entries(ranks).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const hubs = ranked.slice(0, options.hubs).map(([agent, rank]) => {
    const i = adjacency.index.get(agent);
    return {
      agent: agentOf(agent),
      pagerank: rank,
      betweenness: i === undefined ? 0 : betweenness[i]!,
      degree: i === undefined ? 0 : degreeOf(i),
    };
  });
  const bySize = new Map<number, string[]>();
  if (detailed) {
    for (const [node, community] of Object.entries(detailed.communities)) membership.set(agentOf(node), community);
    for (const [node] of ranked) {
      const c = detailed.communities[node];
      if (c === undefined) continue;
      const list = bySize.get(c);
      if (list) list.push(node);
      else bySize.set(c, [node]);
    }
  }
  const communities = [...bySize]
    .map(([id, members]) => ({ id, size: members.length, sample: members.slice(0, 5).map(agentOf) }))
    .sort((a, b) => b.size - a.size || a.id - b.id);
  return {
    nodes: n,
    edges: m,
    density: n > 1 ? m / (n * (n - 1)) : 0,
    clustering: meanClustering(adjacency),
    degree: {
      mean: degrees.reduce((a, b) => a + b, 0) / n,
      max: degrees[degrees.length - 1] ?? 0,
      median: degrees[Math.floor(degrees.length / 2)] ?? 0,
    },
    communities,
    modularity: detailed?.modularity ?? 0,
    hubs,
    maxPagerank: ranked[0]?.[1] ?? 0,
    membership,
  };
}

/** An undirected graph as compressed rows: node i's neighbour indices are `targets[offsets[i] .. offsets[i + 1])`. */
export interface Adjacency {
  nodes: string[];
  index: Map<string, number>;
  offsets: Int32Array;
  targets: Int32Array;
}

/** The compressed rows of neighbour lists (each list in its own order; every neighbour must be a key). */
export function adjacencyOf(neighbours: ReadonlyMap<string, readonly string[]>): Adjacency {
  const nodes = [...neighbours.keys()];
  const index = new Map(nodes.map((node, i) => [node, i]));
  const offsets = new Int32Array(nodes.length + 1);
  nodes.forEach((node, i) => (offsets[i + 1] = offsets[i]! + neighbours.get(node)!.length));
  const targets = new Int32Array(offsets[nodes.length]!);
  nodes.forEach((node, i) =>
    neighbours.get(node)!.forEach((other, k) => (targets[offsets[i]! + k] = index.get(other)!)),
  );
  return { nodes, index, offsets, targets };
}

/**
 * Mean over nodes of the share of their neighbour pairs that are linked themselves (0 for degree < 2): each node's
 * neighbours marked, every link between two of them is met once from each end.
 */
export function meanClustering({ nodes, offsets, targets }: Adjacency): number {
  const n = nodes.length;
  if (n === 0) return 0;
  const mark = new Int32Array(n).fill(-1);
  let sum = 0;
  for (let v = 0; v < n; v++) {
    const k = offsets[v + 1]! - offsets[v]!;
    if (k < 2) continue;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) mark[targets[e]!] = v;
    let ends = 0;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const u = targets[e]!;
      for (let f = offsets[u]!; f < offsets[u + 1]!; f++) if (mark[targets[f]!] === v) ends++;
    }
    sum += ends / (k * (k - 1));
  }
  return sum / n;
}

/**
 * Betweenness centrality of an unweighted undirected graph estimated from `pivots` BFS sources (Brandes 2001's
 * dependency accumulation; Brandes & Pich 2007's pivot sampling), scaled to [0, 1] by (n − 1)(n − 2)/2; by node
 * index.
 */
export function sampledBetweenness(
  { nodes, offsets, targets }: Adjacency,
  pivots: number,
  random: SeededRandom,
): Float64Array {
  const n = nodes.length;
  const score = new Float64Array(n);
  const sources = n <= pivots ? nodes.map((_, i) => i) : sample(n, pivots, random);
  const sigma = new Float64Array(n);
  const distance = new Int32Array(n);
  const delta = new Float64Array(n);
  const order = new Int32Array(n);
  for (const s of sources) {
    sigma.fill(0);
    distance.fill(-1);
    delta.fill(0);
    sigma[s] = 1;
    distance[s] = 0;
    let head = 0;
    let tail = 0;
    order[tail++] = s;
    while (head < tail) {
      const v = order[head++]!;
      for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
        const w = targets[e]!;
        if (distance[w]! < 0) {
          distance[w] = distance[v]! + 1;
          order[tail++] = w;
        }
        if (distance[w] === distance[v]! + 1) sigma[w]! += sigma[v]!;
      }
    }
    for (let i = tail - 1; i > 0; i--) {
      const w = order[i]!;
      for (let e = offsets[w]!; e < offsets[w + 1]!; e++) {
        const v = targets[e]!;
        if (distance[v] === distance[w]! - 1) delta[v]! += (sigma[v]! / sigma[w]!) * (1 + delta[w]!);
      }
      score[w]! += delta[w]!;
    }
  }
  // Each undirected pair is counted from both ends over all sources; scale the sample up to n sources.
  const scale = n > 2 ? n / sources.length / 2 / (((n - 1) * (n - 2)) / 2) : 0;
  for (let i = 0; i < n; i++) score[i]! *= scale;
  return score;
}

function sample(n: number, k: number, random: SeededRandom): number[] {
  const chosen = new Set<number>();
  while (chosen.size < k) chosen.add(random.int(n));
  return [...chosen].sort((a, b) => a - b);
}
