import { useEffect, useState } from 'preact/hooks';
import { getJson, query } from '../api';
import { BY_NAME, clickSort, sortingOf, type AgentSort, type Sorting } from '../agent-sort';
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
/** The sort in the API's query and the URL: nothing for the default (by name). */
const sortParams = (sorting: Sorting) =>
  sorting.sort === BY_NAME.sort && sorting.order === BY_NAME.order ? {} : { sort: sorting.sort, order: sorting.order };

const FILTERS = ['prefix', 'status', 'pool', 'model'] as const;
type Filter = Record<(typeof FILTERS)[number], string>;

/** The columns the server sorts by (a click on the header), and their labels. */
const SORTABLE: ReadonlyArray<[AgentSort, string]> = [
  ['name', 'agent'],
  ['status', 'status'],
  ['health', 'health'],
];

/**
 * Every agent, a page at a time (the API pages and sorts server-side): filter by status, pool, model, id prefix; sort
 * by name, status, health or last seen (a click on the header; again for the other direction). The filters, the order
 * and the page are in the URL (`#/agents?status=failing&sort=health&order=asc&cursor=…&page=2`): a reload shows the
 * same page.
 */
export function AgentsView() {
  const [filter, setFilter] = useState<Filter>(() => {
    const { params } = hashRoute(window.location.hash);
    return Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? ''])) as Filter;
  });
  const [sorting, setSorting] = useState<Sorting>(() => sortingOf(hashRoute(window.location.hash).params));
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
    () => getJson<Page<Agent>>('health', `/agents${query({ ...filter, ...sortParams(sorting), limit: PAGE, cursor })}`),
    [filter, sorting, cursor],
    10_000,
  );
  useEffect(
    () =>
      replaceHash(
        hashOf(['agents'], { ...filter, ...sortParams(sorting), cursor, page: cursor ? pageNumber : undefined }),
      ),
    [filter, sorting, cursor, pageNumber],
  );
  const rows = page.data;
  const set = (name: keyof Filter) => (event: Event) => {
    setFilter({ ...filter, [name]: (event.target as HTMLInputElement | HTMLSelectElement).value });
    setCursors([undefined]);
  };
  const header = (column: AgentSort, label: string) => {
    const sorted = sorting.sort === column;
    return html`<th aria-sort=${sorted ? (sorting.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button
        class="sort"
        data-sort=${column}
        onClick=${() => {
          setSorting(clickSort(sorting, column));
          setCursors([undefined]);
        }}
      >
        ${label}${sorted ? (sorting.order === 'asc' ? ' ▲' : ' ▼') : ''}
      </button>
    </th>`;
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
        <thead><tr>
          ${SORTABLE.map(([column, label]) => header(column, label))}
          <th>reasons</th><th>pool</th><th>model</th><th>type</th>
          ${header('lastSeen', 'last seen')}
        </tr></thead>
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
