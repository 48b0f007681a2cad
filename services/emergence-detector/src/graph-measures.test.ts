import { FleetGraph } from './fleet-graph';
import { adjacencyOf, measureNetwork, meanClustering, sampledBetweenness } from './graph-measures';
import { SeededRandom } from './random';

const options = { hubs: 3, betweennessPivots: 1000, seed: 1 };

function ring(n: number) {
  return Array.from({ length: n }, (_, i) => ({ from: `r${i}`, to: `r${(i + 1) % n}`, count: 1 }));
}

function star(n: number) {
  return Array.from({ length: n }, (_, i) => ({ from: `leaf${i}`, to: 'hub', count: 1 }));
}

describe('measureNetwork', () => {
  it('finds the hub of a star (PageRank and betweenness) and none in a ring', () => {
    const s = measureNetwork(FleetGraph.fromEdges(star(20)), options);
    expect(s.hubs[0]).toMatchObject({ agent: 'hub', degree: 20 });
    expect(s.hubs[0]!.betweenness).toBeCloseTo(1, 6);
    const r = measureNetwork(FleetGraph.fromEdges(ring(20)), options);
    const ranks = r.hubs.map((h) => h.pagerank);
    expect(Math.max(...ranks) - Math.min(...ranks)).toBeLessThan(1e-6);
    expect(r.degree).toEqual({ mean: 2, max: 2, median: 2 });
    expect(r.density).toBeCloseTo(20 / (20 * 19), 12);
  });

  it('recovers the blocks of a planted-partition graph with Louvain', () => {
    const random = new SeededRandom(2);
    const edges: Array<{ from: string; to: string; count: number }> = [];
    for (let i = 0; i < 60; i++)
      for (let j = i + 1; j < 60; j++) {
        const same = Math.floor(i / 20) === Math.floor(j / 20);
        if (random.next() < (same ? 0.4 : 0.01)) edges.push({ from: `n${i}`, to: `n${j}`, count: 1 });
      }
    const result = measureNetwork(FleetGraph.fromEdges(edges), options);
    expect(result.communities).toHaveLength(3);
    for (let block = 0; block < 3; block++) {
      const ids = new Set(Array.from({ length: 20 }, (_, k) => result.membership.get(`n${block * 20 + k}`)));
      expect(ids.size).toBe(1);
    }
    expect(result.modularity).toBeGreaterThan(0.5);
  });
});

describe('measureNetwork with agent ids that are Object.prototype names', () => {
  it('measures them like any other ids', () => {
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
    const edges = names.flatMap((from, i) => names.filter((_, j) => j !== i).map((to) => ({ from, to, count: 1 })));
    const result = measureNetwork(FleetGraph.fromEdges([...edges, ...edges]), options);
    expect(result).toMatchObject({ nodes: 5, edges: 20, density: 1, clustering: 1 });
    expect(result.hubs.length).toBeGreaterThan(0);
    for (const hub of result.hubs) expect(names).toContain(hub.agent);
    expect([...result.membership.keys()].sort()).toEqual([...names].sort());
    expect(result.communities.flatMap((c) => c.sample).every((agent) => names.includes(agent))).toBe(true);
  });
});

describe('meanClustering', () => {
  it('is 1 for a triangle and 0 for a star', () => {
    const triangle = new Map([
      ['a', ['b', 'c']],
      ['b', ['a', 'c']],
      ['c', ['a', 'b']],
    ]);
    expect(meanClustering(adjacencyOf(triangle))).toBe(1);
    expect(
      meanClustering(
        adjacencyOf(
          new Map([
            ['h', ['x', 'y', 'z']],
            ['x', ['h']],
            ['y', ['h']],
            ['z', ['h']],
          ]),
        ),
      ),
    ).toBe(0);
  });

  it('is 5/6 for K4 less an edge (two nodes at 1, two at 2/3)', () => {
    const k4LessAb = new Map([
      ['a', ['c', 'd']],
      ['b', ['c', 'd']],
      ['c', ['a', 'b', 'd']],
      ['d', ['a', 'b', 'c']],
    ]);
    expect(meanClustering(adjacencyOf(k4LessAb))).toBeCloseTo(5 / 6, 12);
  });
});

describe('sampledBetweenness', () => {
  it('with every node a source, is the exact betweenness of a path a–b–c–d–e over (n − 1)(n − 2)/2 pairs', () => {
    const path = new Map([
      ['a', ['b']],
      ['b', ['a', 'c']],
      ['c', ['b', 'd']],
      ['d', ['c', 'e']],
      ['e', ['d']],
    ]);
    const scores = sampledBetweenness(adjacencyOf(path), 10, new SeededRandom(1));
    // b lies on the paths a–c, a–d, a–e; c on a–d, a–e, b–d, b–e; of 6 pairs not including the node.
    expect(Array.from(scores, (x) => Number(x.toFixed(12)))).toEqual([0, 0.5, Number((4 / 6).toFixed(12)), 0.5, 0]);
  });
});
