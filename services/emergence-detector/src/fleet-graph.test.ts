import { FleetGraph, nodeKey, pairWeight, type WeightedEdge } from './fleet-graph';
import { measureNetwork } from './graph-measures';
import { InteractionWindow } from './interaction-window';
import { SeededRandom } from './random';

const options = { hubs: 5, betweennessPivots: 1000, seed: 3 };

/** The graph's content in a comparable form: nodes, directed edges with weights, undirected pairs with weights. */
function content(graph: FleetGraph) {
  return {
    nodes: graph.directed.nodes().sort(),
    undirectedNodes: graph.undirected.nodes().sort(),
    directed: graph.directed.mapEdges((_e, a, s, t) => `${s}>${t}:${a.count}`).sort(),
    undirected: graph.undirected.mapEdges((_e, a, s, t) => `${[s, t].sort().join('-')}:${pairWeight(a)}`).sort(),
  };
}

describe('FleetGraph', () => {
  it('sums both directions of a pair into one undirected edge and drops nodes with their last edge', () => {
    const ab = { from: 'a', to: 'b', count: 2 };
    const ba = { from: 'b', to: 'a', count: 3 };
    const bc = { from: 'b', to: 'c', count: 1 };
    const graph = new FleetGraph();
    for (const edge of [ab, ba, bc]) graph.add(edge);
    expect(content(graph)).toEqual({
      nodes: ['@a', '@b', '@c'],
      undirectedNodes: ['@a', '@b', '@c'],
      directed: ['@a>@b:2', '@b>@a:3', '@b>@c:1'],
      undirected: ['@a-@b:5', '@b-@c:1'],
    });
    ab.count = 10; // weights are read live from the caller's edge objects
    expect(content(graph).undirected).toContain('@a-@b:13');
    graph.remove(ba);
    expect(content(graph).undirected).toEqual(['@a-@b:10', '@b-@c:1']);
    graph.remove(bc);
    expect(content(graph).nodes).toEqual(['@a', '@b']);
    graph.remove(ab);
    expect(content(graph)).toEqual({ nodes: [], undirectedNodes: [], directed: [], undirected: [] });
    graph.remove(ab); // already gone: nothing happens
    expect(graph.directed.order).toBe(0);
  });

  it('kept in step edge by edge, equals the graph built at once from what is left, and measures the same', () => {
    const random = new SeededRandom(9);
    const live = new Map<string, WeightedEdge>();
    const graph = new FleetGraph();
    for (let step = 0; step < 3000; step++) {
      const from = `n${random.int(60)}`;
      const to = `n${random.int(60)}`;
      const key = `${from}>${to}`;
      const edge = live.get(key);
      if (edge && random.next() < 0.3) {
        graph.remove(edge);
        live.delete(key);
      } else if (edge) edge.count++;
      else if (from !== to) {
        const added = { from, to, count: 1 };
        live.set(key, added);
        graph.add(added);
      }
    }
    const fresh = FleetGraph.fromEdges([...live.values()].map((e) => ({ ...e })));
    expect(content(graph)).toEqual(content(fresh));
    const kept = measureNetwork(graph, options);
    const built = measureNetwork(fresh, options);
    // Sums run in node order, which differs between the two graphs: equal to 12 digits.
    const rounded = ({ nodes, edges, density, clustering, degree, hubs, maxPagerank }: typeof kept) =>
      JSON.parse(
        JSON.stringify({ nodes, edges, density, clustering, degree, hubs, maxPagerank }, (_k, v: unknown) =>
          typeof v === 'number' ? Number(v.toFixed(12)) : v,
        ),
      );
    expect(rounded(kept)).toEqual(rounded(built));
    // Louvain visits nodes in insertion order too: the partitions agree in quality.
    expect(kept.modularity).toBeCloseTo(built.modularity, 1);
  });

  it('ignores self-loops and keeps agents named like Object.prototype properties apart', () => {
    const graph = FleetGraph.fromEdges([
      { from: '__proto__', to: '__proto__', count: 1 },
      { from: '__proto__', to: 'constructor', count: 1 },
    ]);
    expect(content(graph).directed).toEqual([`${nodeKey('__proto__')}>${nodeKey('constructor')}:1`]);
  });
});

describe('InteractionWindow', () => {
  it('keeps its graph in step as edges arrive and age out of the horizon', () => {
    const window = new InteractionWindow(1000, 3);
    const say = (from: string, to: string, at: number) =>
      window.add({ from, to, kind: 'message', outcome: 'success', latencySeconds: 0.1, timestamp: at });
    say('a', 'b', 0);
    say('b', 'c', 1500);
    say('a', 'b', 2500);
    say('c', 'c', 2500);
    expect(content(window.graph).directed).toEqual(['@a>@b:2', '@b>@c:1']);
    window.prune(4); // b→c was last seen in tick 1, outside ticks 2–4
    expect(content(window.graph)).toEqual({
      nodes: ['@a', '@b'],
      undirectedNodes: ['@a', '@b'],
      directed: ['@a>@b:2'],
      undirected: ['@a-@b:2'],
    });
    window.prune(5);
    expect(window.graph.directed.order).toBe(0);
    expect(window.size).toBe(0);
  });
});
