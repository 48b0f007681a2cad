import { useState } from 'preact/hooks';
import { getJson, query } from '../api';
import { agentHref, fmt } from '../format';
import { html } from '../html';
import { usePoll } from '../poll';
import type { Agent, FleetSummary, Page } from '../types';
import { Badge, Panel } from '../widgets';

const PAGE = 50;

/** Every agent, a page at a time (the API pages by id, server-side): filter by status, pool, model, id prefix. */
export function AgentsView() {
  const [filter, setFilter] = useState({ status: '', pool: '', model: '', prefix: '' });
  // The cursors of the pages before this one, so "previous" needs no server support.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const summary = usePoll(() => getJson<FleetSummary>('health', '/fleet/summary'), [], 30_000);
  const page = usePoll(() => getJson<Page<Agent>>('health', `/agents${query({ ...filter, limit: PAGE, cursor })}`), [filter, cursor], 10_000);
  const set = (name: keyof typeof filter) => (event: Event) => {
    setFilter({ ...filter, [name]: (event.target as HTMLInputElement | HTMLSelectElement).value });
    setCursors([undefined]);
  };
  const options = (values: Record<string, number> | undefined) => Object.keys(values ?? {}).sort().map((v) => html`<option value=${v}>${v}</option>`);

  return html`<div class="view" data-view="agents">
    <${Panel} title=${`Agents${summary.data ? ` (${fmt.int(summary.data.agents.total)})` : ''}`} error=${page.error ?? summary.error}>
      <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
        <input name="prefix" placeholder="agent id starts with…" value=${filter.prefix} onInput=${set('prefix')} />
        <select name="status" value=${filter.status} onChange=${set('status')}><option value="">any status</option>${options(summary.data?.agents.byStatus)}</select>
        <select name="pool" value=${filter.pool} onChange=${set('pool')}><option value="">any pool</option>${options(summary.data?.agents.byPool)}</select>
        <select name="model" value=${filter.model} onChange=${set('model')}><option value="">any model</option>${options(summary.data?.agents.byModel)}</select>
      </form>
      <table class="table" data-table="agents">
        <thead><tr><th>agent</th><th>status</th><th>health</th><th>reasons</th><th>pool</th><th>model</th><th>type</th><th>last seen</th></tr></thead>
        <tbody>
          ${(page.data?.items ?? []).map(
            (agent) => html`<tr>
              <td><a href=${agentHref(agent.id)}>${agent.id}</a></td>
              <td><${Badge} value=${agent.status} /></td>
              <td>${fmt.num(agent.healthScore)}</td>
              <td class="muted">${(agent.healthReasons ?? []).join('; ')}</td>
              <td>${agent.pool}</td>
              <td>${agent.model}</td>
              <td>${agent.type}</td>
              <td>${fmt.ago(agent.lastSeen)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${page.data && page.data.items.length === 0 ? html`<p class="muted">No agent matches.</p>` : null}
      <nav class="pager">
        <button disabled=${cursors.length <= 1} onClick=${() => setCursors(cursors.slice(0, -1))}>← previous</button>
        <span>page ${cursors.length}</span>
        <button disabled=${!page.data?.next} onClick=${() => page.data?.next && setCursors([...cursors, page.data.next])}>next →</button>
      </nav>
    </${Panel}>
  </div>`;
}
