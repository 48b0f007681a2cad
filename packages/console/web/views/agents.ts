import { useEffect, useState } from 'preact/hooks';
import { getJson, query } from '../api';
import { agentHref, fmt } from '../format';
import { hashOf, hashRoute } from '../hash-query';
import { html } from '../html';
import { usePoll } from '../poll';
import type { Agent, FleetSummary, Page } from '../types';
import { Badge, Panel } from '../widgets';

const PAGE = 50;

/** Records the view's state in the URL without a navigation (no hashchange, no new history entry). */
function replaceHash(hash: string): void {
  if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
}
const FILTERS = ['prefix', 'status', 'pool', 'model'] as const;
type Filter = Record<(typeof FILTERS)[number], string>;

/**
 * Every agent, a page at a time (the API pages by id, server-side): filter by status, pool, model, id prefix. The
 * filters and the page are in the URL (`#/agents?status=failing&cursor=…&page=2`): a reload shows the same page.
 */
export function AgentsView() {
  const [filter, setFilter] = useState<Filter>(() => {
    const { params } = hashRoute(window.location.hash);
    return Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? ''])) as Filter;
  });
  // The cursors of the pages before this one, so "previous" needs no server support. From a URL, the pages before
  // the URL's are not known: "previous" goes back to the first, and the numbering continues from the URL's.
  const [start] = useState(() => {
    const { params } = hashRoute(window.location.hash);
    const at = params.get('cursor') ?? undefined;
    return {
      cursors: at ? [undefined, at] : [undefined],
      skipped: at ? Math.max(0, Math.floor(Number(params.get('page'))) - 2 || 0) : 0,
    };
  });
  const [cursors, setCursors] = useState<Array<string | undefined>>(start.cursors);
  const cursor = cursors[cursors.length - 1];
  const pageNumber = cursors.length === 1 ? 1 : cursors.length + start.skipped;
  const summary = usePoll(() => getJson<FleetSummary>('health', '/fleet/summary'), [], 30_000);
  const page = usePoll(
    () => getJson<Page<Agent>>('health', `/agents${query({ ...filter, limit: PAGE, cursor })}`),
    [filter, cursor],
    10_000,
  );
  useEffect(
    () => replaceHash(hashOf(['agents'], { ...filter, cursor, page: cursor ? pageNumber : undefined })),
    [filter, cursor, pageNumber],
  );
  const rows = page.data;
  const set = (name: keyof Filter) => (event: Event) => {
    setFilter({ ...filter, [name]: (event.target as HTMLInputElement | HTMLSelectElement).value });
    setCursors([undefined]);
  };
  const options = (values: Record<string, number> | undefined) =>
    Object.keys(values ?? {})
      .sort()
      .map((v) => html`<option value=${v}>${v}</option>`);

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
          ${(rows?.items ?? []).map(
            (agent) =>
              html`<tr>
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
      ${rows && rows.items.length === 0 ? html`<p class="muted">No agent matches.</p>` : null}
      <nav class="pager">
        <button disabled=${cursors.length <= 1} onClick=${() => setCursors(cursors.slice(0, -1))}>← previous</button>
        <span>page ${pageNumber}</span>
        <button disabled=${!rows?.next} onClick=${() => rows?.next && setCursors([...cursors, rows.next])}>next →</button>
      </nav>
    </${Panel}>
  </div>`;
}
