import Graph from 'graphology';
import { useEffect, useRef, useState } from 'preact/hooks';
import Sigma from 'sigma';
import { apiKey, getJson, query, serviceUrl } from '../api';
import { agentHref, fmt } from '../format';
import { planEdges, type EdgePlan } from '../graph-lod';
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
const samePlan = (a: EdgePlan, b: EdgePlan): boolean => sameList(a.edges, b.edges) && sameList(a.links, b.links);

/** `edges` (agents' edges only), `communities` (links only) or `focus` (a community's edges and the links). */
const modeOf = (plan: EdgePlan): string => (plan.links.length === 0 ? 'edges' : plan.edges.length === 0 ? 'communities' : 'focus');

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
      return plan.edges.length < plan.inView ? `Edges: the busiest ${edges} of the ${fmt.int(plan.inView)} in view (zoom in for the rest).` : `Edges: all ${edges} of the agents in view.`;
  }
}

/** Replaces the drawn edges by the plan's, then the cascades' paths (always drawn, on top). */
function drawEdges(g: Graph, { ids, layout }: Laid, plan: EdgePlan, cascades: readonly EmergenceEvent[]): void {
  // One clear (one re-index by sigma) rather than an edge dropped at a time (a full re-index each).
  g.clearEdges();
  const { source, target, errorRate } = layout.edges;
  for (const e of plan.edges) g.addDirectedEdgeWithKey(`e${e}`, ids[source[e]!]!, ids[target[e]!]!, { size: 0.6, color: errorRate[e]! > 0.5 ? HOT_EDGE : EDGE });
  const links = layout.links;
  for (const l of plan.links) {
    const from = ids[layout.representative[links.source[l]!]!]!;
    const to = ids[layout.representative[links.target[l]!]!]!;
    g.addDirectedEdgeWithKey(`c${l}`, from, to, { size: Math.min(6, 0.5 + Math.log10(1 + links.count[l]!)), color: LINK });
  }
  let k = 0;
  for (const event of cascades) {
    for (const step of event.path ?? []) {
      if (step.via && g.hasNode(step.via) && g.hasNode(step.agent)) g.addDirectedEdgeWithKey(`k${k++}`, step.via, step.agent, { color: CASCADE, size: 2, zIndex: 1 });
    }
  }
}

function extentOf(values: Float32Array): number {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return values.length ? max - min : 0;
}

/**
 * The interaction graph drawn by sigma.js (WebGL): communities, hubs, and cascades highlighted along their path.
 * Zoomed out over a big fleet it draws the links between communities; zoomed in, the edges of the agents in view
 * (graph-lod.ts), so the page never holds tens of thousands of edges.
 */
export function GraphView() {
  const cascades = usePoll(async () => (await getJson<Page<EmergenceEvent>>('emergence', `/events${query({ type: 'cascade_failure', limit: 5 })}`)).items, [], 0);
  const host = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState<{ nodes: number; edges: number; communities: number; hubs: string[]; ms: number } | undefined>(undefined);
  const [shown, setShown] = useState<EdgePlan | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [sought, setSought] = useState('');
  const [notFound, setNotFound] = useState<string | undefined>(undefined);
  // Set once the graph is drawn: centres the camera on an agent, zoomed to its community; false if it is not drawn.
  const focus = useRef<(id: string) => boolean>(() => false);

  useEffect(() => {
    const element = host.current;
    // Cascades are drawn on top when the emergence service answers; the graph is drawn without them when it does not.
    const paths = cascades.data ?? (cascades.error ? [] : undefined);
    if (!element || !paths) return undefined;
    const started = performance.now();
    const job = layoutInWorker({ url: serviceUrl('health', `/graph${query({ from: Date.now() - 10 * 60_000 })}`), key: apiKey.get() });
    let renderer: Sigma | undefined;
    let settle: ReturnType<typeof setTimeout> | undefined;
    let cancelled = false;
    const draw = async (laid: Laid) => {
      // Marks the bench reads (performance.getEntriesByType('measure')): where the main thread's time goes.
      const laidOut = performance.now();
      const { ids, layout } = laid;
      const g = new Graph({ type: 'directed', multi: true, allowSelfLoops: false });
      const onPath = new Set(paths.flatMap((event) => (event.path ?? []).map((step) => step.agent)));
      ids.forEach((id, i) =>
        g.addNode(id, { x: layout.x[i], y: layout.y[i], size: layout.size[i], color: onPath.has(id) ? CASCADE : PALETTE[layout.community[i]! % PALETTE.length], zIndex: onPath.has(id) ? 1 : 0, label: null }),
      );
      for (const index of layout.hubs) g.setNodeAttribute(ids[index]!, 'label', ids[index]!);
      // The first plan covers the whole graph (sigma's first frame fits it): no renderer needed to choose it.
      let plan = planEdges(layout);
      drawEdges(g, laid, plan, paths);
      performance.measure('graph:layout-worker', { start: started, end: laidOut });
      performance.measure('graph:build', { start: laidOut, end: performance.now() });
      // The page gets a turn between building the graph and sigma's indexing of it: two shorter tasks, not one long.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (cancelled) return;
      const built = performance.now();
      const sigma = new Sigma(g, element, { renderEdgeLabels: false, labelRenderedSizeThreshold: 8, zIndex: true, hideEdgesOnMove: true });
      renderer = sigma;
      performance.measure('graph:render', { start: built, end: performance.now() });
      sigma.on('clickNode', ({ node }) => {
        window.location.hash = agentHref(node);
      });
      // When the camera rests, the edges of what is on screen (or the communities' links) replace the drawn ones.
      sigma.getCamera().on('updated', () => {
        clearTimeout(settle);
        settle = setTimeout(() => {
          const { width, height } = sigma.getDimensions();
          const corners = [sigma.viewportToGraph({ x: 0, y: 0 }), sigma.viewportToGraph({ x: width, y: height })];
          const next = planEdges(layout, {
            minX: Math.min(corners[0]!.x, corners[1]!.x),
            maxX: Math.max(corners[0]!.x, corners[1]!.x),
            minY: Math.min(corners[0]!.y, corners[1]!.y),
            maxY: Math.max(corners[0]!.y, corners[1]!.y),
          });
          if (samePlan(plan, next)) return;
          plan = next;
          drawEdges(g, laid, plan, paths);
          setShown(plan);
        }, SETTLE_MS);
      });
      const members = new Int32Array(layout.communities);
      for (const c of layout.community) members[c]!++;
      const extent = Math.max(1e-9, extentOf(layout.x), extentOf(layout.y));
      const indexOf = new Map(ids.map((id, i) => [id, i]));
      focus.current = (id) => {
        const index = indexOf.get(id);
        const shownAt = sigma.getNodeDisplayData(id);
        if (index === undefined || !shownAt) return false;
        g.setNodeAttribute(id, 'highlighted', true);
        // The community's disc (radius 2·√members in the layout) and a little more, in sigma's unit-extent camera.
        const ratio = Math.min(1, Math.max(0.002, (5 * Math.sqrt(members[layout.community[index]!]!)) / extent));
        void sigma.getCamera().animate({ x: shownAt.x, y: shownAt.y, ratio }, { duration: 300 });
        return true;
      };
      setShown(plan);
      setDrawn({ nodes: g.order, edges: layout.edges.source.length, communities: layout.communities, hubs: Array.from(layout.hubs, (i) => ids[i]!), ms: performance.now() - started });
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
      renderer?.kill();
      focus.current = () => false;
    };
  }, [cascades.data, cascades.error]);

  return html`<div class="view" data-view="graph">
    <${Panel} title="Interaction graph (last 10 min)" error=${failure ?? cascades.error} loading=${!cascades.data && !cascades.error}>
      <p class="muted">
        ${drawn
          ? `${fmt.int(drawn.nodes)} agents, ${fmt.int(drawn.edges)} edges, ${drawn.communities} communities; drawn in ${fmt.int(drawn.ms)} ms. Colour: community; red: a cascade's path. Click an agent to open it.`
          : 'laying out…'}
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
      <div class="graph" ref=${host} data-drawn=${drawn ? String(drawn.nodes) : ''} data-edges-mode=${shown ? modeOf(shown) : ''}></div>
      ${drawn?.hubs.length ? html`<p>Hubs: ${drawn.hubs.map((hub) => html`<a href=${agentHref(hub)}>${hub}</a> `)}</p>` : null}
      ${cascades.data?.length
        ? html`<h3>Cascades</h3><ul class="list">${cascades.data.map((c) => html`<li>${fmt.dateTime(c.startedAt)} ${c.scope}: ${c.agents.length} agents — ${c.explanation}</li>`)}</ul>`
        : null}
    </${Panel}>
  </div>`;
}
