import { layoutByCommunity, type Layout, type LayoutInput } from './graph-layout';
import { planBuffers, planDrawing, planEdges, planNodes, type Viewport } from './graph-lod';

/** Cliques of six agents (15 edges each, heavier in the earlier cliques), each joined to the next by one edge. */
function cliques(count: number): { input: LayoutInput; layout: Layout } {
  const nodes: LayoutInput['nodes'][number][] = [];
  const edges: LayoutInput['edges'][number][] = [];
  for (let c = 0; c < count; c++) {
    for (let i = 0; i < 6; i++) nodes.push({ id: `c${c}-${i}`, interactions: 10 - i });
    for (let i = 0; i < 6; i++)
      for (let j = i + 1; j < 6; j++)
        edges.push({ from: `c${c}-${i}`, to: `c${c}-${j}`, count: 10 * (count - c) + i + j, errorRate: 0 });
    if (c > 0) edges.push({ from: `c${c - 1}-5`, to: `c${c}-5`, count: 1, errorRate: 0 });
  }
  const input = { nodes, edges };
  return { input, layout: layoutByCommunity(input) };
}

/** A square view of half-width `half` around agent `index`. */
function around(layout: Layout, index: number, half: number): Viewport {
  return {
    minX: layout.x[index]! - half,
    maxX: layout.x[index]! + half,
    minY: layout.y[index]! - half,
    maxY: layout.y[index]! + half,
  };
}

describe('planEdges', () => {
  it('draws every edge when they fit the budget', () => {
    const { layout } = cliques(3);
    const plan = planEdges(layout, undefined, 1000);
    expect(plan.edges).toEqual(Array.from({ length: 47 }, (_, e) => e));
    expect(plan.links).toEqual([]);
    expect(plan.inView).toBe(47);
  });

  it('zoomed out over more edges than the budget: the links between communities only', () => {
    const { layout } = cliques(3);
    const plan = planEdges(layout, undefined, 20);
    expect(plan.edges).toEqual([]);
    expect(plan.links).toEqual([0, 1]);
    expect(plan.inView).toBe(47);
    expect(plan.focus).toBeUndefined();
  });

  it('centred on a community: its busiest edges in view, and the links, within the budget', () => {
    const { input, layout } = cliques(3);
    const centre = input.nodes.findIndex((n) => n.id === 'c1-0');
    const focus = layout.community[centre]!;
    // Wide enough to hold all three communities, centred on c1's disc.
    const plan = planEdges(layout, around(layout, layout.representative[focus]!, 1e6), 10);
    expect(plan.focus).toBe(focus);
    expect(plan.links.length).toBe(2);
    expect(plan.edges.length).toBe(8);
    // Every edge drawn touches the community; they are its busiest (the table is sorted busiest first).
    const touches = (e: number) =>
      layout.community[layout.edges.source[e]!] === focus || layout.community[layout.edges.target[e]!] === focus;
    expect(plan.edges.every(touches)).toBe(true);
    const all = Array.from(layout.edges.source.keys()).filter(touches);
    expect(plan.edges).toEqual(all.slice(0, 8));
  });

  it('zoomed in on one agent: only the edges touching what is in view', () => {
    const { input, layout } = cliques(3);
    const index = input.nodes.findIndex((n) => n.id === 'c2-3');
    const plan = planEdges(layout, around(layout, index, 1e-3), 1000);
    const expected = Array.from(layout.edges.source.keys()).filter(
      (e) => layout.edges.source[e] === index || layout.edges.target[e] === index,
    );
    expect(plan.edges).toEqual(expected);
    expect(expected.length).toBe(5);
    expect(plan.links).toEqual([]);
  });

  it('draws nothing for an empty view, and a lone community past the budget gets its busiest edges', () => {
    const { layout } = cliques(2);
    expect(planEdges(layout, { minX: 1e9, maxX: 2e9, minY: 1e9, maxY: 2e9 })).toEqual({
      edges: [],
      links: [],
      inView: 0,
    });
    const one = cliques(1).layout;
    const plan = planEdges(one, undefined, 4);
    expect(plan.edges).toEqual([0, 1, 2, 3]);
    expect(plan.links).toEqual([]);
    expect(Array.from(one.edges.count.subarray(0, 5))).toEqual(
      [...Array.from(one.edges.count.subarray(0, 5))].sort((a, b) => b - a),
    );
  });
});

describe('planNodes', () => {
  it('draws every agent when they fit the budget', () => {
    const { layout } = cliques(3);
    expect(Array.from(planNodes(layout, planEdges(layout), undefined, [], 100))).toEqual(
      Array.from({ length: 18 }, (_, i) => i),
    );
  });

  it('past the budget: the ends of the drawn edges and links, the pinned agents, then the busiest in view', () => {
    const { input, layout } = cliques(3);
    const index = (id: string) => input.nodes.findIndex((n) => n.id === id);
    // Zoomed out past the edge budget: links only, drawn between the communities' busiest agents (c0-0, c1-0, c2-0).
    const edges = planEdges(layout, undefined, 20);
    const ends = [0, 1, 2].map((c) => index(`c${c}-0`));
    expect(Array.from(planNodes(layout, edges, undefined, [], 3))).toEqual(ends);
    // A pinned agent is drawn beyond the budget; with room, the busiest agents fill it (each clique's -1 agents next).
    expect(Array.from(planNodes(layout, edges, undefined, [index('c2-5')], 3))).toEqual(
      [...ends, index('c2-5')].sort((a, b) => a - b),
    );
    expect(Array.from(planNodes(layout, edges, undefined, [], 6))).toEqual([0, 1, 6, 7, 12, 13]);
  });

  it('fills the budget only with agents in view; the ends of drawn edges are kept wherever they are', () => {
    const { input, layout } = cliques(3);
    const hub = input.nodes.findIndex((n) => n.id === 'c1-3');
    const view = around(layout, hub, 1e-3);
    const edges = planEdges(layout, view, 1000);
    const nodes = Array.from(planNodes(layout, edges, view, [], 1));
    // c1-3's five clique edges: itself and its five neighbours, nothing else (none other in view).
    expect(nodes).toEqual(input.nodes.map((n, i) => (n.id.startsWith('c1-') ? i : -1)).filter((i) => i >= 0));
    expect(Array.from(planNodes(layout, { edges: [], links: [], inView: 0 }, view, [], 10))).toEqual([hub]);
  });
});

describe('planDrawing', () => {
  it('is planEdges then planNodes, in typed arrays the worker can transfer', () => {
    const { layout } = cliques(4);
    const view = around(layout, layout.representative[1]!, 3);
    const pinned = [layout.representative[3]!];
    const edges = planEdges(layout, view);
    const plan = planDrawing(layout, view, pinned);
    expect(Array.from(plan.edges)).toEqual(edges.edges);
    expect(Array.from(plan.links)).toEqual(edges.links);
    expect(plan.inView).toBe(edges.inView);
    expect(plan.focus).toBe(edges.focus);
    expect(Array.from(plan.nodes)).toEqual(Array.from(planNodes(layout, edges, view, pinned)));
    expect(plan.nodes).toContain(pinned[0]);
    const buffers = planBuffers(plan);
    expect(new Set(buffers).size).toBe(3);
  });

  it('over the whole graph of a small fleet: every agent and every edge', () => {
    const { layout } = cliques(2);
    const plan = planDrawing(layout);
    expect(Array.from(plan.nodes)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(plan.edges.length).toBe(31);
    expect(plan.links.length).toBe(0);
    expect(plan.focus).toBeUndefined();
  });
});
