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

/** Where a page ends in a sorted listing: the last agent's key and id (ids break ties, always ascending). */
interface Position {
  key: number | string;
  id: string;
}

function compare(a: Position, b: Position, order: SortOrder): number {
  const byKey = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  return (order === 'asc' ? byKey : -byKey) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A cursor names its sort and order, so a cursor from another listing is refused rather than misread. */
export function encodeCursor(sort: AgentSort, order: SortOrder, at: Position): string {
  return `${sort}.${order}.${Buffer.from(JSON.stringify([at.key, at.id])).toString('base64url')}`;
}

/** The position a cursor names, or why it is not a cursor of this listing (the message names no field: the caller does). */
export function decodeCursor(cursor: string, sort: AgentSort, order: SortOrder): Position | string {
  const [cursorSort, cursorOrder, body, ...rest] = cursor.split('.');
  if (cursorSort !== sort || cursorOrder !== order || body === undefined || rest.length > 0)
    return `not a cursor of this listing (sort=${sort}, order=${order}): pass the \`next\` of its previous page`;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const keyType = sort === 'name' ? 'string' : 'number';
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    typeof decoded[0] !== keyType ||
    typeof decoded[1] !== 'string'
  )
    return 'is malformed: pass the `next` of the previous page as it was given';
  return { key: decoded[0] as number | string, id: decoded[1] as string };
}

/**
 * One page of `agents` in the order asked (ties by id), after `cursor`'s position: keyset paging, so a page is
 * the same whatever the offset, and agents whose key changed between pages (a score moves every tick) are seen at most
 * once or, having moved behind the cursor, not again. `next` names the last agent of a page when more follow.
 */
export function sortedPage(
  agents: readonly AgentRecord[],
  sort: AgentSort,
  order: SortOrder,
  limit: number,
  after?: Position,
): { items: AgentRecord[]; next?: string } {
  const rows = agents.map((agent) => ({ agent, at: { key: keyOf(agent, sort), id: agent.id } }));
  const rest = after ? rows.filter((row) => compare(row.at, after, order) > 0) : rows;
  rest.sort((a, b) => compare(a.at, b.at, order));
  const items = rest.slice(0, limit).map((row) => row.agent);
  if (rest.length <= limit) return { items };
  return { items, next: encodeCursor(sort, order, rest[limit - 1]!.at) };
}
