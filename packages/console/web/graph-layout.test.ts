import { drawingOf, layoutByCommunity, type LayoutInput } from './graph-layout';

/** Two cliques of four (a0–a3, b0–b3, heavy inside) joined by one light edge a0→b0, and a lone agent. */
function twoCliques(): LayoutInput {
  const nodes = ['a0', 'a1', 'a2', 'a3', 'b0', 'b1', 'b2', 'b3', 'lone'].map((id) => ({
    id,
    interactions: id.endsWith('0') ? 100 : id === 'lone' ? 0 : 10,
  }));
  const edges: Array<LayoutInput['edges'][number]> = [];
  for (const side of ['a', 'b']) {
    for (let i = 0; i < 4; i++)
      for (let j = i + 1; j < 4; j++) edges.push({ from: `${side}${i}`, to: `${side}${j}`, count: 5, errorRate: 0 });
  }
  edges.push({ from: 'a0', to: 'b0', count: 1, errorRate: 1 });
  return { nodes, edges };
}

describe('layoutByCommunity', () => {
  it('finds the two cliques, puts each busiest agent at its disc centre and sums the link between them', () => {
    const input = twoCliques();
    const layout = layoutByCommunity(input);
    const community = (id: string) => layout.community[input.nodes.findIndex((n) => n.id === id)]!;
    expect(new Set(['a0', 'a1', 'a2', 'a3'].map(community)).size).toBe(1);
    expect(new Set(['b0', 'b1', 'b2', 'b3'].map(community)).size).toBe(1);
    expect(community('a0')).not.toBe(community('b0'));
    // The lone agent is a community of its own, the smallest: last.
    expect(layout.communities).toBe(3);
    expect(community('lone')).toBe(2);
    // Each community's busiest agent is its representative.
    expect(input.nodes[layout.representative[community('a0')]!]!.id).toBe('a0');
    expect(input.nodes[layout.representative[community('b0')]!]!.id).toBe('b0');
    // ... at the centre of its disc: every member within the disc's radius of it.
    input.nodes.forEach((_, i) => {
      const c = layout.community[i]!;
      const centre = layout.representative[c]!;
      expect(Math.hypot(layout.x[i]! - layout.x[centre]!, layout.y[i]! - layout.y[centre]!)).toBeLessThanOrEqual(
        layout.radius[c]!,
      );
    });
    // One link, the bridge: count 1, all errors.
    expect(Array.from(layout.links.count)).toEqual([1]);
    expect(Array.from(layout.links.errorRate)).toEqual([1]);
    expect(new Set([layout.links.source[0], layout.links.target[0]])).toEqual(
      new Set([community('a0'), community('b0')]),
    );
    expect(layout.hubs[0]).toBe(0);
    expect(layout.hubs.length).toBe(9);
    // Every agent, busiest first (ties by input order); the hubs are its head.
    const expected = input.nodes
      .map((n, i) => ({ i, n: n.interactions }))
      .sort((a, b) => b.n - a.n || a.i - b.i)
      .map((e) => e.i);
    expect(Array.from(layout.busiest)).toEqual(expected);
    expect(Array.from(layout.hubs)).toEqual(expected.slice(0, 9));
  });

  it('merges an edge reported under several kinds (counts summed, error rate weighted) and drops self-loops and unknown agents', () => {
    const input: LayoutInput = {
      nodes: [
        { id: 'x', interactions: 4 },
        { id: 'y', interactions: 4 },
      ],
      edges: [
        { from: 'x', to: 'y', count: 2, errorRate: 0.5 },
        { from: 'x', to: 'y', count: 2, errorRate: 0 },
        { from: 'y', to: 'x', count: 1, errorRate: 0 },
        { from: 'x', to: 'x', count: 9, errorRate: 0 },
        { from: 'x', to: 'ghost', count: 9, errorRate: 0 },
      ],
    };
    const { edges } = layoutByCommunity(input);
    // Busiest first: x→y (4, a quarter failed), then y→x.
    expect(Array.from(edges.source)).toEqual([0, 1]);
    expect(Array.from(edges.target)).toEqual([1, 0]);
    expect(Array.from(edges.count)).toEqual([4, 1]);
    expect(Array.from(edges.errorRate)).toEqual([0.25, 0]);
  });

  it('indexes every edge under both its agents, busiest first', () => {
    const input = twoCliques();
    const layout = layoutByCommunity(input);
    const { offsets, edges } = layout.adjacency;
    expect(offsets[input.nodes.length]).toBe(2 * layout.edges.source.length);
    for (let node = 0; node < input.nodes.length; node++) {
      const mine = Array.from(edges.subarray(offsets[node]!, offsets[node + 1]!));
      const expected = layout.edges.source.reduce<number[]>(
        (list, s, e) => (s === node || layout.edges.target[e] === node ? [...list, e] : list),
        [],
      );
      expect(mine).toEqual(expected);
    }
    // a0 has three clique edges and the bridge.
    expect(offsets[1]! - offsets[0]!).toBe(4);
  });

  it('places the same graph the same way every time, with a finite position for every agent', () => {
    const first = layoutByCommunity(twoCliques());
    const second = layoutByCommunity(twoCliques());
    expect(Array.from(first.x)).toEqual(Array.from(second.x));
    expect(Array.from(first.y)).toEqual(Array.from(second.y));
    expect(Array.from(first.x).every(Number.isFinite)).toBe(true);
  });

  it('lays out a graph with no edge (every agent alone) and one with no agent', () => {
    const alone = layoutByCommunity({
      nodes: [
        { id: 'p', interactions: 0 },
        { id: 'q', interactions: 3 },
      ],
      edges: [],
    });
    expect(alone.communities).toBe(2);
    expect(alone.links.source.length).toBe(0);
    const empty = layoutByCommunity({ nodes: [], edges: [] });
    expect(empty.communities).toBe(0);
    expect(Array.from(empty.adjacency.offsets)).toEqual([0]);
  });

  it('copies the drawing part into distinct buffers, so the worker transfers them all and keeps its layout', () => {
    const layout = layoutByCommunity(twoCliques());
    const { drawing, buffers } = drawingOf(layout);
    expect(new Set(buffers).size).toBe(buffers.length);
    expect(buffers).toHaveLength(15);
    // The same values, in buffers not the layout's: transferring them leaves the worker's layout whole.
    expect(Array.from(drawing.x)).toEqual(Array.from(layout.x));
    expect(Array.from(drawing.edges.target)).toEqual(Array.from(layout.edges.target));
    expect(Array.from(drawing.links.count)).toEqual(Array.from(layout.links.count));
    expect(drawing.communities).toBe(layout.communities);
    const own = [layout.x, layout.y, layout.size, layout.community, layout.hubs, layout.edges.source].map(
      (a) => a.buffer,
    );
    expect(buffers.some((buffer) => own.includes(buffer))).toBe(false);
  });
});
