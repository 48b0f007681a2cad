import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  topics,
  type AgentRecord,
  type AnomalyEvent,
  type Bus,
  type EmergenceEvent,
  type GraphWindow,
  type Incident,
  type Logger,
  type RangePercentiles,
  type Subscription,
  type ToolUsageQuery,
  type ToolUsageRow,
  type WindowSummary,
} from '@swarmscope/core';
import { HistoryFaultError, firstLine, storageProblem } from './errors';
import { openHistoryDb } from './open';
import { ReadConnection } from './read-connection';
import { TOOL_USAGE_COLUMNS, toolUsageRange } from './tool-usage';
import { WINDOW_QUANTILES, hourlyRange, rangePercentiles, windowRange } from './window-reads';
import {
  AGENT_COLUMNS,
  ANOMALY_COLUMNS,
  DECISION_COLUMNS,
  EDGE_COLUMNS,
  EMERGENCE_COLUMNS,
  INCIDENT_COLUMNS,
  POLICY_COLUMNS,
  TIMELINE_COLUMNS,
  WINDOW_COLUMNS,
  agentOf,
  agentRow,
  anomalyRow,
  edgeRows,
  emergenceRow,
  incidentRow,
  timelineRows,
  windowRow,
  type Columns,
  type Row,
} from './rows';

export type Table =
  | 'agents'
  | 'windows'
  | 'windows_hourly'
  | 'series_windows'
  | 'series_windows_hourly'
  | 'edges'
  | 'tool_usage'
  | 'anomaly_events'
  | 'emergence_events'
  | 'incidents'
  | 'incident_timeline'
  | 'scaling_decisions'
  | 'policies';

const TABLE_COLUMNS: Record<Table, { columns: Columns; replace?: string }> = {
  agents: { columns: AGENT_COLUMNS, replace: 'id' },
  windows: { columns: WINDOW_COLUMNS },
  windows_hourly: { columns: WINDOW_COLUMNS },
  series_windows: { columns: WINDOW_COLUMNS },
  series_windows_hourly: { columns: WINDOW_COLUMNS },
  edges: { columns: EDGE_COLUMNS },
  tool_usage: { columns: TOOL_USAGE_COLUMNS },
  anomaly_events: { columns: ANOMALY_COLUMNS },
  emergence_events: { columns: EMERGENCE_COLUMNS },
  incidents: { columns: INCIDENT_COLUMNS, replace: 'id' },
  incident_timeline: { columns: TIMELINE_COLUMNS },
  scaling_decisions: { columns: DECISION_COLUMNS },
  policies: { columns: POLICY_COLUMNS, replace: 'pool' },
};

/** Rows waiting for the next commit, and the statements that must run before them (replacing an incident's timeline). */
interface Batch {
  rows: Map<Table, Row[]>;
  before: Array<{ sql: string; params: string[] }>;
  /** Each incident's timeline as of its latest write in the batch (an incident written twice keeps one timeline). */
  timelines: Map<string, Row[]>;
}

export interface HistoryOptions {
  dataDir: string;
  logger: Logger;
  /** Clock for `written_at` (tests pass their own). */
  now?: () => number;
  /**
   * Called once when the disk under the database fails (full, read-only, I/O error). From then on every write is
   * refused with the same error: the caller stops the platform (one line, exit 2) instead of running on in memory.
   */
  onFault?: (fault: HistoryFaultError) => void;
}

/**
 * The durable history: one DuckDB file in the data directory. Writes are group-committed: whatever arrives while a
 * commit runs goes into the next one, so the callers' hot paths never wait on each other's rows and a resolved write
 * is on disk (DuckDB's write-ahead log) when its promise resolves.
 */
export class History {
  private batch: Batch = { rows: new Map(), before: [], timelines: new Map() };
  private waiting: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  private flushing: Promise<void> | undefined;
  private lastError: unknown;
  private readonly subscriptions: Subscription[] = [];
  private closed = false;
  private faulted: HistoryFaultError | undefined;
  private readonly now: () => number;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly db: DuckDBConnection,
    private readonly reads: ReadConnection,
    private readonly logger: Logger,
    private readonly options: HistoryOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  static async open(options: HistoryOptions): Promise<History> {
    const { path, instance, connection } = await openHistoryDb(options.dataDir);
    try {
      const reads = new ReadConnection(await instance.connect());
      return new History(path, instance, connection, reads, options.logger, options);
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      throw error;
    }
  }

  // --- writes -------------------------------------------------------------------------------------------------

  /** Rows committed so far by table, since this process opened the store (for /metrics). */
  readonly rowsWritten = new Map<Table, number>();

  writeAgents(agents: readonly AgentRecord[]): Promise<void> {
    return this.enqueue('agents', agents.map(agentRow));
  }

  writeWindows(entries: ReadonlyArray<{ key: string; window: WindowSummary }>): Promise<void> {
    const at = this.now();
    const rows = entries.map((e) => windowRow(e.key, e.window, at));
    this.push(
      'series_windows',
      rows.filter((row) => row.kind !== 'agent'),
    );
    return this.enqueue(
      'windows',
      rows.filter((row) => row.kind === 'agent'),
    );
  }

  writeGraph(windows: readonly GraphWindow[]): Promise<void> {
    return this.enqueue('edges', windows.flatMap(edgeRows));
  }

  /** Tool usage rows of closed windows (see ToolUsageRecorder). */
  writeToolUsage(rows: Row[]): Promise<void> {
    return this.enqueue('tool_usage', rows);
  }

  writeAnomalies(events: readonly AnomalyEvent[]): Promise<void> {
    return this.enqueue('anomaly_events', events.map(anomalyRow));
  }

  writeEmergence(events: readonly EmergenceEvent[]): Promise<void> {
    return this.enqueue('emergence_events', events.map(emergenceRow));
  }

  writeIncidents(incidents: readonly Incident[]): Promise<void> {
    for (const incident of incidents) {
      if (!this.batch.timelines.has(incident.id))
        this.batch.before.push({ sql: 'DELETE FROM incident_timeline WHERE incident_id = $1', params: [incident.id] });
      this.batch.timelines.set(incident.id, timelineRows(incident));
    }
    return this.enqueue('incidents', incidents.map(incidentRow));
  }

  writeDecisions(decisions: ReadonlyArray<{ time: number; pool: string; decision: unknown }>): Promise<void> {
    return this.enqueue(
      'scaling_decisions',
      decisions.map((d) => ({ time: d.time, pool: d.pool, payload: JSON.stringify(d.decision) })),
    );
  }

  writePolicies(policies: ReadonlyArray<{ pool: string; policy: unknown }>): Promise<void> {
    const at = this.now();
    return this.enqueue(
      'policies',
      policies.map((p) => ({ pool: p.pool, updated_at: at, payload: JSON.stringify(p.policy) })),
    );
  }

  /**
   * Persists the anomaly and emergence topics from now on (a consumer group of its own; acks after the commit). In
   * distributed mode also the closed windows and the incident changes, which embedded mode writes through its store.
   */
  consume(bus: Bus, also: { windows?: boolean; incidents?: boolean; startFrom?: 'latest' | 'earliest' } = {}): void {
    const options = { group: 'history', consumer: 'history-0', batchSize: 500, startFrom: also.startFrom ?? 'latest' };
    this.subscriptions.push(
      bus.subscribe(topics.anomalies, options, (messages) => this.writeAnomalies(messages.map((m) => m.payload))),
      bus.subscribe(topics.emergence, options, (messages) => this.writeEmergence(messages.map((m) => m.payload))),
    );
    if (also.windows)
      this.subscriptions.push(
        bus.subscribe(topics.windows, options, (messages) => this.writeWindows(messages.map((m) => m.payload))),
      );
    if (also.incidents)
      this.subscriptions.push(
        bus.subscribe(topics.incidents, options, (messages) =>
          this.writeIncidents(messages.map((m) => m.payload.incident)),
        ),
      );
  }

  /** Stops the bus consumers (their unacknowledged messages stay with the group for whoever consumes next). */
  async stopConsuming(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((s) => s.close()));
  }

  /** Resolves once everything enqueued so far is committed. */
  flush(): Promise<void> {
    return this.enqueue('agents', []);
  }

  /** The last write failure, until a commit succeeds again (a disk fault stays): /readyz reports it. */
  get writeError(): unknown {
    return this.faulted ?? this.lastError;
  }

  /** The disk fault that stopped this store's writes, if one did. */
  get fault(): HistoryFaultError | undefined {
    return this.faulted;
  }

  // --- reads --------------------------------------------------------------------------------------------------

  async agents(): Promise<AgentRecord[]> {
    return (await this.reads.rows('SELECT * FROM agents ORDER BY id')).map(agentOf);
  }

  async unresolvedIncidents(): Promise<Incident[]> {
    const rows = await this.reads.rows(`SELECT payload FROM incidents WHERE status <> 'resolved' ORDER BY opened_at`);
    return rows.map((row) => JSON.parse(String(row.payload)) as Incident);
  }

  async incident(id: string): Promise<Incident | undefined> {
    const row = (await this.reads.rows('SELECT payload FROM incidents WHERE id = $1', [id]))[0];
    return row ? (JSON.parse(String(row.payload)) as Incident) : undefined;
  }

  async policies(): Promise<Array<{ pool: string; policy: unknown }>> {
    const rows = await this.reads.rows('SELECT pool, payload FROM policies ORDER BY pool');
    return rows.map((row) => ({ pool: String(row.pool), policy: JSON.parse(String(row.payload)) as unknown }));
  }

  async decisions(limit: number): Promise<unknown[]> {
    const rows = await this.reads.rows('SELECT payload FROM scaling_decisions ORDER BY time DESC LIMIT $1', [
      String(limit),
    ]);
    return rows.map((row) => JSON.parse(String(row.payload)) as unknown);
  }

  async anomalyEvents(fromMs: number, toMs: number): Promise<AnomalyEvent[]> {
    const rows = await this.reads.rows(
      'SELECT payload FROM anomaly_events WHERE time BETWEEN $1 AND $2 ORDER BY time',
      [String(fromMs), String(toMs)],
    );
    return rows.map((row) => JSON.parse(String(row.payload)) as AnomalyEvent);
  }

  /** Every event of the `anomalies` most recently changed anomalies, in time order (what the anomaly list shows). */
  async recentAnomalyEvents(anomalies: number): Promise<AnomalyEvent[]> {
    const rows = await this.reads.rows(
      `SELECT payload FROM anomaly_events
       WHERE id IN (SELECT id FROM anomaly_events GROUP BY id ORDER BY max(time) DESC LIMIT $1)
       ORDER BY time`,
      [String(anomalies)],
    );
    return rows.map((row) => JSON.parse(String(row.payload)) as AnomalyEvent);
  }

  async emergenceEvents(fromMs: number, toMs: number): Promise<EmergenceEvent[]> {
    const rows = await this.reads.rows(
      'SELECT payload FROM emergence_events WHERE time BETWEEN $1 AND $2 ORDER BY time',
      [String(fromMs), String(toMs)],
    );
    return rows.map((row) => JSON.parse(String(row.payload)) as EmergenceEvent);
  }

  /** Windows of `key` starting in [fromMs, toMs], hourly roll-ups where the minutes are gone, ascending. */
  windows(key: string, fromMs: number, toMs: number): Promise<WindowSummary[]> {
    return windowRange(this.reads, key, fromMs, toMs);
  }

  /** One window an hour of `key` from fromMs's hour to toMs: a month of a pool in 720 windows (see hourlyRange). */
  hourlyWindows(key: string, fromMs: number, toMs: number): Promise<WindowSummary[]> {
    return hourlyRange(this.reads, key, fromMs, toMs);
  }

  /**
   * Latency percentiles of `key` over the windows starting in [fromMs, toMs]: merged sketches for a pool, model or
   * the fleet (within 1 % for any range); for an agent the sample-weighted mean of its windows' p50/p95/p99 (a
   * RangeError for other quantiles). See rangePercentiles.
   */
  latencyPercentiles(
    key: string,
    fromMs: number,
    toMs: number,
    quantiles: readonly number[] = WINDOW_QUANTILES,
  ): Promise<RangePercentiles> {
    return rangePercentiles(this.reads, key, fromMs, toMs, quantiles);
  }

  /** Tool usage by pool and tool (or by hour, pool and tool) over a range: see toolUsageRange. */
  toolUsage(query: ToolUsageQuery): Promise<ToolUsageRow[]> {
    return toolUsageRange(this.reads, query);
  }

  /**
   * Runs one statement on the writer's connection (inside `transaction`, the maintenance jobs' reads and writes);
   * rows as JSON-safe objects (BIGINTs as strings).
   */
  async select(sql: string, params: string[] = []): Promise<Array<Record<string, unknown>>> {
    const reader = await this.db.runAndReadAll(sql, params);
    return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
  }

  /** Runs statements in one transaction (the maintenance jobs use it); waits for pending writes first. */
  async transaction(work: (db: DuckDBConnection) => Promise<void>): Promise<void> {
    await this.flush();
    await this.serialised(async () => {
      await this.db.run('BEGIN TRANSACTION');
      try {
        await work(this.db);
        await this.db.run('COMMIT');
      } catch (error) {
        await this.db.run('ROLLBACK');
        throw error;
      }
    });
  }

  /** Writes the write-ahead log into the database file (DuckDB verifies checksums of the blocks it reads). */
  async checkpoint(): Promise<void> {
    await this.flush();
    await this.serialised(() => this.db.run('CHECKPOINT'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.stopConsuming();
    if (!this.faulted)
      await this.flush().catch((error: unknown) => this.logger.error({ err: error }, 'history: last flush failed'));
    this.closed = true;
    await this.flushing;
    await this.reads.close();
    this.db.closeSync();
    this.instance.closeSync();
  }

  // --- the group commit ---------------------------------------------------------------------------------------

  private push(table: Table, rows: Row[]): void {
    if (rows.length === 0) return;
    const pending = this.batch.rows.get(table);
    if (pending) for (const row of rows) pending.push(row);
    else this.batch.rows.set(table, rows);
  }

  private enqueue(table: Table, rows: Row[]): Promise<void> {
    if (this.faulted) return Promise.reject(this.faulted);
    if (this.closed) return Promise.reject(new Error(`history store ${this.path} is closed`));
    this.push(table, rows);
    const done = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.kick();
    return done;
  }

  private kick(): void {
    if (this.flushing || this.waiting.length === 0) return;
    const batch = this.batch;
    if (batch.timelines.size > 0) batch.rows.set('incident_timeline', [...batch.timelines.values()].flat());
    const waiting = this.waiting;
    this.batch = { rows: new Map(), before: [], timelines: new Map() };
    this.waiting = [];
    this.flushing = this.commit(batch)
      .then(
        () => {
          this.lastError = undefined;
          for (const [table, rows] of batch.rows)
            this.rowsWritten.set(table, (this.rowsWritten.get(table) ?? 0) + rows.length);
          for (const w of waiting) w.resolve();
        },
        (error: unknown) => {
          this.lastError = error;
          if (!(error instanceof HistoryFaultError))
            this.logger.error({ err: error, path: this.path }, 'history: write failed');
          for (const w of waiting) w.reject(error);
        },
      )
      .finally(() => {
        this.flushing = undefined;
        this.kick();
      });
  }

  private queue: Promise<unknown> = Promise.resolve();

  /**
   * One statement sequence at a time on the connection (commits and maintenance interleave otherwise). A failure of
   * the disk underneath turns into the store's fault: reported once, and every later sequence refused with it.
   */
  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const guarded = () =>
      this.faulted
        ? Promise.reject(this.faulted)
        : work().catch((error: unknown) => Promise.reject(this.faultFrom(error)));
    const run = this.queue.then(guarded, guarded);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private faultFrom(error: unknown): unknown {
    if (this.faulted || error instanceof HistoryFaultError) return this.faulted ?? error;
    const problem = storageProblem(error);
    if (!problem) return error;
    this.faulted = new HistoryFaultError(
      this.path,
      `${problem} (${firstLine(error)}); stopped writing: free space or point SWARMSCOPE_DATA_DIR at another disk, then start again`,
    );
    this.logger.error({ err: error, path: this.path }, `history: ${problem}`);
    this.options.onFault?.(this.faulted);
    return this.faulted;
  }

  private commit(batch: Batch): Promise<void> {
    if (batch.rows.size === 0 && batch.before.length === 0) return Promise.resolve();
    return this.serialised(async () => {
      await this.db.run('BEGIN TRANSACTION');
      try {
        for (const statement of batch.before) await this.db.run(statement.sql, statement.params);
        for (const [table, rows] of batch.rows) await this.insertRows(table, rows);
        await this.db.run('COMMIT');
      } catch (error) {
        await this.db.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  /**
   * Inserts rows through one JSON parameter: one statement per table and commit, whatever the row count. Outside the
   * group commit only from within `transaction`.
   */
  async insertRows(table: Table, rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    const { columns, replace } = TABLE_COLUMNS[table];
    const names = Object.keys(columns);
    // One statement may not replace a key twice: the last record of a key wins, as it would in order.
    if (replace) rows = [...new Map(rows.map((row) => [row[replace], row])).values()];
    const struct = JSON.stringify([columns]);
    const list = names.map((name) => `"${name}"`).join(', ');
    await this.db.run(
      `INSERT ${replace ? 'OR REPLACE ' : ''}INTO ${table} (${list})
       SELECT ${list} FROM (SELECT unnest(from_json($1::JSON, '${struct}'), recursive := true))`,
      [JSON.stringify(rows)],
    );
  }
}
