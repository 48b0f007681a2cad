import type { SampleReport } from '@swarmscope/core';

/** One agent's place in the store and what it last reported. */
export interface AgentSlot {
  id: string;
  pool: string;
  type: string;
  model: string;
  index: number;
  firstTick: number;
  lastTick: number;
  /** Latest report timestamp seen (ms), NaN before the first: where the next report's coverage starts. */
  lastReportMs: number;
}

/**
 * Per-tick sums an agent's reports add to (`reports` counts them, whatever they carry; `coveredSeconds` is the time
 * since the agent's previous report, so requests / coveredSeconds is its request rate however often it reports).
 */
export const FIELDS = [
  'reports',
  'coveredSeconds',
  'requests',
  'errors',
  'logLatency',
  'latencyCount',
  'quality',
  'qualitySquares',
  'qualityCount',
] as const;
export type Field = (typeof FIELDS)[number];

/**
 * Per-agent tick sums over a sliding horizon, in data time: a report lands in tick ⌊timestamp / tickMs⌋, never
 * by the wall clock. Storage is one ring of `horizonTicks + aheadTicks` slots per field, strided by agent (flat
 * typed arrays: 10,000 agents × 67 ticks × 8 fields is 43 MB and no per-tick allocation). The `aheadTicks` extra
 * slots hold data newer than the tick being analysed, so that data never overwrites the oldest ticks of the
 * analysed window: a tick's window reads the same however far newer data had run ahead (up to `aheadTicks`).
 */
export class TickSeries {
  private readonly slots = new Map<string, AgentSlot>();
  /** The slots in id order, rebuilt after an agent joins or leaves. */
  private ordered: AgentSlot[] | undefined;
  private readonly free: number[] = [];
  private capacity = 0;
  private data: Record<Field, Float64Array>;
  /** Newest tick any report reached; undefined before the first. */
  private newest: number | undefined;
  /** Ticks up to here are closed: later reports for them are dropped as late. */
  private closed = -Infinity;
  private late = 0;
  /** Ring slots per agent. */
  private readonly span: number;

  constructor(
    readonly tickMs: number,
    readonly horizonTicks: number,
    readonly aheadTicks: number,
  ) {
    this.span = horizonTicks + aheadTicks;
    this.data = allocate(0, this.span);
  }

  tickOf(timestampMs: number): number {
    return Math.floor(timestampMs / this.tickMs);
  }

  /** Adds one report; false when its tick is closed or has left the ring (counted as late). */
  add(report: SampleReport): boolean {
    const tick = this.tickOf(report.timestamp);
    if (tick <= this.closed || (this.newest !== undefined && tick <= this.newest - this.span)) {
      this.late++;
      return false;
    }
    this.advanceTo(tick);
    const slot = this.slotFor(report, tick);
    const at = slot.index * this.span + (tick % this.span);
    this.data.reports[at]! += 1;
    // Reports out of order cover only what advances the latest timestamp: the coverage sums to the time elapsed.
    if (report.timestamp > slot.lastReportMs)
      this.data.coveredSeconds[at]! += (report.timestamp - slot.lastReportMs) / 1000;
    if (!(report.timestamp <= slot.lastReportMs)) slot.lastReportMs = report.timestamp;
    const m = report.metrics;
    const requests = m.requests ?? 0;
    if (requests > 0) {
      this.data.requests[at]! += requests;
      this.data.errors[at]! += m.errors ?? 0;
      const latency = m.response_time_seconds;
      if (latency !== undefined && latency > 0) {
        this.data.logLatency[at]! += Math.log(latency);
        this.data.latencyCount[at]! += 1;
      }
    }
    let sum = 0;
    let count = 0;
    for (const key in report.quality) {
      sum += report.quality[key]!;
      count++;
    }
    if (count > 0) {
      const q = sum / count;
      this.data.quality[at]! += q;
      this.data.qualitySquares[at]! += q * q;
      this.data.qualityCount[at]! += 1;
    }
    return true;
  }

  /** Marks ticks through `tick` closed and forgets agents silent for a whole horizon. */
  close(tick: number): void {
    this.closed = Math.max(this.closed, tick);
    for (const slot of this.slots.values()) if (slot.lastTick <= tick - this.horizonTicks) this.release(slot);
  }

  get newestTick(): number | undefined {
    return this.newest;
  }

  get lateReports(): number {
    return this.late;
  }

  get agentCount(): number {
    return this.slots.size;
  }

  /**
   * Every agent, in id order: the order the analysis visits them in (matrix rows, surrogate draws) is then the same
   * whichever agent's reports arrived first, so replicas fed through different shards agree.
   */
  agents(): readonly AgentSlot[] {
    return (this.ordered ??= [...this.slots.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  }

  agent(id: string): AgentSlot | undefined {
    return this.slots.get(id);
  }

  /** One field of one agent for tick `tick` (0 for a tick the ring does not hold). */
  value(slot: AgentSlot, field: Field, tick: number): number {
    const [first, last] = this.heldRange();
    if (tick < first || tick > last) return 0;
    return this.data[field][slot.index * this.span + (tick % this.span)]!;
  }

  /** One field of one agent over ticks [to − out.length + 1, to], into `out`. */
  read(slot: AgentSlot, field: Field, to: number, out: Float64Array): Float64Array {
    const n = out.length;
    const base = slot.index * this.span;
    const column = this.data[field];
    const [first, last] = this.heldRange();
    for (let i = 0; i < n; i++) {
      const tick = to - n + 1 + i;
      out[i] = tick >= first && tick <= last ? column[base + (tick % this.span)]! : 0;
    }
    return out;
  }

  /** Whether the agent reported in any tick of [from, to]. */
  reported(slot: AgentSlot, from: number, to: number): boolean {
    for (let tick = from; tick <= to; tick++) if (this.value(slot, 'reports', tick) > 0) return true;
    return false;
  }

  /** Sum of one field over ticks [from, to]. */
  sum(slot: AgentSlot, field: Field, from: number, to: number): number {
    const base = slot.index * this.span;
    const column = this.data[field];
    const [first, last] = this.heldRange();
    let s = 0;
    for (let tick = from; tick <= to; tick++)
      s += tick >= first && tick <= last ? column[base + (tick % this.span)]! : 0;
    return s;
  }

  /** Bytes held by the per-tick arrays. */
  bytes(): number {
    return FIELDS.length * this.capacity * this.span * 8;
  }

  /**
   * The ticks the ring holds data for, [first, last] (empty when first > last): not newer than the newest, not
   * overwritten since, not before time 0.
   */
  private heldRange(): [number, number] {
    if (this.newest === undefined) return [0, -1];
    return [Math.max(0, this.newest - this.span + 1), this.newest];
  }

  private advanceTo(tick: number): void {
    if (this.newest === undefined) {
      this.newest = tick;
      return;
    }
    if (tick <= this.newest) return;
    // A jump past the whole ring (a clock reset, a long pause) clears everything at once.
    const from = Math.max(this.newest + 1, tick - this.span + 1);
    for (let t = from; t <= tick; t++) this.clearTick(t);
    this.newest = tick;
  }

  private clearTick(tick: number): void {
    const offset = tick % this.span;
    for (const field of FIELDS) {
      const column = this.data[field];
      for (let i = 0; i < this.capacity; i++) column[i * this.span + offset] = 0;
    }
  }

  private slotFor(report: SampleReport, tick: number): AgentSlot {
    let slot = this.slots.get(report.agentId);
    if (!slot) {
      const index = this.free.pop() ?? this.grow();
      slot = {
        id: report.agentId,
        pool: report.pool,
        type: report.type,
        model: report.model,
        index,
        firstTick: tick,
        lastTick: tick,
        lastReportMs: NaN,
      };
      this.slots.set(slot.id, slot);
      this.ordered = undefined;
    } else {
      slot.pool = report.pool;
      slot.type = report.type;
      slot.model = report.model;
      if (tick > slot.lastTick) slot.lastTick = tick;
      if (tick < slot.firstTick) slot.firstTick = tick;
    }
    return slot;
  }

  private grow(): number {
    const index = this.capacity;
    const allocated = this.data.requests.length / this.span;
    if (index >= allocated) {
      const next = Math.max(64, allocated * 2);
      const data = allocate(next, this.span);
      for (const field of FIELDS) data[field].set(this.data[field]);
      this.data = data;
    }
    this.capacity++;
    return index;
  }

  private release(slot: AgentSlot): void {
    this.slots.delete(slot.id);
    this.ordered = undefined;
    const base = slot.index * this.span;
    for (const field of FIELDS) this.data[field].fill(0, base, base + this.span);
    this.free.push(slot.index);
  }
}

function allocate(agents: number, span: number): Record<Field, Float64Array> {
  return Object.fromEntries(FIELDS.map((f) => [f, new Float64Array(agents * span)])) as Record<Field, Float64Array>;
}
