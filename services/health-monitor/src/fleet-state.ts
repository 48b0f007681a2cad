import type { AgentRecord, AgentStatus, SampleReport, WindowEvent } from '@swarmscope/core';
import { AGENT_STATUSES } from '@swarmscope/core';
import { DecayedStatsTable } from './decayed-stats';
import { assessHealth, type HealthPolicy } from './health-score';
import type { ValidReport } from './ingest-batch';
import { DEFAULTS } from './ingest-schema';
import { METRIC, requestsIn, WindowAccumulator } from './window-accumulator';

export interface FleetStateOptions {
  /** Tumbling window length (WINDOW_SECONDS). */
  windowMs: number;
  /** How long after its end a window waits for late reports before it closes. */
  graceMs: number;
  /** Time constant of the decayed health signals. */
  tauMs: number;
  policy: HealthPolicy;
}

export interface AgentMeta {
  model: string;
  type: string;
  pool: string;
  labels?: Record<string, string>;
}

/** What the registry and the trends know of one agent, plus what only this process holds (open windows). */
export interface LiveAgent {
  record: AgentRecord;
  /** Row of the agent's signals in the fleet's DecayedStatsTable. */
  row: number;
  /** Open windows, oldest first (usually one; two around a boundary while the grace period runs). */
  windows: WindowAccumulator[] | undefined;
  reasons: readonly string[];
  /** Heard from (or changed) since the record was last handed to the store. */
  dirty: boolean;
  /** When the record was last handed to the store. */
  syncedAt: number;
}

// Shared by every agent that has none: measured ~100 bytes an agent saved at 100k agents.
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});
const NO_REASONS: readonly string[] = Object.freeze([]);

export interface TickResult {
  /** Windows closed by this tick: agents', then models', pools' and the fleet's. */
  closed: WindowEvent[];
  /** Agents whose record changed (status, score, last seen), to write to the store. */
  changed: AgentRecord[];
}

const SCORE_STEP = 0.01;
/** A record whose only change is its last-seen time is written to the store at most this often. */
const LAST_SEEN_SYNC_MS = 5000;

/**
 * The fleet as this process sees it: live agents, their health, and open windows. Pure: time comes in as `now`,
 * nothing here does I/O, so tests replay hours in milliseconds.
 */
export class FleetState {
  readonly agents = new Map<string, LiveAgent>();
  private readonly signals: DecayedStatsTable;
  /** Open fleet-wide windows by start, for live percentiles and rates. */
  private readonly fleetWindows = new Map<number, WindowAccumulator>();
  private lastClosedFleet: WindowAccumulator | undefined;
  /** Start of the newest window already closed: reports for it or older are late. */
  private closedThrough = Number.NEGATIVE_INFINITY;
  lateReports = 0;

  constructor(private readonly options: FleetStateOptions) {
    this.signals = new DecayedStatsTable(options.tauMs);
  }

  /** Registers an agent or updates its metadata; returns it and whether it is new. */
  register(id: string, meta: AgentMeta, now: number): { agent: LiveAgent; created: boolean } {
    const existing = this.agents.get(id);
    if (existing) {
      const record = existing.record;
      if (record.model !== meta.model || record.pool !== meta.pool || record.type !== meta.type || meta.labels) {
        record.model = meta.model;
        record.pool = meta.pool;
        record.type = meta.type;
        if (meta.labels) record.labels = meta.labels;
        existing.dirty = true;
        existing.syncedAt = Number.NEGATIVE_INFINITY; // metadata changes are written on the next tick
      }
      return { agent: existing, created: false };
    }
    const agent: LiveAgent = {
      record: {
        id,
        model: meta.model,
        type: meta.type,
        pool: meta.pool,
        labels: meta.labels ?? NO_LABELS,
        registeredAt: now,
        lastSeen: now,
        status: 'healthy',
        healthScore: 1,
      },
      row: this.signals.allocate(),
      windows: undefined,
      reasons: NO_REASONS,
      dirty: true,
      syncedAt: Number.NEGATIVE_INFINITY,
    };
    this.agents.set(id, agent);
    return { agent, created: true };
  }

  /** Loads records from the store at start (their windows and signals start empty). */
  restore(records: readonly AgentRecord[]): void {
    for (const record of records) {
      if (!this.agents.has(record.id)) {
        this.agents.set(record.id, {
          record,
          row: this.signals.allocate(),
          windows: undefined,
          reasons: NO_REASONS,
          dirty: false,
          syncedAt: record.lastSeen,
        });
      }
    }
  }

  /** Fills a report's missing model/pool/type in place from the registry (or the defaults, for an agent never seen). */
  complete(report: ValidReport): SampleReport {
    if (report.model === undefined || report.pool === undefined || report.type === undefined) {
      const known = this.agents.get(report.agentId)?.record;
      report.model ??= known?.model ?? DEFAULTS.model;
      report.pool ??= known?.pool ?? DEFAULTS.pool;
      report.type ??= known?.type ?? DEFAULTS.type;
    }
    return report as SampleReport;
  }

  /**
   * Applies one complete report received at `now`. Unknown agents register with the report's metadata; the
   * answer says whether this report registered (or re-described) the agent, so the caller can store it at once.
   */
  apply(report: SampleReport, now: number): boolean {
    let agent = this.agents.get(report.agentId);
    let registered = false;
    if (
      !agent ||
      agent.record.model !== report.model ||
      agent.record.pool !== report.pool ||
      agent.record.type !== report.type
    ) {
      agent = this.register(report.agentId, report, now).agent;
      registered = true;
    }
    // Liveness is when we heard from it, not the agent's clock (which may be skewed).
    agent.record.lastSeen = now;
    agent.dirty = true;

    const { metrics, quality } = report;
    const requests = requestsIn(metrics);
    this.signals.add(agent.row, report.timestamp, {
      requests,
      errors: metrics[METRIC.errors] ?? 0,
      latencySeconds: metrics[METRIC.responseTime] ?? Number.NaN,
      resourcePercent: resourcePercent(metrics),
      quality: meanOf(quality),
    });

    const start = Math.floor(report.timestamp / this.options.windowMs) * this.options.windowMs;
    if (start <= this.closedThrough) {
      this.lateReports++;
      return registered;
    }
    openWindow((agent.windows ??= []), start).addReport(metrics, quality);
    let fleet = this.fleetWindows.get(start);
    if (!fleet) this.fleetWindows.set(start, (fleet = new WindowAccumulator(start)));
    fleet.addReport(metrics, quality);
    return registered;
  }

  /**
   * Closes due windows and re-assesses every agent's health. Call about once a second. An agent is in `changed`
   * when its status or score moved, or when it was heard from and its record is more than 5 s older in the store.
   */
  tick(now: number): TickResult {
    const run = this.tickInSlices(now, Number.POSITIVE_INFINITY);
    for (;;) {
      const step = run.next();
      if (step.done) return step.value;
    }
  }

  /**
   * {@link tick} in slices of `sliceSize` agents: the generator pauses between slices, so an edge can let other work
   * run (10,000 agents took ≈ 70 ms in one go), and returns the result at the end. Reports applied while it is paused
   * are handled as after the tick: a window it closes is already closed to them (they count as late).
   */
  *tickInSlices(now: number, sliceSize: number): Generator<void, TickResult, void> {
    const { windowMs, graceMs, policy } = this.options;
    const due = (start: number) => start + windowMs + graceMs <= now;
    const closed: WindowEvent[] = [];
    const changed: AgentRecord[] = [];
    const byModel = new Map<string, WindowAccumulator>();
    const byPool = new Map<string, WindowAccumulator>();
    // Agents' windows close on the same rule as the fleet's, so the watermark also covers windows no fleet report
    // opened; it moves first, so reports for these windows are late from now on, between slices too.
    const newestDue = Math.floor((now - windowMs - graceMs) / windowMs) * windowMs;
    this.closedThrough = Math.max(this.closedThrough, newestDue);

    let inSlice = 0;
    for (const agent of this.agents.values()) {
      if (++inSlice > sliceSize) {
        inSlice = 1;
        yield;
      }
      const windows = agent.windows;
      while (windows && windows.length > 0 && due(windows[0]!.start)) {
        const window = windows.shift()!;
        closed.push({ key: `agent:${agent.record.id}`, window: window.summarize(windowMs) });
        mergeInto(byModel, `model:${agent.record.model}|${window.start}`, window);
        mergeInto(byPool, `pool:${agent.record.pool}|${window.start}`, window);
      }
      if (windows?.length === 0) agent.windows = undefined;
      const record = agent.record;
      const health = assessHealth(
        { ...this.signals.means(agent.row), silenceMs: Math.max(0, now - record.lastSeen) },
        policy,
      );
      agent.reasons = health.reasons.length > 0 ? health.reasons : NO_REASONS;
      const moved = health.status !== record.status || Math.abs(health.score - record.healthScore) >= SCORE_STEP;
      if (moved || (agent.dirty && now - agent.syncedAt >= LAST_SEEN_SYNC_MS)) {
        record.status = health.status;
        record.healthScore = health.score;
        agent.dirty = false;
        agent.syncedAt = now;
        changed.push(record);
      }
    }
    for (const [key, accumulator] of [...byModel, ...byPool])
      closed.push({ key: key.slice(0, key.lastIndexOf('|')), window: accumulator.summarize(windowMs, true) });
    for (const [start, accumulator] of [...this.fleetWindows].sort((a, b) => a[0] - b[0])) {
      if (!due(start)) continue;
      closed.push({ key: 'fleet', window: accumulator.summarize(windowMs, true) });
      this.fleetWindows.delete(start);
      this.lastClosedFleet = accumulator;
      this.closedThrough = Math.max(this.closedThrough, start);
    }
    return { closed, changed };
  }

  /** Fleet latency over the last closed window and the open ones (so a fresh window is never empty). */
  recentFleetWindow(): WindowAccumulator {
    const merged = new WindowAccumulator(Number.NaN);
    if (this.lastClosedFleet) merged.merge(this.lastClosedFleet);
    for (const open of this.fleetWindows.values()) merged.merge(open);
    return merged;
  }

  countBy(): { status: Record<AgentStatus, number>; model: Record<string, number>; pool: Record<string, number> } {
    const status = Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0])) as Record<AgentStatus, number>;
    const model: Record<string, number> = {};
    const pool: Record<string, number> = {};
    for (const { record } of this.agents.values()) {
      status[record.status]++;
      model[record.model] = (model[record.model] ?? 0) + 1;
      pool[record.pool] = (pool[record.pool] ?? 0) + 1;
    }
    return { status, model, pool };
  }
}

function openWindow(windows: WindowAccumulator[], start: number): WindowAccumulator {
  // Usually the last window is the one; search back for the rare report around a boundary.
  for (let i = windows.length - 1; i >= 0; i--) {
    const window = windows[i]!;
    if (window.start === start) return window;
    if (window.start < start) {
      const created = new WindowAccumulator(start);
      windows.splice(i + 1, 0, created);
      return created;
    }
  }
  const created = new WindowAccumulator(start);
  windows.unshift(created);
  return created;
}

function mergeInto(target: Map<string, WindowAccumulator>, key: string, window: WindowAccumulator): void {
  let accumulator = target.get(key);
  if (!accumulator) target.set(key, (accumulator = new WindowAccumulator(window.start)));
  accumulator.merge(window);
}

function resourcePercent(metrics: Readonly<Record<string, number>>): number {
  const cpu = metrics.cpu_percent;
  const memory = metrics.memory_percent;
  if (cpu === undefined && memory === undefined) return Number.NaN;
  return Math.max(cpu ?? 0, memory ?? 0);
}

function meanOf(values: Readonly<Record<string, number>>): number {
  let sum = 0;
  let count = 0;
  for (const name in values) {
    sum += values[name]!;
    count++;
  }
  return count > 0 ? sum / count : Number.NaN;
}
