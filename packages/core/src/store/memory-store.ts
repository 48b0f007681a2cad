import type {
  DocumentStore,
  LogStore,
  AgentFilter,
  AgentRecord,
  AgentStore,
  Page,
  PageRequest,
  GraphWindow,
  IncidentFilter,
  IncidentStore,
  Store,
  WindowStore,
  WindowSummary,
} from './types';
import type { Incident } from '../bus/topics';
import { checkPageLimit, compareIncidents, matches, matchesIncident } from './checks';

export interface MemoryStoreOptions {
  /** Windows older than this (relative to the newest window of the same key) are dropped. */
  windowRetentionMs: number;
}

/**
 * Store kept in process memory, for a single replica or tests. Records and windows are copied on
 * the way in and out so callers can't mutate what the store holds (the Redis store behaves the same).
 */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  readonly agents: MemoryAgentStore;
  readonly windows: MemoryWindowStore<WindowSummary>;
  readonly graph: MemoryWindowStore<GraphWindow>;
  readonly incidents: MemoryIncidentStore;
  readonly documents: DocumentStore;
  readonly logs: LogStore;
  private closed = false;

  constructor(options: MemoryStoreOptions) {
    const open = () => this.assertOpen();
    this.agents = new MemoryAgentStore(open);
    this.windows = new MemoryWindowStore(options.windowRetentionMs, open);
    this.graph = new MemoryWindowStore(options.windowRetentionMs, open);
    this.incidents = new MemoryIncidentStore(open);
    this.documents = new MemoryDocumentStore(open);
    this.logs = new MemoryLogStore(open);
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('MemoryStore is closed');
  }
}

class MemoryAgentStore implements AgentStore {
  private readonly records = new Map<string, AgentRecord>();
  /** Ids in ascending order, maintained on insert so list() is a binary search plus a scan. */
  private ids: string[] = [];

  constructor(private readonly assertOpen: () => void) {}

  async upsert(agents: readonly AgentRecord[]): Promise<void> {
    this.assertOpen();
    const added: string[] = [];
    for (const agent of agents) {
      if (!this.records.has(agent.id)) added.push(agent.id);
      this.records.set(agent.id, cloneAgent(agent));
    }
    this.index(added);
  }

  async get(id: string): Promise<AgentRecord | undefined> {
    this.assertOpen();
    const record = this.records.get(id);
    return record && cloneAgent(record);
  }

  async list(filter: AgentFilter, page: PageRequest): Promise<Page<AgentRecord>> {
    this.assertOpen();
    checkPageLimit(page.limit);
    const items: AgentRecord[] = [];
    const start = page.cursor === undefined ? 0 : upperBound(this.ids, page.cursor);
    // Collect one item more than asked: it tells whether a next page exists.
    for (let i = start; i < this.ids.length && items.length <= page.limit; i++) {
      const record = this.records.get(this.ids[i]!)!;
      if (matches(record, filter)) items.push(record);
    }
    const hasMore = items.length > page.limit;
    if (hasMore) items.pop();
    const result: Page<AgentRecord> = { items: items.map(cloneAgent) };
    if (hasMore) result.next = items[items.length - 1]!.id;
    return result;
  }

  async all(): Promise<AgentRecord[]> {
    this.assertOpen();
    return this.ids.map((id) => cloneAgent(this.records.get(id)!));
  }

  async count(): Promise<number> {
    this.assertOpen();
    return this.records.size;
  }

  private index(added: string[]): void {
    if (added.length === 0) return;
    // Few new ids: binary insertion (a memmove each). Many: one merge sort of the whole index.
    if (added.length * 16 < this.ids.length) {
      for (const id of added) this.ids.splice(upperBound(this.ids, id), 0, id);
    } else {
      this.ids = this.ids.concat(added).sort(compareIds);
    }
  }
}

class MemoryWindowStore<T extends { start: number }> implements WindowStore<T> {
  /** Windows per key, ascending by start. Map order = order of last append, for idle-key expiry. */
  private readonly series = new Map<string, { windows: T[]; touchedAt: number }>();

  constructor(
    private readonly retentionMs: number,
    private readonly assertOpen: () => void,
  ) {
    if (!(retentionMs > 0)) throw new RangeError(`windowRetentionMs must be > 0, got ${retentionMs}`);
  }

  async append(entries: ReadonlyArray<{ key: string; window: T }>): Promise<void> {
    this.assertOpen();
    const now = Date.now();
    for (const { key, window } of entries) {
      const current = this.series.get(key);
      const windows = current?.windows ?? [];
      // Re-insert so the Map stays ordered by last append (like the Redis key's PEXPIRE).
      this.series.delete(key);
      this.series.set(key, { windows, touchedAt: now });
      insertWindow(windows, structuredClone(window));
      const cutoff = windows[windows.length - 1]!.start - this.retentionMs;
      let drop = 0;
      while (drop < windows.length && windows[drop]!.start < cutoff) drop++;
      if (drop > 0) windows.splice(0, drop);
    }
    this.expireIdle(now);
  }

  async range(key: string, fromMs: number, toMs: number): Promise<T[]> {
    this.assertOpen();
    const windows = this.series.get(key)?.windows;
    if (!windows || fromMs > toMs) return [];
    const out: T[] = [];
    for (let i = lowerBoundStart(windows, fromMs); i < windows.length && windows[i]!.start <= toMs; i++) {
      out.push(structuredClone(windows[i]!));
    }
    return out;
  }

  /** Series not appended to for a whole retention are forgotten (agents that left the fleet). */
  private expireIdle(now: number): void {
    for (const [key, { touchedAt }] of this.series) {
      if (now - touchedAt < this.retentionMs) break;
      this.series.delete(key);
    }
  }
}

class MemoryIncidentStore implements IncidentStore {
  private readonly incidents = new Map<string, Incident>();

  constructor(private readonly assertOpen: () => void) {}

  async upsert(incidents: readonly Incident[]): Promise<void> {
    this.assertOpen();
    for (const incident of incidents) this.incidents.set(incident.id, structuredClone(incident));
  }

  async get(id: string): Promise<Incident | undefined> {
    this.assertOpen();
    const incident = this.incidents.get(id);
    return incident && structuredClone(incident);
  }

  async list(filter: IncidentFilter, limit: number): Promise<Incident[]> {
    this.assertOpen();
    checkPageLimit(limit);
    const matching = [...this.incidents.values()].filter((i) => matchesIncident(i, filter)).sort(compareIncidents);
    return matching.slice(0, limit).map((i) => structuredClone(i));
  }

  async unresolved(): Promise<Incident[]> {
    this.assertOpen();
    return [...this.incidents.values()]
      .filter((i) => i.status !== 'resolved')
      .sort(compareIncidents)
      .map((i) => structuredClone(i));
  }

  async prune(beforeMs: number): Promise<number> {
    this.assertOpen();
    let dropped = 0;
    for (const [id, incident] of this.incidents) {
      if (incident.status === 'resolved' && incident.updatedAt < beforeMs) {
        this.incidents.delete(id);
        dropped++;
      }
    }
    return dropped;
  }
}

// Code-unit order; it equals Redis' byte (lexicographic) order for every id without characters
// in U+E000..U+FFFF mixed with astral ones, i.e. for any realistic agent id.
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Index of the first id strictly greater than `id`. */
function upperBound(ids: readonly string[], id: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first window whose start is >= `start`. */
function lowerBoundStart(windows: ReadonlyArray<{ start: number }>, start: number): number {
  let lo = 0;
  let hi = windows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (windows[mid]!.start < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Keeps `windows` sorted by start; a window with an existing start replaces it (redelivered events). */
function insertWindow<T extends { start: number }>(windows: T[], window: T): void {
  const last = windows[windows.length - 1];
  if (!last || last.start < window.start) {
    windows.push(window); // the usual case: windows close in order
    return;
  }
  const at = lowerBoundStart(windows, window.start);
  if (windows[at]?.start === window.start) windows[at] = window;
  else windows.splice(at, 0, window);
}

function cloneAgent(agent: AgentRecord): AgentRecord {
  return { ...agent, labels: { ...agent.labels } };
}

class MemoryDocumentStore implements DocumentStore {
  private readonly collections = new Map<string, Map<string, unknown>>();

  constructor(private readonly assertOpen: () => void) {}

  async put(collection: string, key: string, value: unknown): Promise<void> {
    this.assertOpen();
    let documents = this.collections.get(collection);
    if (!documents) this.collections.set(collection, (documents = new Map()));
    documents.set(key, structuredClone(value));
  }

  async all(collection: string): Promise<unknown[]> {
    this.assertOpen();
    return [...(this.collections.get(collection)?.values() ?? [])].map((value) => structuredClone(value));
  }
}

class MemoryLogStore implements LogStore {
  private readonly logs = new Map<string, unknown[]>();

  constructor(private readonly assertOpen: () => void) {}

  async append(log: string, entries: readonly unknown[], keep: number): Promise<void> {
    this.assertOpen();
    let kept = this.logs.get(log);
    if (!kept) this.logs.set(log, (kept = []));
    for (const entry of entries) kept.push(structuredClone(entry));
    if (kept.length > keep) kept.splice(0, kept.length - keep);
  }

  async read(log: string): Promise<unknown[]> {
    this.assertOpen();
    return (this.logs.get(log) ?? []).map((entry) => structuredClone(entry));
  }
}
