import Graph from 'graphology';
import { useEffect, useRef, useState } from 'preact/hooks';
import Sigma from 'sigma';
import { getJson, query } from '../api';
import { agentHref, fmt } from '../format';
import type { Layout } from '../graph-layout';
import { html } from '../html';
import { usePoll } from '../poll';
import type { EmergenceEvent, GraphAnswer, Page } from '../types';
import { Panel } from '../widgets';

const CASCADE = '#d7191c';
const EDGE_SLICE = 5000;

/** The layout, computed by the console's worker (graph-worker.ts) so the page stays responsive while it runs. */
function layoutInWorker(answer: GraphAnswer): { done: Promise<Layout>; cancel(): void } {
  const worker = new Worker('/console/graph-worker.js', { type: 'module' });
  const done = new Promise<Layout>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<Layout>) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(`graph layout failed: ${event.message}`));
  });
  worker.postMessage({ nodes: answer.nodes.map((n) => ({ id: n.id, interactions: n.interactions })), edges: answer.edges.map((e) => ({ from: e.from, to: e.to, count: e.count })) });
  void done.finally(() => worker.terminate()).catch(() => undefined);
  return { done, cancel: () => worker.terminate() };
}

/** The interaction graph drawn by sigma.js (WebGL): communities, hubs, and cascades highlighted along their path. */
export function GraphView() {
  const graph = usePoll(() => getJson<GraphAnswer>('health', `/graph${query({ from: Date.now() - 10 * 60_000 })}`), [], 0);
  const cascades = usePoll(async () => (await getJson<Page<EmergenceEvent>>('emergence', `/events${query({ type: 'cascade_failure', limit: 5 })}`)).items, [], 0);
  const host = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState<{ nodes: number; edges: number; communities: number; hubs: string[]; ms: number } | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);

  useEffect(() => {
    const element = host.current;
    const answer = graph.data;
    if (!element || !answer) return undefined;
    const started = performance.now();
    const job = layoutInWorker(answer);
    let renderer: Sigma | undefined;
    let cancelled = false;
    const draw = async (layout: Layout) => {
      // Marks the bench reads (performance.getEntriesByType('measure')): where the main thread's time goes.
      const laidOut = performance.now();
      const g = new Graph({ type: 'directed', multi: false, allowSelfLoops: true });
      answer.nodes.forEach((node, i) => g.addNode(node.id, { x: layout.x[i], y: layout.y[i], size: layout.size[i], color: layout.color[i], label: null }));
      for (const index of layout.hubs) g.setNodeAttribute(answer.nodes[index]!.id, 'label', answer.nodes[index]!.id);
      // Edges in slices, yielding between them, so a 50,000-edge graph does not hold the page for its whole build.
      for (let from = 0; from < answer.edges.length; from += EDGE_SLICE) {
        for (const edge of answer.edges.slice(from, from + EDGE_SLICE)) {
          if (!g.hasDirectedEdge(edge.from, edge.to)) g.addDirectedEdge(edge.from, edge.to, { size: 0.5, color: edge.errorRate > 0.5 ? '#f4a582' : '#d0d4da' });
        }
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (cancelled) return;
      }
      for (const event of cascades.data ?? []) {
        for (const step of event.path ?? []) {
          if (g.hasNode(step.agent)) g.mergeNodeAttributes(step.agent, { color: CASCADE, zIndex: 1 });
          if (step.via && g.hasDirectedEdge(step.via, step.agent)) g.mergeDirectedEdgeAttributes(step.via, step.agent, { color: CASCADE, size: 2 });
        }
      }
      const built = performance.now();
      performance.measure('graph:layout-worker', { start: started, end: laidOut });
      performance.measure('graph:build', { start: laidOut, end: built });
      renderer = new Sigma(g, element, { renderEdgeLabels: false, labelRenderedSizeThreshold: 8, zIndex: true, hideEdgesOnMove: true });
      performance.measure('graph:render', { start: built, end: performance.now() });
      renderer.on('clickNode', ({ node }) => {
        window.location.hash = agentHref(node);
      });
      setDrawn({ nodes: g.order, edges: g.size, communities: layout.communities, hubs: layout.hubs.map((i) => answer.nodes[i]!.id), ms: performance.now() - started });
    };
    job.done.then(
      (layout) => (cancelled ? undefined : draw(layout)),
      (error: unknown) => setFailure(String(error)),
    );
    return () => {
      cancelled = true;
      job.cancel();
      renderer?.kill();
    };
  }, [graph.data, cascades.data]);

  return html`<div class="view" data-view="graph">
    <${Panel} title="Interaction graph (last 10 min)" error=${graph.error ?? failure} loading=${!graph.data}>
      <p class="muted">
        ${drawn
          ? `${fmt.int(drawn.nodes)} agents, ${fmt.int(drawn.edges)} edges, ${drawn.communities} communities; drawn in ${fmt.int(drawn.ms)} ms. Colour: community; red: a cascade's path. Click an agent to open it.`
          : 'laying out…'}
      </p>
      <div class="graph" ref=${host} data-drawn=${drawn ? String(drawn.nodes) : ''}></div>
      ${drawn?.hubs.length ? html`<p>Hubs: ${drawn.hubs.map((hub) => html`<a href=${agentHref(hub)}>${hub}</a> `)}</p>` : null}
      ${cascades.data?.length
        ? html`<h3>Cascades</h3><ul class="list">${cascades.data.map((c) => html`<li>${fmt.dateTime(c.startedAt)} ${c.scope}: ${c.agents.length} agents — ${c.explanation}</li>`)}</ul>`
        : null}
    </${Panel}>
  </div>`;
}
