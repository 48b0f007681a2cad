import Graph from 'graphology';
import { useEffect, useRef, useState } from 'preact/hooks';
import Sigma from 'sigma';
import { apiKey, getJson, query, serviceUrl } from '../api';
import { agentHref, fmt } from '../format';
import { planEdges, planNodes, type EdgePlan, type Viewport } from '../graph-lod';
import type { LayoutReply, LayoutRequest } from '../graph-worker';
import { html } from '../html';
import { PALETTE } from '../palette';
import { usePoll } from '../poll';
import type { EmergenceEvent, Page } from '../types';
import { Panel } from '../widgets';

const CASCADE = '#d7191c';
const EDGE = '#c4c9d0';
const HOT_EDGE = '#f4a582';
const LINK = 'rgba(90, 98, 112, 0.45)';
/** How long the camera rests before the edges are chosen again (a drag or a wheel spin fires many updates). */
const SETTLE_MS = 150;
/** Community discs' node keys (agent ids are the others). */
const DISC = '\u0000community:';

type Laid = Extract<LayoutReply, { ids: string[] }>;

/** The graph's reading and layout, in the console's worker (graph-worker.ts): the page never parses the answer. */
function layoutInWorker(request: LayoutRequest): { done: Promise<LayoutReply>; cancel(): void } {
  const worker = new Worker('/console/graph-worker.js', { type: 'module' });
  const done = new Promise<LayoutReply>((resolve) => {
    worker.onmessage = (event: MessageEvent<LayoutReply>) => resolve(event.data);
    worker.onerror = (event) => resolve({ error: `graph layout failed: ${event.message}` });
  });
  worker.postMessage(request);
  void done.finally(() => worker.terminate());
  return { done, cancel: () => worker.terminate() };
}

const sameList = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((e, i) => e === y[i]);
const samePlan = (a: DrawPlan, b: DrawPlan): boolean =>
  sameList(a.edges.edges, b.edges.edges) &&
  sameList(a.edges.links, b.edges.links) &&
  a.nodes.length === b.nodes.length &&
  a.nodes.every((n, i) => n === b.nodes[i]);

/** `edges` (agents' edges only), `communities` (links only) or `focus` (a community's edges and the links). */
const modeOf = (plan: EdgePlan): string =>
  plan.links.length === 0 ? 'edges' : plan.edges.length === 0 ? 'communities' : 'focus';

/** The caption under the graph: what its lines are. */
function describe(plan: EdgePlan): string {
  const edges = fmt.int(plan.edges.length);
  const links = `${fmt.int(plan.links.length)} links between the communities in view`;
  switch (modeOf(plan)) {
    case 'communities':
      return `Edges: ${links}, summing their ${fmt.int(plan.inView)} edges (zoom onto a community for its agents' edges).`;
    case 'focus':
      return `Edges: ${edges} busiest of the community in the middle, and ${links} (${fmt.int(plan.inView)} edges in view).`;
    default:
      return plan.edges.length < plan.inView
        ? `Edges: the busiest ${edges} of the ${fmt.int(plan.inView)} in view (zoom in for the rest).`
        : `Edges: all ${edges} of the agents in view.`;
  }
}

/** What is drawn: the agents (ascending indexes into the layout) and the edges between them. */
interface DrawPlan {
  nodes: Int32Array;
  edges: EdgePlan;
}

/** The community's colour, or its disc's (the same, mixed with white: opaque, so discs blend nothing). */
const communityColour = (community: number, strength = 1) => {
  const hex = PALETTE[community % PALETTE.length]!;
  if (strength === 1) return hex;
  const mixed = [1, 3, 5].map((at) => Math.round(255 - (255 - parseInt(hex.slice(at, at + 2), 16)) * strength));
  return `#${mixed.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
};

/**
 * The graph sigma draws for a plan: discs for the communities whose agents are not all drawn, under the plan's agents, their
 * edges and links, then the cascades' paths (always drawn, on top). Built apart and handed to sigma whole (one
 * indexing), not changed in place (sigma handles an event per node added and re-indexes everything per one dropped).
 */
function graphOf(
  { ids, layout }: Laid,
  plan: DrawPlan,
  onPath: ReadonlySet<string>,
  cascades: readonly EmergenceEvent[],
): Graph {
  const g = new Graph({ type: 'directed', multi: true, allowSelfLoops: false });
  // Sigma draws edges under nodes: a disc would hide its community's edges, so a community gets one only when
  // links stand for its edges, it is not the one focused on, and some of its agents are not drawn.
  const undrawn = new Int32Array(layout.communities);
  for (const c of layout.community) undrawn[c]!++;
  for (const i of plan.nodes) undrawn[layout.community[i]!]!--;
  for (let c = 0; c < layout.communities; c++) {
    if (plan.edges.links.length === 0 || c === plan.edges.focus || undrawn[c]! === 0) continue;
    const centre = layout.representative[c]!;
    g.addNode(`${DISC}${c}`, {
      x: layout.x[centre],
      y: layout.y[centre],
      size: layout.radius[c]! + 1,
      color: communityColour(c, 0.15),
      zIndex: -1,
      label: null,
    });
  }
  const hubs = new Set(layout.hubs);
  for (const i of plan.nodes) {
    const id = ids[i]!;
    const cascade = onPath.has(id);
    g.addNode(id, {
      x: layout.x[i],
      y: layout.y[i],
      size: layout.size[i],
      color: cascade ? CASCADE : communityColour(layout.community[i]!),
      zIndex: cascade ? 1 : 0,
      label: hubs.has(i) ? id : null,
      forceLabel: hubs.has(i),
    });
  }
  const { source, target, errorRate } = layout.edges;
  for (const e of plan.edges.edges)
    g.addDirectedEdgeWithKey(`e${e}`, ids[source[e]!]!, ids[target[e]!]!, {
      size: 0.6,
      color: errorRate[e]! > 0.5 ? HOT_EDGE : EDGE,
    });
  const links = layout.links;
  for (const l of plan.edges.links) {
    const from = ids[layout.representative[links.source[l]!]!]!;
    const to = ids[layout.representative[links.target[l]!]!]!;
    g.addDirectedEdgeWithKey(`c${l}`, from, to, {
      size: Math.min(3, 0.4 + Math.log10(1 + links.count[l]!) / 2),
      color: LINK,
    });
  }
  let k = 0;
  for (const event of cascades) {
    for (const step of event.path ?? []) {
      if (step.via && g.hasNode(step.via) && g.hasNode(step.agent))
        g.addDirectedEdgeWithKey(`k${k++}`, step.via, step.agent, { color: CASCADE, size: 2, zIndex: 1 });
    }
  }
  return g;
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

function rangeOf(values: Float32Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return values.length ? [min, max] : [0, 1];
}

/**
 * The interaction graph drawn by sigma.js (WebGL): communities, hubs, and cascades highlighted along their path.
 * Zoomed out over a big fleet it draws the links between communities and the busiest agents over their communities'
 * discs; zoomed in, the agents and edges in view (graph-lod.ts): a frame never draws tens of thousands of items.
 */
export function GraphView() {
  const cascades = usePoll(
    async () =>
      (await getJson<Page<EmergenceEvent>>('emergence', `/events${query({ type: 'cascade_failure', limit: 5 })}`))
        .items,
    [],
    0,
  );
  const host = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState<
    { nodes: number; edges: number; communities: number; hubs: string[]; ms: number } | undefined
  >(undefined);
  const [shown, setShown] = useState<DrawPlan | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [sought, setSought] = useState('');
  const [notFound, setNotFound] = useState<string | undefined>(undefined);
  // Set once the graph is drawn: centres the camera on an agent, zoomed to its community; false if it is not in the graph.
  const focus = useRef<(id: string) => boolean>(() => false);

  useEffect(() => {
    const element = host.current;
    // Cascades are drawn on top when the emergence service answers; the graph is drawn without them when it does not.
    const paths = cascades.data ?? (cascades.error ? [] : undefined);
    if (!element || !paths) return undefined;
    const started = performance.now();
    const job = layoutInWorker({
      url: serviceUrl('health', `/graph${query({ from: Date.now() - 10 * 60_000 })}`),
      key: apiKey.get(),
    });
    let g = new Graph({ type: 'directed', multi: true, allowSelfLoops: false });
    // Created before the graph arrives: its WebGL programs compile while the worker reads and lays the graph out.
    // Sizes in the layout's units: a community's disc covers its agents at every zoom.
    const sigma = new Sigma(g, element, {
      renderEdgeLabels: false,
      labelRenderedSizeThreshold: 8,
      zIndex: true,
      hideEdgesOnMove: true,
      itemSizesReference: 'positions',
      zoomToSizeRatioFunction: (ratio) => ratio,
    });
    // Two transparent nodes and an edge between them: sigma draws a first frame now, and the software renderer
    // prepares its node and edge programs while the worker works, not in the frame that shows the fleet.
    g.addNode(`${DISC}warm-up-a`, { x: 0, y: 0, size: 0.001, color: 'rgba(0, 0, 0, 0)', label: null });
    g.addNode(`${DISC}warm-up-b`, { x: 1, y: 1, size: 0.001, color: 'rgba(0, 0, 0, 0)', label: null });
    g.addDirectedEdge(`${DISC}warm-up-a`, `${DISC}warm-up-b`, { size: 0.001, color: 'rgba(0, 0, 0, 0)' });
    performance.measure('graph:renderer', { start: started, end: performance.now() });
    let settle: ReturnType<typeof setTimeout> | undefined;
    let cancelled = false;
    const draw = async (laid: Laid) => {
      // Marks the bench reads (performance.getEntriesByType('measure')): where the main thread's time goes.
      const laidOut = performance.now();
      performance.measure('graph:layout-worker', { start: started, end: laidOut });
      const { ids, layout } = laid;
      // The whole layout's extent: the camera frames all agents, drawn or not.
      sigma.setCustomBBox({ x: rangeOf(layout.x), y: rangeOf(layout.y) });
      const indexOf = new Map(ids.map((id, i) => [id, i]));
      const onPath = new Set(paths.flatMap((event) => (event.path ?? []).map((step) => step.agent)));
      // Always drawn: the hubs, the cascades' agents, and an agent found.
      const pinned = new Set<number>(layout.hubs);
      for (const id of onPath) if (indexOf.has(id)) pinned.add(indexOf.get(id)!);
      const planFor = (view?: Viewport): DrawPlan => {
        const edges = planEdges(layout, view);
        return { edges, nodes: planNodes(layout, edges, view, pinned) };
      };
      // The first plan covers the whole graph (the camera fits it): no viewport needed to choose it.
      let plan = planFor();
      const planned = performance.now();
      performance.measure('graph:plan', { start: laidOut, end: planned });
      // A turn for the page between planning and building: two shorter tasks, not one long.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (cancelled) return;
      g = graphOf(laid, plan, onPath, paths);
      sigma.setGraph(g);
      const built = performance.now();
      performance.measure('graph:build', { start: planned, end: built });
      await nextFrame();
      if (cancelled) return;
      performance.measure('graph:first-frame', { start: built, end: performance.now() });
      sigma.on('clickNode', ({ node }) => {
        if (!node.startsWith(DISC)) window.location.hash = agentHref(node);
      });
      const viewport = (): Viewport => {
        const { width, height } = sigma.getDimensions();
        const corners = [sigma.viewportToGraph({ x: 0, y: 0 }), sigma.viewportToGraph({ x: width, y: height })];
        return {
          minX: Math.min(corners[0]!.x, corners[1]!.x),
          maxX: Math.max(corners[0]!.x, corners[1]!.x),
          minY: Math.min(corners[0]!.y, corners[1]!.y),
          maxY: Math.max(corners[0]!.y, corners[1]!.y),
        };
      };
      const redraw = () => {
        const next = planFor(viewport());
        if (samePlan(plan, next)) return;
        plan = next;
        g = graphOf(laid, plan, onPath, paths);
        sigma.setGraph(g);
        setShown(plan);
      };
      // When the camera rests, the agents and edges of what is on screen (or the communities' links) are drawn.
      sigma.getCamera().on('updated', () => {
        clearTimeout(settle);
        settle = setTimeout(redraw, SETTLE_MS);
      });
      const members = new Int32Array(layout.communities);
      for (const c of layout.community) members[c]!++;
      const extent = Math.max(1e-9, ...[rangeOf(layout.x), rangeOf(layout.y)].map(([min, max]) => max - min));
      focus.current = (id) => {
        const index = indexOf.get(id);
        if (index === undefined) return false;
        // Drawn from now on, whatever the zoom; sigma places it at once (no frame needed to know where).
        pinned.add(index);
        if (!g.hasNode(id)) redraw();
        g.setNodeAttribute(id, 'highlighted', true);
        const shownAt = sigma.viewportToFramedGraph(
          sigma.graphToViewport({ x: layout.x[index]!, y: layout.y[index]! }),
        );
        // The community's disc (radius 2·√members in the layout) and a little more, in sigma's unit-extent camera.
        // Set, not animated: each frame of an animation redraws every agent (in software WebGL, a long task each).
        const ratio = Math.min(1, Math.max(0.002, (5 * Math.sqrt(members[layout.community[index]!]!)) / extent));
        sigma.getCamera().setState({ x: shownAt.x, y: shownAt.y, ratio });
        return true;
      };
      setShown(plan);
      setDrawn({
        nodes: ids.length,
        edges: layout.edges.source.length,
        communities: layout.communities,
        hubs: Array.from(layout.hubs, (i) => ids[i]!),
        ms: performance.now() - started,
      });
    };
    void job.done.then((reply) => {
      if (cancelled) return;
      if ('error' in reply) setFailure(reply.error);
      else void draw(reply);
    });
    return () => {
      cancelled = true;
      clearTimeout(settle);
      job.cancel();
      sigma.kill();
      focus.current = () => false;
    };
  }, [cascades.data, cascades.error]);

  return html`<div class="view" data-view="graph">
    <${Panel} title="Interaction graph (last 10 min)" error=${failure ?? cascades.error} loading=${!cascades.data && !cascades.error}>
      <p class="muted">
        ${
          drawn
            ? `${fmt.int(drawn.nodes)} agents, ${fmt.int(drawn.edges)} edges, ${drawn.communities} communities; drawn in ${fmt.int(drawn.ms)} ms. Colour: community; red: a cascade's path. Click an agent to open it.`
            : 'laying out…'
        }
      </p>
      <p class="muted" data-agents=${shown && drawn ? String(shown.nodes.length) : ''}>
        ${shown && drawn ? (shown.nodes.length < drawn.nodes ? `Agents: the ${fmt.int(shown.nodes.length)} busiest in view and the ends of the edges drawn, of ${fmt.int(drawn.nodes)}; the discs are the communities (zoom in for their agents).` : `Agents: all ${fmt.int(drawn.nodes)}.`) : ''}
      </p>
      <p class="muted" data-edges=${shown ? modeOf(shown.edges) : ''}>${shown ? describe(shown.edges) : ''}</p>
      <form class="find" onSubmit=${(e: Event) => {
        e.preventDefault();
        setNotFound(focus.current(sought.trim()) ? undefined : sought.trim());
      }}>
        <input name="find-agent" placeholder="agent id" value=${sought} onInput=${(e: Event) => setSought((e.target as HTMLInputElement).value)} />
        <button type="submit" disabled=${!drawn}>find in graph</button>
        ${notFound !== undefined ? html`<span class="muted">No agent ${notFound} in this graph.</span>` : null}
      </form>
      <div class="graph" ref=${host} data-drawn=${drawn ? String(drawn.nodes) : ''} data-edges-mode=${shown ? modeOf(shown.edges) : ''} data-agents-drawn=${shown ? String(shown.nodes.length) : ''}></div>
      ${drawn?.hubs.length ? html`<p>Hubs: ${drawn.hubs.map((hub) => html`<a href=${agentHref(hub)}>${hub}</a> `)}</p>` : null}
      ${
        cascades.data?.length
          ? html`<h3>Cascades</h3>
              <ul class="list">
                ${cascades.data.map((c) => html`<li>${fmt.dateTime(c.startedAt)} ${c.scope}: ${c.agents.length} agents — ${c.explanation}</li>`)}
              </ul>`
          : null
      }
    </${Panel}>
  </div>`;
}
