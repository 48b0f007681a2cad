import type { EdgeSummary, GraphWindow, Interaction } from '@swarmscope/core';
import type { InteractionGraphAnswer } from '@swarmscope/protocol';

/** The store key of the fleet's interaction graph windows. */
export const GRAPH_KEY = 'fleet';

/**
 * The fleet's interaction graph, built from the SDK's reported edges in tumbling windows (the same length and
 * grace as the metric windows). Pure: time comes in as data.
 */
export class InteractionGraph {
  /** Open windows by start; each maps `from\0to\0kind` to its running totals. */
  private readonly open = new Map<number, Map<string, EdgeSummary>>();
  private closedThrough = Number.NEGATIVE_INFINITY;
  lateInteractions = 0;

  constructor(private readonly options: { windowMs: number; graceMs: number }) {}

  add(edge: Interaction): void {
    const start = Math.floor(edge.timestamp / this.options.windowMs) * this.options.windowMs;
    if (start <= this.closedThrough) {
      this.lateInteractions++;
      return;
    }
    let edges = this.open.get(start);
    if (!edges) this.open.set(start, (edges = new Map()));
    const key = `${edge.from}\u0000${edge.to}\u0000${edge.kind}`;
    const summary = edges.get(key);
    const failed = edge.outcome === 'error' ? 1 : 0;
    if (summary) {
      summary.count++;
      summary.errors += failed;
      summary.latencySumSeconds += edge.latencySeconds;
    } else
      edges.set(key, {
        from: edge.from,
        to: edge.to,
        kind: edge.kind,
        count: 1,
        errors: failed,
        latencySumSeconds: edge.latencySeconds,
      });
  }

  /** Windows whose end plus grace has passed, oldest first. */
  tick(now: number): GraphWindow[] {
    const { windowMs, graceMs } = this.options;
    const closed: GraphWindow[] = [];
    for (const start of [...this.open.keys()].sort((a, b) => a - b)) {
      if (start + windowMs + graceMs > now) break;
      closed.push({ start, durationMs: windowMs, edges: [...this.open.get(start)!.values()] });
      this.open.delete(start);
    }
    this.closedThrough = Math.max(this.closedThrough, Math.floor((now - windowMs - graceMs) / windowMs) * windowMs);
    return closed;
  }

  /** The windows still open, with starts in [fromMs, toMs] (copies). */
  openWindows(fromMs: number, toMs: number): GraphWindow[] {
    return [...this.open]
      .filter(([start]) => start >= fromMs && start <= toMs)
      .sort((a, b) => a[0] - b[0])
      .map(([start, edges]) => ({
        start,
        durationMs: this.options.windowMs,
        edges: [...edges.values()].map((e) => ({ ...e })),
      }));
  }
}

/** Merges windows into one graph: edges summed over the windows, nodes with their degrees. */
export function mergeGraph(windows: readonly GraphWindow[], kind?: string): InteractionGraphAnswer {
  const edges = new Map<string, EdgeSummary>();
  for (const window of windows) {
    for (const edge of window.edges) {
      if (kind !== undefined && edge.kind !== kind) continue;
      const key = `${edge.from}\u0000${edge.to}\u0000${edge.kind}`;
      const total = edges.get(key);
      if (total) {
        total.count += edge.count;
        total.errors += edge.errors;
        total.latencySumSeconds += edge.latencySumSeconds;
      } else edges.set(key, { ...edge });
    }
  }
  const nodes = new Map<string, { out: Set<string>; in: Set<string>; interactions: number }>();
  const node = (id: string) => {
    let entry = nodes.get(id);
    if (!entry) nodes.set(id, (entry = { out: new Set(), in: new Set(), interactions: 0 }));
    return entry;
  };
  for (const edge of edges.values()) {
    const from = node(edge.from);
    const to = node(edge.to);
    from.out.add(edge.to);
    to.in.add(edge.from);
    from.interactions += edge.count;
    if (edge.to !== edge.from) to.interactions += edge.count;
  }
  return {
    nodes: [...nodes]
      .map(([id, n]) => ({ id, outDegree: n.out.size, inDegree: n.in.size, interactions: n.interactions }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    edges: [...edges.values()]
      .map((e) => ({
        from: e.from,
        to: e.to,
        kind: e.kind,
        count: e.count,
        errors: e.errors,
        errorRate: e.errors / e.count,
        meanLatencySeconds: e.latencySumSeconds / e.count,
      }))
      .sort(
        (a, b) =>
          b.count - a.count || (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0),
      ),
  };
}
