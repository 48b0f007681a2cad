import type { Interaction } from '@swarmscope/core';
import { InteractionGraph, mergeGraph } from './interaction-graph';

const W = 60_000;
const T0 = 1_732_349_980_000 - (1_732_349_980_000 % W);
const edge = (from: string, to: string, timestamp: number, over: Partial<Interaction> = {}): Interaction => ({
  from,
  to,
  kind: 'delegation',
  outcome: 'success',
  latencySeconds: 1,
  timestamp,
  ...over,
});

describe('InteractionGraph', () => {
  it('sums edges per window and closes windows after the grace period', () => {
    const graph = new InteractionGraph({ windowMs: W, graceMs: 5000 });
    graph.add(edge('a', 'b', T0 + 1, { latencySeconds: 1 }));
    graph.add(edge('a', 'b', T0 + 2, { latencySeconds: 3, outcome: 'error' }));
    graph.add(edge('a', 'b', T0 + 3, { kind: 'message' }));
    graph.add(edge('b', 'c', T0 + W + 1));
    expect(graph.tick(T0 + W + 4999)).toEqual([]);
    const [first, ...rest] = graph.tick(T0 + W + 5000);
    expect(rest).toEqual([]);
    expect(first!.start).toBe(T0);
    expect(first!.edges).toEqual([
      { from: 'a', to: 'b', kind: 'delegation', count: 2, errors: 1, latencySumSeconds: 4 },
      { from: 'a', to: 'b', kind: 'message', count: 1, errors: 0, latencySumSeconds: 1 },
    ]);
    expect(graph.openWindows(T0, T0 + W)).toEqual([
      { start: T0 + W, durationMs: W, edges: [expect.objectContaining({ from: 'b', to: 'c' })] },
    ]);
  });

  it('counts edges for an already closed window as late', () => {
    const graph = new InteractionGraph({ windowMs: W, graceMs: 0 });
    graph.tick(T0 + W);
    graph.add(edge('a', 'b', T0 + 5));
    expect(graph.lateInteractions).toBe(1);
    expect(graph.openWindows(0, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });
});

describe('mergeGraph', () => {
  const windows = [
    {
      start: 0,
      durationMs: W,
      edges: [
        { from: 'hub', to: 'x', kind: 'delegation', count: 2, errors: 0, latencySumSeconds: 2 },
        { from: 'hub', to: 'y', kind: 'delegation', count: 1, errors: 1, latencySumSeconds: 3 },
      ],
    },
    {
      start: W,
      durationMs: W,
      edges: [
        { from: 'hub', to: 'x', kind: 'delegation', count: 2, errors: 1, latencySumSeconds: 6 },
        { from: 'y', to: 'hub', kind: 'message', count: 4, errors: 0, latencySumSeconds: 4 },
      ],
    },
  ];

  it('sums edges across windows and derives rates and degrees', () => {
    const graph = mergeGraph(windows);
    expect(graph.edges).toEqual([
      { from: 'hub', to: 'x', kind: 'delegation', count: 4, errors: 1, errorRate: 0.25, meanLatencySeconds: 2 },
      { from: 'y', to: 'hub', kind: 'message', count: 4, errors: 0, errorRate: 0, meanLatencySeconds: 1 },
      { from: 'hub', to: 'y', kind: 'delegation', count: 1, errors: 1, errorRate: 1, meanLatencySeconds: 3 },
    ]);
    expect(graph.nodes).toEqual([
      { id: 'hub', outDegree: 2, inDegree: 1, interactions: 9 },
      { id: 'x', outDegree: 0, inDegree: 1, interactions: 4 },
      { id: 'y', outDegree: 1, inDegree: 1, interactions: 5 },
    ]);
  });

  it('filters by kind and does not change its input', () => {
    const before = JSON.stringify(windows);
    expect(mergeGraph(windows, 'message').edges.map((e) => `${e.from}>${e.to}`)).toEqual(['y>hub']);
    expect(JSON.stringify(windows)).toBe(before);
  });
});
