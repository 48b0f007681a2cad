/** The agents table's orders (health-monitor's `GET /agents?sort=&order=`), each with its first click's direction. */
export const AGENT_SORTS = {
  name: 'asc',
  // Worst first: unresponsive, unhealthy, degraded, healthy.
  status: 'desc',
  // Worst first: lowest score.
  health: 'asc',
  // Longest silent first.
  lastSeen: 'asc',
} as const;
export type AgentSort = keyof typeof AGENT_SORTS;
export type SortOrder = 'asc' | 'desc';
export interface Sorting {
  sort: AgentSort;
  order: SortOrder;
}

/** The table's default: by name, as the store lists (no sort in the URL). */
export const BY_NAME: Sorting = { sort: 'name', order: 'asc' };

/** A click on a column's header: that column in its first direction, or the other direction when already sorted by it. */
export function clickSort(current: Sorting, column: AgentSort): Sorting {
  if (current.sort !== column) return { sort: column, order: AGENT_SORTS[column] };
  return { sort: column, order: current.order === 'asc' ? 'desc' : 'asc' };
}

/** The sorting a URL's params name; the default for a missing or unknown one (an old or edited URL). */
export function sortingOf(params: URLSearchParams): Sorting {
  const sort = params.get('sort');
  if (sort === null || !Object.hasOwn(AGENT_SORTS, sort)) return BY_NAME;
  const order = params.get('order');
  return {
    sort: sort as AgentSort,
    order: order === 'asc' || order === 'desc' ? order : AGENT_SORTS[sort as AgentSort],
  };
}
