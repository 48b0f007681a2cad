import { AGENT_STATUSES, type AgentRecord } from '@swarmscope/core';

/** The orders `GET /agents?sort=` lists agents in (the agents table's columns). */
export const AGENT_SORTS = ['name', 'status', 'health', 'lastSeen'] as const;
export type AgentSort = (typeof AGENT_SORTS)[number];
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/**
 * An agent's key in a sort: its id (name); its status's rank (healthy 0 … unresponsive 3: ascending is best first);
 * its health score; its last-seen time.
 */
function keyOf(agent: AgentRecord, sort: AgentSort): number | string {
  switch (sort) {
    case 'name':
      return agent.id;
    case 'status':
      return AGENT_STATUSES.indexOf(agent.status);
    case 'health':
      return agent.healthScore;
    case 'lastSeen':
      return agent.lastSeen;
  }
}

function compare(a: AgentRecord, b: AgentRecord, sort: AgentSort, order: SortOrder): number {
  const ka = keyOf(a, sort);
  const kb = keyOf(b, sort);
  const byKey = ka < kb ? -1 : ka > kb ? 1 : 0;
  return (order === 'asc' ? byKey : -byKey) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A cursor names its sort and order, so a cursor from another listing is refused rather than misread. */
export function encodeCursor(sort: AgentSort, order: SortOrder, offset: number): string {
  return `${sort}.${order}.${offset}`;
}

/** The offset a cursor names, or why it is not a cursor of this listing (the message names no field: the caller does). */
export function decodeCursor(cursor: string, sort: AgentSort, order: SortOrder): number | string {
  const [cursorSort, cursorOrder, offset, ...rest] = cursor.split('.');
  if (cursorSort !== sort || cursorOrder !== order || offset === undefined || rest.length > 0)
    return `not a cursor of this listing (sort=${sort}, order=${order}): pass the \`next\` of its previous page`;
  if (!/^[1-9]\d{0,8}$/.test(offset)) return 'is malformed: pass the `next` of the previous page as it was given';
  return Number(offset);
}

/**
 * One page of `agents` in the order asked (ties by id), from `offset` on. By position in the order now, not after the
 * last agent shown: the keys move (a score every tick; an idle fleet turns unresponsive all at once), and paging after
 * a key could then find nothing past it while agents remain. So page k is the k-th 50 of the order at the time it is
 * asked; an agent that moved between two pages may show twice or not at all. `next` when more follow.
 */
export function sortedPage(
  agents: readonly AgentRecord[],
  sort: AgentSort,
  order: SortOrder,
  limit: number,
  offset = 0,
): { items: AgentRecord[]; next?: string } {
  const sorted = [...agents].sort((a, b) => compare(a, b, sort, order));
  const items = sorted.slice(offset, offset + limit);
  if (offset + limit >= sorted.length) return { items };
  return { items, next: encodeCursor(sort, order, offset + limit) };
}
