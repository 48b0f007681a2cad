import type { AgentRecord, AgentStatus } from '@swarmscope/core';
import { decodeCursor, encodeCursor, sortedPage, type AgentSort, type SortOrder } from './agent-order';

const agent = (id: string, status: AgentStatus, healthScore: number, lastSeen: number): AgentRecord => ({
  id,
  model: 'm',
  type: 't',
  pool: 'p',
  labels: {},
  registeredAt: 0,
  lastSeen,
  status,
  healthScore,
});

// Ties on purpose: b and d share a score, a and c a status, c and e a last-seen time.
const FLEET = [
  agent('e', 'degraded', 0.6, 300),
  agent('a', 'healthy', 0.9, 100),
  agent('d', 'unresponsive', 0.2, 50),
  agent('c', 'healthy', 1, 300),
  agent('b', 'unhealthy', 0.2, 200),
];

/** Every page of a listing, following `next`, as ids. */
function walk(sort: AgentSort, order: SortOrder, limit: number): string[][] {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const offset = cursor === undefined ? 0 : decodeCursor(cursor, sort, order);
    if (typeof offset === 'string') throw new Error(offset);
    const page = sortedPage(FLEET, sort, order, limit, offset);
    pages.push(page.items.map((a) => a.id));
    cursor = page.next;
  } while (cursor !== undefined && pages.length < 10);
  return pages;
}

describe('sortedPage', () => {
  it.each<[AgentSort, SortOrder, string[]]>([
    ['name', 'asc', ['a', 'b', 'c', 'd', 'e']],
    ['name', 'desc', ['e', 'd', 'c', 'b', 'a']],
    // Status rank healthy < degraded < unhealthy < unresponsive; ties by id.
    ['status', 'asc', ['a', 'c', 'e', 'b', 'd']],
    ['status', 'desc', ['d', 'b', 'e', 'a', 'c']],
    // Worst health first; b and d tie at 0.2: id order, whichever the direction.
    ['health', 'asc', ['b', 'd', 'e', 'a', 'c']],
    ['health', 'desc', ['c', 'a', 'e', 'b', 'd']],
    ['lastSeen', 'asc', ['d', 'a', 'b', 'c', 'e']],
    ['lastSeen', 'desc', ['c', 'e', 'b', 'a', 'd']],
  ])('sort=%s order=%s lists %j, and pages of two give the same in three pages', (sort, order, expected) => {
    expect(walk(sort, order, 10)).toEqual([expected]);
    expect(walk(sort, order, 2)).toEqual([expected.slice(0, 2), expected.slice(2, 4), expected.slice(4)]);
  });

  it('gives no next when the page ends the listing exactly', () => {
    const page = sortedPage(FLEET, 'health', 'asc', 5);
    expect(page.items).toHaveLength(5);
    expect(page.next).toBeUndefined();
    expect(sortedPage([], 'health', 'asc', 5)).toEqual({ items: [] });
  });

  it('pages by position in the order now: when every key moved behind the first page, the next is still full', () => {
    const first = sortedPage(FLEET, 'health', 'asc', 2);
    expect(first.items.map((a) => a.id)).toEqual(['b', 'd']);
    // Between the pages the fleet goes quiet: every score falls to 0 (ties: id order). Paging after the last key
    // shown (0.2) would find nothing; page 2 is the 3rd and 4th of the order now.
    const quiet = FLEET.map((a) => ({ ...a, healthScore: 0 }));
    const offset = decodeCursor(first.next!, 'health', 'asc') as number;
    expect(sortedPage(quiet, 'health', 'asc', 2, offset).items.map((a) => a.id)).toEqual(['c', 'd']);
  });
});

describe('decodeCursor', () => {
  it('reads back what encodeCursor wrote', () => {
    expect(decodeCursor(encodeCursor('lastSeen', 'desc', 150), 'lastSeen', 'desc')).toBe(150);
  });

  it("refuses another listing's cursor, a name sort's plain id, and garbage, saying why", () => {
    const cursor = encodeCursor('health', 'asc', 50);
    expect(decodeCursor(cursor, 'health', 'desc')).toBe(
      'not a cursor of this listing (sort=health, order=desc): pass the `next` of its previous page',
    );
    expect(decodeCursor(cursor, 'status', 'asc')).toMatch(/^not a cursor of this listing \(sort=status/);
    expect(decodeCursor('agent-000050', 'health', 'asc')).toMatch(/^not a cursor of this listing/);
    for (const offset of ['x', '-5', '0', '1,5', '', '01', '1e3'])
      expect(decodeCursor(`health.asc.${offset}`, 'health', 'asc')).toBe(
        'is malformed: pass the `next` of the previous page as it was given',
      );
  });
});
