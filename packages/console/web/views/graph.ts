import Graph from 'graphology';
import { useEffect, useRef, useState } from 'preact/hooks';
import Sigma from 'sigma';
import { getJson, query } from '../api';
import { agentHref, fmt } from '../format';
import { layoutByCommunity } from '../graph-layout';
import { html } from '../html';
import { usePoll } from '../poll';
import type { EmergenceEvent, GraphAnswer, Page } from '../types';
import { Panel } from '../widgets';

const CASCADE = '#d7191c';

/** The interaction graph drawn by sigma.js (WebGL): communities, hubs, and cascades highlighted along their path. */
export function GraphView() {
  const graph = usePoll(() => getJson<GraphAnswer>('health', `/graph${query({ from: Date.now() - 10 * 60_000 })}`), [], 0);
  const cascades = usePoll(async () => (await getJson<Page<EmergenceEvent>>('emergence', `/events${query({ type: 'cascade_failure', limit: 5 })}`)).items, [], 0);
  const host = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState<{ nodes: number; edges: number; communities: number; hubs: string[]; ms: number } | undefined>(undefined);

  useEffect(() => {
    const element = host.current;
    const answer = graph.data;
    if (!element || !answer) return undefined;
    const started = performance.now();
    const g = new Graph({ type: 'directed', multi: false, allowSelfLoops: true });
    for (const node of answer.nodes) g.addNode(node.id, { interactions: node.interactions, x: 0, y: 0, size: 2 });
    for (const edge of answer.edges) {
      if (g.hasDirectedEdge(edge.from, edge.to)) g.updateDirectedEdgeAttribute(edge.from, edge.to, 'weight', (w: number | undefined) => (w ?? 0) + edge.count);
      else g.addDirectedEdge(edge.from, edge.to, { weight: edge.count, size: 0.5, color: edge.errorRate > 0.5 ? '#f4a582' : '#d0d4da' });
    }
    const laid = layoutByCommunity(g);
    for (const event of cascades.data ?? []) {
      for (const step of event.path ?? []) {
        if (g.hasNode(step.agent)) g.mergeNodeAttributes(step.agent, { color: CASCADE, zIndex: 1 });
        if (step.via && g.hasDirectedEdge(step.via, step.agent)) g.mergeDirectedEdgeAttributes(step.via, step.agent, { color: CASCADE, size: 2 });
      }
    }
    const renderer = new Sigma(g, element, { renderEdgeLabels: false, labelRenderedSizeThreshold: 8, zIndex: true });
    renderer.on('clickNode', ({ node }) => {
      window.location.hash = agentHref(node);
    });
    setDrawn({ nodes: g.order, edges: g.size, communities: laid.communities, hubs: laid.hubs, ms: performance.now() - started });
    return () => renderer.kill();
  }, [graph.data, cascades.data]);

  return html`<div class="view" data-view="graph">
    <${Panel} title="Interaction graph (last 10 min)" error=${graph.error} loading=${!graph.data}>
      <p class="muted">
        ${drawn
          ? `${fmt.int(drawn.nodes)} agents, ${fmt.int(drawn.edges)} edges, ${drawn.communities} communities; drawn in ${fmt.int(drawn.ms)} ms. Colour: community; red: a cascade's path. Click an agent to open it.`
          : 'drawing…'}
      </p>
      <div class="graph" ref=${host} data-drawn=${drawn ? String(drawn.nodes) : ''}></div>
      ${drawn?.hubs.length ? html`<p>Hubs: ${drawn.hubs.map((hub) => html`<a href=${agentHref(hub)}>${hub}</a> `)}</p>` : null}
      ${cascades.data?.length
        ? html`<h3>Cascades</h3><ul class="list">${cascades.data.map((c) => html`<li>${fmt.dateTime(c.startedAt)} ${c.scope}: ${c.agents.length} agents — ${c.explanation}</li>`)}</ul>`
        : null}
    </${Panel}>
  </div>`;
}
