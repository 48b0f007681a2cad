import { useState } from 'preact/hooks';
import { ApiError, getJson, postJson, query } from '../api';
import { Chart } from '../chart';
import { agentHref, fmt, incidentHref } from '../format';
import { html } from '../html';
import { usePoll } from '../poll';
import { PALETTE } from '../palette';
import type { Anomaly, Incident, Page, Severity } from '../types';
import { Badge, Facts, Panel } from '../widgets';

const SEVERITIES: Severity[] = ['low', 'medium', 'high', 'critical'];
const MINUTE = 60_000;

/** Anomalies opened per minute by severity over the last hour: the timeline. */
function timeline(anomalies: readonly Anomaly[], now: number) {
  const from = Math.floor((now - 60 * MINUTE) / MINUTE) * MINUTE;
  const times = Array.from({ length: 61 }, (_, i) => from + i * MINUTE);
  const counts = SEVERITIES.map(() => times.map(() => 0));
  for (const a of anomalies) {
    const slot = Math.floor((a.startedAt - from) / MINUTE);
    if (slot >= 0 && slot < times.length) counts[SEVERITIES.indexOf(a.severity)]![slot]!++;
  }
  return {
    times,
    series: SEVERITIES.map((label, i) => ({ label, color: PALETTE[[2, 1, 3, 4][i]!]!, values: counts[i]! })),
  };
}

/** Incidents (correlated) and the anomalies behind them, newest first, with an hour's timeline. */
export function IncidentsView() {
  const [status, setStatus] = useState('');
  const [risk, setRisk] = useState('');
  const incidents = usePoll(
    () => getJson<Page<Incident>>('incidents', `/incidents${query({ status, limit: 100 })}`),
    [status],
    5000,
  );
  const anomalies = usePoll(() => getJson<Page<Anomaly>>('anomaly', `/anomalies${query({ limit: 500 })}`), [], 5000);
  const shown = (anomalies.data?.items ?? []).filter((a) => !risk || (a.risk ?? 'low') === risk);
  const line = timeline(anomalies.data?.items ?? [], Date.now());

  return html`<div class="view" data-view="incidents">
    <${Panel}
      title="Incidents"
      error=${incidents.error}
      loading=${!incidents.data}
      actions=${html`<select
        name="status"
        value=${status}
        onChange=${(e: Event) => setStatus((e.target as HTMLSelectElement).value)}
      >
        <option value="">any status</option>
        <option>open</option>
        <option>acknowledged</option>
        <option>resolved</option>
      </select>`}
    >
      <table class="table" data-table="incidents">
        <thead><tr><th>opened</th><th>title</th><th>severity</th><th>risk</th><th>status</th><th>agents</th><th>anomalies</th></tr></thead>
        <tbody>
          ${(incidents.data?.items ?? []).map(
            (i) =>
              html`<tr>
                <td>${fmt.dateTime(i.startedAt)}</td>
                <td><a href=${incidentHref(i.id)}>${i.title}</a></td>
                <td><${Badge} value=${i.severity} /></td>
                <td><${Badge} value=${i.risk} /></td>
                <td><${Badge} value=${i.status} /></td>
                <td>${fmt.int(i.agentCount)}</td>
                <td>${fmt.int(i.anomalyCount)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${incidents.data?.items.length === 0 ? html`<p class="muted">No incident.</p>` : null}
    </${Panel}>
    <${Panel}
      title="Anomalies"
      error=${anomalies.error}
      loading=${!anomalies.data}
      actions=${html`<select
        name="risk"
        value=${risk}
        onChange=${(e: Event) => setRisk((e.target as HTMLSelectElement).value)}
      >
        <option value="">any risk</option>
        <option>high</option>
        <option>medium</option>
        <option>low</option>
      </select>`}
    >
      <${Chart} title="Anomalies opened per minute (last hour)" times=${line.times} series=${line.series} height=${150} format=${(v: number) => v.toFixed(0)} />
      <table class="table" data-table="anomalies">
        <thead><tr><th>started</th><th>agent</th><th>type</th><th>severity</th><th>risk</th><th>status</th><th>explanation</th></tr></thead>
        <tbody>
          ${shown.slice(0, 200).map(
            (a) =>
              html`<tr>
                <td>${fmt.dateTime(a.startedAt)}</td>
                <td><a href=${agentHref(a.agentId)}>${a.agentId}</a></td>
                <td>${a.type}</td>
                <td><${Badge} value=${a.severity} /></td>
                <td><${Badge} value=${a.risk} /></td>
                <td>${a.status}</td>
                <td class="explain">${a.explanation}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${anomalies.data && shown.length === 0 ? html`<p class="muted">No anomaly.</p>` : null}
    </${Panel}>
  </div>`;
}

/** One incident: its narrative, evidence, agents and timeline; acknowledge and resolve with an admin key. */
export function IncidentView(props: { id: string }) {
  const id = encodeURIComponent(props.id);
  const incident = usePoll(() => getJson<Incident>('incidents', `/incidents/${id}`), [id], 5000);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const act = (action: 'ack' | 'resolve') => {
    postJson<Incident>('incidents', `/incidents/${id}/${action}`, { by: 'console' }).then(
      () => {
        setOutcome({ ok: true, text: action === 'ack' ? 'acknowledged' : 'resolved' });
        incident.reload();
      },
      (error: unknown) =>
        setOutcome({
          ok: false,
          text: error instanceof ApiError ? `${error.status} ${error.code}: ${error.message}` : String(error),
        }),
    );
  };
  const i = incident.data;
  return html`<div class="view" data-view="incident">
    <${Panel}
      title=${i ? i.title : `Incident ${props.id}`}
      error=${incident.error}
      loading=${!i}
      actions=${
        i
          ? html`<span class="actions">
              <button name="ack" disabled=${i.status !== 'open'} onClick=${() => act('ack')}>Acknowledge</button>
              <button name="resolve" disabled=${i.status === 'resolved'} onClick=${() => act('resolve')}>
                Resolve
              </button>
            </span>`
          : null
      }
    >
      ${outcome ? html`<p class=${outcome.ok ? 'ok' : 'error'} role="status" data-outcome=${outcome.ok ? 'ok' : 'refused'}>${outcome.text}</p>` : null}
      ${
        i
          ? html`<${Facts}
                rows=${[
                  ['status', html`<${Badge} value=${i.status} />`],
                  ['severity', html`<${Badge} value=${i.severity} />`],
                  ['risk', html`<${Badge} value=${i.risk ?? 'low'} />`],
                  ['started', fmt.dateTime(i.startedAt)],
                  ['pools', i.pools.join(', ')],
                  ['models', i.models.join(', ')],
                  ['why grouped', i.reasons.join('; ')],
                ]}
              />
              <div class="narrative" data-narrative=${i.narrative.source}>
                <h3>
                  What happened
                  <small class="muted"
                    >(${i.narrative.source}${i.narrative.model ? ` · ${i.narrative.model}` : ''})</small
                  >
                </h3>
                <p><b>What:</b> ${i.narrative.what}</p>
                <p><b>Where:</b> ${i.narrative.where}</p>
                <p><b>Since:</b> ${i.narrative.since}</p>
                <p><b>Likely cause:</b> ${i.narrative.cause}</p>
                <p><b>Check next:</b> ${i.narrative.next}</p>
              </div>`
          : null
      }
    </${Panel}>
    ${
      i
        ? html`<${Panel} title=${`Agents (${fmt.int(i.agentCount)})`}>
            <p class="agents">${i.agents.map((a) => html`<a href=${agentHref(a)}>${a}</a> `)}</p>
          </${Panel}>
          <${Panel} title=${`Anomalies (${fmt.int(i.anomalyCount)})`}>
            <table class="table" data-table="incident-anomalies">
              <thead><tr><th>started</th><th>agent</th><th>type</th><th>severity</th><th>score</th></tr></thead>
              <tbody>${i.anomalies.map(
                (a) =>
                  html`<tr>
                    <td>${fmt.dateTime(a.startedAt)}</td>
                    <td><a href=${agentHref(a.agentId)}>${a.agentId}</a></td>
                    <td>${a.type}</td>
                    <td><${Badge} value=${a.severity} /></td>
                    <td>${fmt.num(a.score)}</td>
                  </tr>`,
              )}</tbody>
            </table>
            ${
              i.emergence.length
                ? html`<h3>Emergence events</h3>
                    <ul class="list">
                      ${i.emergence.map((e) => html`<li>${e.type} in ${e.scope}: ${fmt.int(e.agents)} agents, magnitude ${fmt.num(e.magnitude)}</li>`)}
                    </ul>`
                : null
            }
          </${Panel}>
          <${Panel} title="Timeline">
            <ol class="timeline">${i.timeline.map((t) => html`<li><time>${fmt.dateTime(t.at)}</time> <b>${t.kind}</b> ${t.detail}${t.by ? ` (by ${t.by})` : ''}</li>`)}</ol>
          </${Panel}>`
        : null
    }
  </div>`;
}
