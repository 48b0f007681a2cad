import { getJson, query } from '../api';
import { Chart } from '../chart';
import { agentHref, fmt, incidentHref } from '../format';
import { html } from '../html';
import { usePoll } from '../poll';
import { meanCharts, windowCharts } from '../series';
import type { Agent, AgentTools, Anomaly, GraphAnswer, Incident, Page, Trends } from '../types';
import { Badge, Facts, Panel } from '../widgets';

const HOUR = 3_600_000;
const QUALITY = ['accuracy', 'coherence', 'efficiency', 'adaptability'];

/** One agent: its health and reasons, trends, anomalies, incidents and neighbours in the interaction graph. */
export function AgentView(props: { id: string }) {
  const id = encodeURIComponent(props.id);
  const agent = usePoll(() => getJson<Agent>('health', `/agents/${id}`), [id], 5000);
  const trends = usePoll(
    () => getJson<Trends>('health', `/agents/${id}/trends${query({ from: Date.now() - 6 * HOUR })}`),
    [id],
    15_000,
  );
  const anomalies = usePoll(
    () => getJson<Page<Anomaly>>('anomaly', `/agents/${id}/anomalies${query({ limit: 50 })}`),
    [id],
    10_000,
  );
  // The incidents naming this agent, filtered by the incidents service (`?agent=`).
  const incidents = usePoll(
    async () =>
      (await getJson<Page<Incident>>('incidents', `/incidents${query({ agent: props.id, limit: 50 })}`)).items,
    [id],
    15_000,
  );
  const graph = usePoll(() => getJson<GraphAnswer>('health', `/graph${query({ agent: props.id })}`), [id], 15_000);
  const tools = usePoll(() => getJson<AgentTools>('health', `/agents/${id}/tools`), [id], 15_000);
  const a = agent.data;
  const windows = trends.data?.windows ?? [];
  const qualityNames = QUALITY.filter((name) => windows.some((w) => w.means[name] !== undefined));
  const lastMeans = windows.length ? windows[windows.length - 1]!.means : {};

  return html`<div class="view" data-view="agent">
    <${Panel} title=${`Agent ${props.id}`} error=${agent.error} loading=${!a}>
      ${
        a
          ? html`<${Facts}
              rows=${[
                ['status', html`<${Badge} value=${a.status} />`],
                ['health score', fmt.num(a.healthScore)],
                ['why', (a.healthReasons ?? []).length ? (a.healthReasons ?? []).join('; ') : 'nothing wrong'],
                ['pool', a.pool],
                ['model', a.model],
                ['type', a.type],
                ['registered', fmt.dateTime(a.registeredAt)],
                ['last seen', fmt.ago(a.lastSeen)],
                // Only when its reports carry the tool_calls metric (the per-tool breakdown is the Tools panel below).
                ...(lastMeans.tool_calls !== undefined
                  ? [['tool calls per report (last window)', fmt.num(lastMeans.tool_calls)] as const]
                  : []),
              ]}
            />`
          : null
      }
    </${Panel}>
    <${Panel} title="Trends (last 6 h, 1-minute windows)" error=${trends.error} loading=${!trends.data}>
      ${windows.length === 0 ? html`<p class="muted">No closed window yet.</p>` : null}
      <div class="grid2">
        ${windowCharts(windows).map((chart) => html`<${Chart} key=${chart.title} title=${chart.title} times=${windows.map((w) => w.start)} series=${chart.series} format=${chart.format} />`)}
        ${qualityNames.length ? html`<${Chart} key="quality" title="Quality" times=${windows.map((w) => w.start)} series=${meanCharts(windows, qualityNames)} />` : null}
      </div>
    </${Panel}>
    <${Panel} title="Anomalies" error=${anomalies.error} loading=${!anomalies.data}>
      <table class="table" data-table="agent-anomalies">
        <thead><tr><th>started</th><th>type</th><th>severity</th><th>risk</th><th>status</th><th>explanation</th></tr></thead>
        <tbody>
          ${(anomalies.data?.items ?? []).map(
            (x) =>
              html`<tr>
                <td>${fmt.dateTime(x.startedAt)}</td>
                <td>${x.type}</td>
                <td><${Badge} value=${x.severity} /></td>
                <td><${Badge} value=${x.risk} /></td>
                <td>${x.status}</td>
                <td>${x.explanation}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${anomalies.data?.items.length === 0 ? html`<p class="muted">None.</p>` : null}
    </${Panel}>
    <${Panel} title="Incidents naming this agent" error=${incidents.error} loading=${!incidents.data}>
      <ul class="list">
        ${(incidents.data ?? []).map((i) => html`<li><a href=${incidentHref(i.id)}>${i.title}</a> <${Badge} value=${i.severity} /> <${Badge} value=${i.status} /></li>`)}
      </ul>
      ${incidents.data?.length === 0 ? html`<p class="muted">None.</p>` : null}
    </${Panel}>
    <${Panel} title="Tools (function calls since start)" error=${tools.error} loading=${!tools.data}>
      <table class="table" data-table="agent-tools">
        <thead><tr><th>tool</th><th>calls</th><th>errors</th><th>error rate</th><th>mean duration</th></tr></thead>
        <tbody>
          ${(tools.data?.tools ?? []).map(
            (t) =>
              html`<tr>
                <td>${t.tool}</td>
                <td>${fmt.int(t.calls)}</td>
                <td>${fmt.int(t.errors)}</td>
                <td>${fmt.pct(t.calls ? t.errors / t.calls : 0)}</td>
                <td>${fmt.seconds(t.calls ? t.durationSeconds / t.calls : 0)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${tools.data?.tools.length === 0 ? html`<p class="muted">No tool call reported.</p>` : null}
    </${Panel}>
    <${Panel} title="Neighbours (interactions, last 10 min)" error=${graph.error} loading=${!graph.data}>
      <table class="table" data-table="neighbours">
        <thead><tr><th>from</th><th>to</th><th>kind</th><th>count</th><th>error rate</th><th>mean latency</th></tr></thead>
        <tbody>
          ${(graph.data?.edges ?? []).slice(0, 100).map(
            (e) =>
              html`<tr>
                <td>${e.from === props.id ? e.from : html`<a href=${agentHref(e.from)}>${e.from}</a>`}</td>
                <td>${e.to === props.id ? e.to : html`<a href=${agentHref(e.to)}>${e.to}</a>`}</td>
                <td>${e.kind}</td>
                <td>${fmt.int(e.count)}</td>
                <td>${fmt.pct(e.errorRate)}</td>
                <td>${fmt.seconds(e.meanLatencySeconds)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${graph.data?.edges.length === 0 ? html`<p class="muted">No interaction.</p>` : null}
    </${Panel}>
  </div>`;
}
