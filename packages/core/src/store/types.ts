import type { AgentRecord, AgentStatus } from '@swarmscope/protocol';
import type { Incident, IncidentStatus } from '../bus/topics';

export { AGENT_STATUSES } from '@swarmscope/protocol';
export type { AgentRecord, AgentStatus } from '@swarmscope/protocol';

export interface AgentFilter {
  status?: AgentStatus;
  model?: string;
  pool?: string;
}

export interface PageRequest {
  /** Maximum items to return (1..1000). */
  limit: number;
  /** Opaque cursor from a previous page's `next`; absent for the first page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Cursor of the next page; absent on the last page. */
  next?: string;
}

/**
 * The agent registry. Records are listed in ascending id order so cursors are stable.
 * `upsert` replaces whole records; callers batch their writes (one call per tick, not per sample).
 */
export interface AgentStore {
  upsert(agents: readonly AgentRecord[]): Promise<void>;
  get(id: string): Promise<AgentRecord | undefined>;
  list(filter: AgentFilter, page: PageRequest): Promise<Page<AgentRecord>>;
  /** All records, for loading a service's live view at start. */
  all(): Promise<AgentRecord[]>;
  count(): Promise<number>;
}

/** The summary of one closed tumbling window of one series (an agent, a model or a pool). */
export interface WindowSummary {
  /** Window start, epoch ms (aligned to the window size). */
  start: number;
  /** Window length in ms. */
  durationMs: number;
  /** Reports (requests) seen in the window. */
  count: number;
  errors: number;
  /** errors / requests, 0 when there were no requests. */
  errorRate: number;
  /** Response-time statistics in seconds (from a DDSketch; NaN-free: 0 when no samples). */
  latency: { mean: number; p50: number; p95: number; p99: number; max: number; samples: number };
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Mean of every other numeric metric and quality score seen in the window, by name. */
  means: Record<string, number>;
  /**
   * The response times' DDSketch (protobuf, base64), on pool, model and fleet windows only: merged, the sketches of any
   * range give its percentiles to 1 % (an agent's window leaves it out: at 10,000 agents it would outweigh the rest).
   */
  latencySketch?: string;
}

/** Interactions of one kind from one agent to another over one window (the SDK's delegations, messages, hand-offs). */
export interface EdgeSummary {
  from: string;
  to: string;
  kind: string;
  count: number;
  errors: number;
  latencySumSeconds: number;
}

/** The fleet's interaction graph over one closed window. */
export interface GraphWindow {
  start: number;
  durationMs: number;
  edges: EdgeSummary[];
}

/**
 * Closed windows per series key (e.g. `agent:a-1`, `model:gpt-4o`, `pool:support`), ordered by start.
 * A window appended again with the same start replaces the stored one. Implementations drop windows older
 * than their retention.
 */
export interface WindowStore<T extends { start: number } = WindowSummary> {
  append(entries: ReadonlyArray<{ key: string; window: T }>): Promise<void>;
  /** Windows of `key` whose start lies in [fromMs, toMs], ascending. */
  range(key: string, fromMs: number, toMs: number): Promise<T[]>;
  /** Reads over any range, where a durable history backs the store (embedded mode); absent otherwise. */
  history?: WindowHistory;
}

/** Latency percentiles of a series over a range, and how they were found. */
export interface RangePercentiles {
  /** Windows of the range with latencies in the answer. */
  windows: number;
  /** Latency samples (requests timed) in the answer. */
  samples: number;
  /** `p50`, `p95`, … (seconds), 0 when the range has no samples. */
  percentiles: Record<string, number>;
  /**
   * `sketch`: the windows' latency sketches merged, within 1 % (pools, models, the fleet); `window-mean`: the
   * sample-weighted mean of the windows' own percentiles, an approximation (agents' windows keep no sketch).
   */
  method: 'sketch' | 'window-mean';
  /** Windows with latencies but no sketch (written before sketches were kept), left out of a `sketch` answer. */
  unsketched: number;
}

/** What the durable history answers about windows, beyond what the live store holds. */
export interface WindowHistory {
  /**
   * Hourly windows of `key` starting in [fromMs rounded down to the hour, toMs], ascending: the rolled-up hours, and
   * the hours still held as windows rolled up on the fly (the current hour covers the windows closed so far).
   */
  hourly(key: string, fromMs: number, toMs: number): Promise<WindowSummary[]>;
  /** Latency percentiles (`quantiles` in (0, 1)) of `key` over the windows starting in [fromMs, toMs]. */
  percentiles(key: string, fromMs: number, toMs: number, quantiles: readonly number[]): Promise<RangePercentiles>;
  /**
   * Tool (function) calls by pool and tool over the windows starting in [fromMs, toMs] (see ToolUsageQuery); absent
   * where the history does not record them (distributed mode: each replica counts the calls of its own reports).
   */
  toolUsage?(query: ToolUsageQuery): Promise<ToolUsageRow[]>;
}

/** Which tool usage a range read sums: every pool and tool unless named; `hour` gives a row per hour, pool and tool. */
export interface ToolUsageQuery {
  fromMs: number;
  toMs: number;
  pool?: string | undefined;
  tool?: string | undefined;
  step: 'total' | 'hour';
}

/** One (pool, tool)'s calls over a range (step `total`) or one hour of it (`hour`: `start` is the hour's). */
export interface ToolUsageRow {
  start?: number;
  pool: string;
  tool: string;
  calls: number;
  errors: number;
  /** Time spent in the calls. */
  durationSeconds: number;
}

/** Which incidents a listing returns; every field given must match. */
export interface IncidentFilter {
  status?: IncidentStatus;
  severity?: Incident['severity'];
  /** Incidents of this risk class (an incident without one is low). */
  risk?: NonNullable<Incident['risk']>;
  /** Incidents touching this pool. */
  pool?: string;
  /** Incidents naming this agent: among its listed agents or its anomalies' agents. */
  agent?: string;
  /** Incidents changed at or after this time (`updatedAt`), epoch ms. */
  since?: number;
}

/**
 * Incidents by id. `upsert` replaces whole incidents; listings are newest first (by `openedAt`, then id).
 * Resolved incidents stay until `prune` drops them.
 */
export interface IncidentStore {
  upsert(incidents: readonly Incident[]): Promise<void>;
  get(id: string): Promise<Incident | undefined>;
  /** At most `limit` (1..1000) incidents matching `filter`, newest first. */
  list(filter: IncidentFilter, limit: number): Promise<Incident[]>;
  /** Every incident not resolved, for loading a service's live view at start. */
  unresolved(): Promise<Incident[]>;
  /** Drops resolved incidents last changed before `beforeMs`; resolves to how many went. */
  prune(beforeMs: number): Promise<number>;
}

/** Small JSON documents by collection and key, e.g. the autoscaler's policies by pool: the last put of a key wins. */
export interface DocumentStore {
  put(collection: string, key: string, value: unknown): Promise<void>;
  /** Every document of the collection (any order). */
  all(collection: string): Promise<unknown[]>;
}

/** Capped append-only logs of JSON entries, e.g. the autoscaler's decisions: only the newest `keep` are kept. */
export interface LogStore {
  append(log: string, entries: readonly unknown[], keep: number): Promise<void>;
  /** The kept entries, oldest first. */
  read(log: string): Promise<unknown[]>;
}

export interface Store {
  readonly kind: 'memory' | 'redis';
  readonly agents: AgentStore;
  readonly incidents: IncidentStore;
  /** What a service must find again after a restart (in Redis mode): its settings... */
  readonly documents: DocumentStore;
  /** ...and its recent history. */
  readonly logs: LogStore;
  readonly windows: WindowStore<WindowSummary>;
  /** Interaction graph windows, under the key `fleet`. */
  readonly graph: WindowStore<GraphWindow>;
  /** Resolves when the backing store answers; rejects otherwise (used by /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
