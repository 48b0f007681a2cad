import Graph from 'graphology';
import { useEffect, useRef, useState } from 'preact/hooks';
import Sigma from 'sigma';
import { apiKey, getJson, query, serviceUrl } from '../api';
import { agentHref, fmt } from '../format';
import type { Drawing } from '../graph-layout';
import type { DrawPlan, Viewport } from '../graph-lod';
import type { GraphReply, GraphRequest } from '../graph-worker';
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

/** The graph's reading, layout and level of detail, in the console's worker (graph-worker.ts), kept while the view lives. */
class GraphWorker {
  private readonly worker = new Worker('/console/graph-worker.js', { type: 'module' });
  private seq = 0;
  private readonly waiting = new Map<number, (plan: DrawPlan | undefined) => void>();
  private laidOut: ((reply: Laid | { error: string }) => void) | undefined;
  /** The graph read and laid out: the ids and the drawing part of the layout, or why it failed. */
  readonly layout: Promise<Laid | { error: string }>;

  constructor(
    request: { url: string; key: string },
    private readonly failed: (error: string) => void,
  ) {
    this.layout = new Promise((resolve) => (this.laidOut = resolve));
    this.worker.onmessage = (event: MessageEvent<GraphReply>) => this.receive(event.data);
    this.worker.onerror = (event) => this.receive({ type: 'error', error: `graph worker failed: ${event.message}` });
    this.post({ type: 'layout', ...request });
  }

  /** The plan for a view; undefined when a later plan was asked before this one came back (only the latest counts). */
  plan(view: Viewport | undefined, pinned: Iterable<number>): Promise<DrawPlan | undefined> {
    const seq = ++this.seq;
    for (const resolve of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
    return new Promise((resolve) => {
      this.waiting.set(seq, resolve);
      this.post({ type: 'plan', seq, ...(view ? { view } : {}), pinned: [...pinned] });
    });
  }

  stop(): void {
    this.worker.terminate();
    for (const resolve of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
  }

  private post(request: GraphRequest): void {
    this.worker.postMessage(request);
  }

  private receive(reply: GraphReply): void {
    if (reply.type === 'layout') {
      // The worker's own times, as measures on the page's clock (CONSOLE_BENCH_TRACE prints them).
      const now = performance.now();
      performance.measure('graph:worker-fetch', { end: now - reply.layoutMs, duration: reply.fetchMs });
      performance.measure('graph:worker-layout', { end: now, duration: reply.layoutMs });
      this.laidOut?.({ ids: reply.ids, drawing: reply.drawing });
    } else if (reply.type === 'plan') {
      this.waiting.get(reply.seq)?.(reply.plan);
      this.waiting.delete(reply.seq);
    } else {
      this.laidOut?.({ error: reply.error });
      this.failed(reply.error);
      this.stop();
    }
  }
}

interface Laid {
  ids: string[];
  drawing: Drawing;
}

const sameArray = (x: Int32Array, y: Int32Array) => x.length === y.length && x.every((e, i) => e === y[i]);
const samePlan = (a: DrawPlan, b: DrawPlan): boolean =>
  sameArray(a.edges, b.edges) && sameArray(a.links, b.links) && sameArray(a.nodes, b.nodes);

/** `edges` (agents' edges only), `communities` (links only) or `focus` (a community's edges and the links). */
const modeOf = (plan: DrawPlan): string =>
  plan.links.length === 0 ? 'edges' : plan.edges.length === 0 ? 'communities' : 'focus';

/** The caption under the graph: what its lines are. */
function describe(plan: DrawPlan): string {
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

/** The community's colour, or its disc's (the same, mixed with white: opaque, so discs blend nothing). */
const communityColour = (community: number, strength = 1) => {
  const hex = PALETTE[community % PALETTE.length]!;
  if (strength === 1) return hex;
  const mixed = [1, 3, 5].map((at) => Math.round(255 - (255 - parseInt(hex.slice(at, at + 2), 16)) * strength));
  return `#${mixed.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
};

/** How long one task of the page's own work (building the graph to draw) runs before it yields: under a long task's 50 ms. */
const SLICE_MS = 30;

/** An awaitable that yields to the page once the current task has run SLICE_MS: one long build becomes short tasks. */
function slicer(): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < SLICE_MS) return undefined;
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        since = performance.now();
        resolve();
      }, 0),
    );
  };
}

/** What graphOf draws besides the plan: the cascades (their agents red, their paths on top) and an agent found. */
interface Marks {
  onPath: ReadonlySet<string>;
  cascades: readonly EmergenceEvent[];
  highlighted: string | undefined;
  /** Whether a community's disc of this radius (layout units) would cover the screen at the camera's zoom now. */
  tooBig: (radius: number) => boolean;
}

/**
 * The graph sigma draws for a plan: discs for the communities whose agents are not all drawn, under the plan's
 * agents, their edges and links, then the cascades' paths (always drawn, on top). Built apart, in slices that yield to
 * the page, and handed to sigma whole (one indexing), not changed in place (sigma handles an event per node added and
 * re-indexes everything per one dropped). Undefined when `current()` turned false meanwhile (a newer plan came).
 */
async function graphOf(
  { ids, drawing: layout }: Laid,
  plan: DrawPlan,
  marks: Marks,
  current: () => boolean,
): Promise<Graph | undefined> {
  const pause = slicer();
  const g = new Graph({ type: 'directed', multi: true, allowSelfLoops: false });
  // Sigma draws edges under nodes: a disc would hide its community's edges, so a community gets one only when
  // links stand for its edges, it is not the one focused on, and some of its agents are not drawn.
  const undrawn = new Int32Array(layout.communities);
  for (const c of layout.community) undrawn[c]!++;
  for (const i of plan.nodes) undrawn[layout.community[i]!]!--;
  for (let c = 0; c < layout.communities; c++) {
    if (plan.links.length === 0 || c === plan.focus || undrawn[c]! === 0) continue;
    const centre = layout.representative[c]!;
    g.addNode(`${DISC}${c}`, {
      x: layout.x[centre],
      y: layout.y[centre],
      size: layout.radius[c]! + 1,
      color: communityColour(c, 0.15),
      zIndex: -1,
      label: null,
      hidden: marks.tooBig(layout.radius[c]! + 1),
    });
  }
  const hubs = new Set(layout.hubs);
  // Every 256 items, a look at the clock (and a yield when the slice is spent).
  let added = 0;
  const paused = async () => (++added & 255) === 0 && (await pause(), !current());
  for (const i of plan.nodes) {
    if (await paused()) return undefined;
    const id = ids[i]!;
    const cascade = marks.onPath.has(id);
    g.addNode(id, {
      x: layout.x[i],
      y: layout.y[i],
      size: layout.size[i],
      color: cascade ? CASCADE : communityColour(layout.community[i]!),
      zIndex: cascade ? 1 : 0,
      label: hubs.has(i) ? id : null,
      forceLabel: hubs.has(i),
      highlighted: id === marks.highlighted,
    });
  }
  const { source, target, errorRate } = layout.edges;
  for (const e of plan.edges) {
    if (await paused()) return undefined;
    g.addDirectedEdgeWithKey(`e${e}`, ids[source[e]!]!, ids[target[e]!]!, {
      size: 0.6,
      color: errorRate[e]! > 0.5 ? HOT_EDGE : EDGE,
    });
  }
  const links = layout.links;
  for (const l of plan.links) {
    if (await paused()) return undefined;
    const from = ids[layout.representative[links.source[l]!]!]!;
    const to = ids[layout.representative[links.target[l]!]!]!;
    g.addDirectedEdgeWithKey(`c${l}`, from, to, {
      size: Math.min(3, 0.4 + Math.log10(1 + links.count[l]!) / 2),
      color: LINK,
    });
  }
  let k = 0;
  for (const event of marks.cascades) {
    for (const step of event.path ?? []) {
      if (step.via && g.hasNode(step.via) && g.hasNode(step.agent))
        g.addDirectedEdgeWithKey(`k${k++}`, step.via, step.agent, { color: CASCADE, size: 2, zIndex: 1 });
    }
  }
  await pause();
  return current() ? g : undefined;
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
 * The reading, layout and choice of what to draw run in a worker; the page builds what sigma draws in short slices.
 * After each drawn frame the graph's element counts it in `data-frames` (what the bench waits on).
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
    const worker = new GraphWorker(
      {
        url: serviceUrl('health', `/graph${query({ from: Date.now() - 10 * 60_000 })}`),
        key: apiKey.get(),
      },
      setFailure,
    );
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
    let frames = 0;
    const draw = async (laid: Laid) => {
      // Marks the bench reads (performance.getEntriesByType('measure')): where the time goes.
      const laidOut = performance.now();
      performance.measure('graph:layout-worker', { start: started, end: laidOut });
      const { ids, drawing: layout } = laid;
      // The whole layout's extent: the camera frames all agents, drawn or not.
      sigma.setCustomBBox({ x: rangeOf(layout.x), y: rangeOf(layout.y) });
      const indexOf = new Map(ids.map((id, i) => [id, i]));
      // A disc that covers the screen says nothing (zoomed in, its community fills the view) and costs the most to
      // draw: a software-rendered frame fills every pixel it covers, twice (picking), for each disc in view.
      const tooBig = (radius: number) => {
        const { width, height } = sigma.getDimensions();
        const origin = sigma.graphToViewport({ x: 0, y: 0 });
        const unit = sigma.graphToViewport({ x: 1, y: 0 });
        return radius * Math.hypot(unit.x - origin.x, unit.y - origin.y) > Math.hypot(width, height) / 2;
      };
      const marks: Marks = {
        onPath: new Set(paths.flatMap((event) => (event.path ?? []).map((step) => step.agent))),
        cascades: paths,
        highlighted: undefined,
        tooBig,
      };
      /** Hides the discs that grew past the screen with the zoom and shows those back within it (one sigma update). */
      const fitDiscs = () => {
        let changed = false;
        g.forEachNode((node, attributes) => {
          if (node.startsWith(DISC) && tooBig(attributes.size as number) !== Boolean(attributes.hidden)) changed = true;
        });
        if (changed)
          g.updateEachNodeAttributes(
            (node, attributes) =>
              node.startsWith(DISC) ? { ...attributes, hidden: tooBig(attributes.size as number) } : attributes,
            { attributes: ['hidden'] },
          );
      };
      // Always drawn: the hubs, the cascades' agents, and an agent found.
      const pinned = new Set<number>(layout.hubs);
      for (const id of marks.onPath) if (indexOf.has(id)) pinned.add(indexOf.get(id)!);
      let plan: DrawPlan | undefined;
      let generation = 0;
      /** Plans (in the worker) for the view, builds (in slices) and hands the graph to sigma; false if superseded. */
      const show = async (view: Viewport | undefined, force: boolean): Promise<boolean> => {
        const mine = ++generation;
        const current = () => !cancelled && mine === generation;
        const asked = performance.now();
        const next = await worker.plan(view, pinned);
        if (!next || !current()) return false;
        const planned = performance.now();
        performance.measure('graph:plan', { start: asked, end: planned });
        if (!force && plan && samePlan(plan, next)) return true;
        const built = await graphOf(laid, next, marks, current);
        if (!built) return false;
        const handed = performance.now();
        performance.measure('graph:build', { start: planned, end: handed });
        plan = next;
        g = built;
        // Sigma indexes the graph, fills its WebGL buffers and renders: one task the page cannot split.
        sigma.setGraph(g);
        performance.measure('graph:set-graph', { start: handed, end: performance.now() });
        setShown(plan);
        await nextFrame();
        if (!current()) return false;
        performance.measure('graph:frame', { start: handed, end: performance.now() });
        element.dataset.frames = String(++frames);
        return true;
      };
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
      const redraw = (force = false) => {
        clearTimeout(settle);
        settle = setTimeout(() => void show(viewport(), force), SETTLE_MS);
      };
      // The first plan covers the whole graph (the camera fits it): no viewport needed to choose it.
      if (!(await show(undefined, true))) return;
      sigma.on('clickNode', ({ node }) => {
        if (!node.startsWith(DISC)) window.location.hash = agentHref(node);
      });
      // When the camera rests, the agents and edges of what is on screen (or the communities' links) are drawn.
      sigma.getCamera().on('updated', () => {
        fitDiscs();
        redraw();
      });
      const members = new Int32Array(layout.communities);
      for (const c of layout.community) members[c]!++;
      const extent = Math.max(1e-9, ...[rangeOf(layout.x), rangeOf(layout.y)].map(([min, max]) => max - min));
      focus.current = (id) => {
        const index = indexOf.get(id);
        if (index === undefined) return false;
        // Drawn (and highlighted) from now on, whatever the zoom, once the plan for the new camera is drawn.
        pinned.add(index);
        marks.highlighted = id;
        const shownAt = sigma.viewportToFramedGraph(
          sigma.graphToViewport({ x: layout.x[index]!, y: layout.y[index]! }),
        );
        // The community's disc (radius 2·√members in the layout) and a little more, in sigma's unit-extent camera.
        // Set, not animated: each frame of an animation redraws every agent (in software WebGL, a long task each).
        const ratio = Math.min(1, Math.max(0.002, (5 * Math.sqrt(members[layout.community[index]!]!)) / extent));
        sigma.getCamera().setState({ x: shownAt.x, y: shownAt.y, ratio });
        // Redrawn even if the camera did not move (the same agent found twice): the highlight is in the graph built.
        redraw(true);
        return true;
      };
      setDrawn({
        nodes: ids.length,
        edges: layout.edges.source.length,
        communities: layout.communities,
        hubs: Array.from(layout.hubs, (i) => ids[i]!),
        ms: performance.now() - started,
      });
    };
    void worker.layout.then((reply) => {
      if (!cancelled && !('error' in reply)) void draw(reply);
    });
    return () => {
      cancelled = true;
      clearTimeout(settle);
      worker.stop();
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
      <p class="muted" data-edges=${shown ? modeOf(shown) : ''}>${shown ? describe(shown) : ''}</p>
      <form class="find" onSubmit=${(e: Event) => {
        e.preventDefault();
        setNotFound(focus.current(sought.trim()) ? undefined : sought.trim());
      }}>
        <input name="find-agent" placeholder="agent id" value=${sought} onInput=${(e: Event) => setSought((e.target as HTMLInputElement).value)} />
        <button type="submit" disabled=${!drawn}>find in graph</button>
        ${notFound !== undefined ? html`<span class="muted">No agent ${notFound} in this graph.</span>` : null}
      </form>
      <div class="graph" ref=${host} data-drawn=${drawn ? String(drawn.nodes) : ''} data-edges-mode=${shown ? modeOf(shown) : ''} data-agents-drawn=${shown ? String(shown.nodes.length) : ''}></div>
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
