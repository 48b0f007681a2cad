import type { Layout } from './graph-layout';

/**
 * At most this many edges are drawn at once, whatever the fleet: past it a software-rendered page freezes for
 * seconds (the console bench: 50,000 edges held the main thread 3–4 s), and nobody reads that many lines anyway.
 */
export const EDGE_BUDGET = 4000;

/**
 * At most about this many agents are drawn besides the ends of the drawn edges: every frame of a software-rendered
 * page draws each agent anew (the console bench: frames of 0.5–0.9 s with 6,000–10,000 agents), and zoomed out the
 * communities' discs show where the rest are.
 */
export const NODE_BUDGET = 2000;

/** The part of the graph on screen, in the layout's coordinates. */
export interface Viewport {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/**
 * What to draw: `edges`, indexes into `layout.edges`; `links`, indexes into `layout.links` (between communities);
 * `inView`, how many edges touch an agent in view; `focus`, the community the view is centred on when only its
 * edges are drawn.
 */
export interface EdgePlan {
  edges: number[];
  links: number[];
  inView: number;
  focus?: number;
}

const WHOLE: Viewport = { minX: -Infinity, maxX: Infinity, minY: -Infinity, maxY: Infinity };

/**
 * Edge level of detail, at most `budget` lines. All the edges touching an agent in view when they fit. Otherwise the
 * links between the communities in view (busiest first) — and, when the view is centred inside a community's disc
 * (zoomed onto it), that community's busiest edges in view. Linear in nodes + edges, on typed arrays.
 */
export function planEdges(layout: Layout, view: Viewport = WHOLE, budget = EDGE_BUDGET): EdgePlan {
  const { offsets, edges: adjacent } = layout.adjacency;
  const visible = (node: number) => {
    const x = layout.x[node]!;
    const y = layout.y[node]!;
    return x >= view.minX && x <= view.maxX && y >= view.minY && y <= view.maxY;
  };
  const touched = new Uint8Array(layout.edges.source.length);
  const shown = new Uint8Array(layout.communities);
  for (let node = 0; node < layout.x.length; node++) {
    if (!visible(node)) continue;
    shown[layout.community[node]!] = 1;
    for (let k = offsets[node]!; k < offsets[node + 1]!; k++) touched[adjacent[k]!] = 1;
  }
  let inView = 0;
  for (const t of touched) inView += t;
  // The edge table is sorted busiest first: the first `limit` kept are the busiest.
  const busiest = (keep: (e: number) => boolean, limit: number) => {
    const edges: number[] = [];
    for (let e = 0; e < touched.length && edges.length < limit; e++) if (touched[e] && keep(e)) edges.push(e);
    return edges;
  };
  if (inView <= budget) return { edges: busiest(() => true, budget), links: [], inView };

  const focus = centredOn(layout, view);
  const links: number[] = [];
  const { source, target } = layout.links;
  const linkBudget = focus === undefined ? budget : Math.floor(budget / 2);
  for (let l = 0; l < source.length && links.length < linkBudget; l++)
    if (shown[source[l]!] && shown[target[l]!]) links.push(l);
  // One community alone in view, seen from outside its disc: no link to draw, so its busiest edges.
  if (focus === undefined)
    return links.length ? { edges: [], links, inView } : { edges: busiest(() => true, budget), links, inView };
  const inFocus = (node: number) => layout.community[node] === focus && visible(node);
  const edges = busiest(
    (e) => inFocus(layout.edges.source[e]!) || inFocus(layout.edges.target[e]!),
    budget - links.length,
  );
  return { edges, links, inView, focus };
}

/** The community whose disc holds the view's centre (none when the centre is between discs, as zoomed out). */
function centredOn(layout: Layout, view: Viewport): number | undefined {
  const cx = (view.minX + view.maxX) / 2;
  const cy = (view.minY + view.maxY) / 2;
  if (!Number.isFinite(cx) || !Number.isFinite(cy)) return undefined;
  for (let c = 0; c < layout.communities; c++) {
    const centre = layout.representative[c]!;
    if (Math.hypot(layout.x[centre]! - cx, layout.y[centre]! - cy) <= layout.radius[c]!) return c;
  }
  return undefined;
}

/**
 * Node level of detail: the agents to draw, ascending. Always the ends of the plan's edges and links (sigma draws an
 * edge only between drawn nodes) and the `pinned` ones (hubs, cascades, an agent found); then the busiest agents in
 * view until `budget` in all. The rest are shown by their community's disc.
 */
export function planNodes(
  layout: Layout,
  plan: EdgePlan,
  view: Viewport = WHOLE,
  pinned: Iterable<number> = [],
  budget = NODE_BUDGET,
): Int32Array {
  const chosen = new Uint8Array(layout.x.length);
  let count = 0;
  const choose = (node: number) => {
    if (chosen[node]) return;
    chosen[node] = 1;
    count++;
  };
  for (const e of plan.edges) {
    choose(layout.edges.source[e]!);
    choose(layout.edges.target[e]!);
  }
  for (const l of plan.links) {
    choose(layout.representative[layout.links.source[l]!]!);
    choose(layout.representative[layout.links.target[l]!]!);
  }
  for (const node of pinned) choose(node);
  for (let k = 0; k < layout.busiest.length && count < budget; k++) {
    const node = layout.busiest[k]!;
    const x = layout.x[node]!;
    const y = layout.y[node]!;
    if (x >= view.minX && x <= view.maxX && y >= view.minY && y <= view.maxY) choose(node);
  }
  const nodes = new Int32Array(count);
  for (let node = 0, k = 0; node < chosen.length; node++) if (chosen[node]) nodes[k++] = node;
  return nodes;
}

/**
 * What the page draws, as the planning worker sends it (typed arrays, transferred): the agents (ascending indexes),
 * the edges and links (indexes into the layout's tables), how many edges touch an agent in view, the focused
 * community.
 */
export interface DrawPlan {
  nodes: Int32Array;
  edges: Int32Array;
  links: Int32Array;
  inView: number;
  focus?: number;
}

/** The edges, then the agents, to draw for a view (the whole layout when none): planEdges and planNodes together. */
export function planDrawing(layout: Layout, view: Viewport = WHOLE, pinned: Iterable<number> = []): DrawPlan {
  const edges = planEdges(layout, view);
  const plan: DrawPlan = {
    nodes: planNodes(layout, edges, view, pinned),
    edges: Int32Array.from(edges.edges),
    links: Int32Array.from(edges.links),
    inView: edges.inView,
  };
  if (edges.focus !== undefined) plan.focus = edges.focus;
  return plan;
}

/** The buffers of a plan, to transfer with postMessage. */
export const planBuffers = (plan: DrawPlan): ArrayBuffer[] =>
  [plan.nodes, plan.edges, plan.links].map((array) => array.buffer as ArrayBuffer);
