import type { AnomalyEvent } from '@swarmscope/core';

/** An anomaly as the API serves it: the latest state of its events, with whether it is still open. */
export interface AnomalyRecord extends AnomalyEvent {
  status: 'open' | 'resolved';
  /** Reports that were part of it (its `opened` and `updated` events). */
  updates: number;
}

export interface AnomalyQuery {
  agentId?: string;
  severity?: AnomalyEvent['severity'];
  type?: string;
  pool?: string;
  /** Risk class; an event without one counts as `low`. */
  risk?: 'low' | 'medium' | 'high';
  status?: 'open' | 'resolved';
  /** Anomalies still open at, or started after, this time (epoch ms). */
  since?: number;
  limit: number;
}

const SEVERITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;
const RISK_RANK = { low: 0, medium: 1, high: 2 } as const;
const EVENT_RANK = { opened: 0, updated: 1, resolved: 2 } as const;

/**
 * The anomalies this replica found and those the other replicas published (merged from the bus), latest state
 * per id, bounded: beyond `capacity` the oldest resolved ones go
 * first (open ones are kept while they are open). Pure: the service feeds it events.
 */
export class AnomalyLog {
  private readonly records = new Map<string, AnomalyRecord>();

  constructor(private readonly capacity: number) {}

  apply(event: AnomalyEvent): AnomalyRecord {
    const previous = this.records.get(event.id);
    const record: AnomalyRecord = {
      ...event,
      // A resolution keeps the worst severity and score the anomaly reached.
      severity:
        previous && SEVERITY_RANK[previous.severity] > SEVERITY_RANK[event.severity]
          ? previous.severity
          : event.severity,
      score: Math.max(previous?.score ?? 0, event.score),
      // …and the highest risk class.
      risk:
        previous && RISK_RANK[previous.risk ?? 'low'] > RISK_RANK[event.risk ?? 'low']
          ? previous.risk
          : (event.risk ?? 'low'),
      startedAt: previous?.startedAt ?? event.startedAt,
      status: event.event === 'resolved' ? 'resolved' : 'open',
      updates: (previous?.updates ?? 0) + (event.event === 'resolved' ? 0 : 1),
    };
    this.records.delete(event.id); // re-insert: Map order is then "least recently changed first"
    this.records.set(event.id, record);
    this.evict();
    return record;
  }

  /**
   * Applies an event read back from the bus (any replica's), unless the record already holds it or a later one:
   * an anomaly's events are ordered by (time, opened < updated < resolved), and a replica's own events come
   * back after it applied them. Returns whether it changed the record.
   */
  merge(event: AnomalyEvent): boolean {
    const previous = this.records.get(event.id);
    if (
      previous &&
      (event.time < previous.time ||
        (event.time === previous.time && EVENT_RANK[event.event] <= EVENT_RANK[previous.event]))
    )
      return false;
    this.apply(event);
    return true;
  }

  /** Open anomalies whose agent passes `include` (e.g. the agents of the shards a replica owns). */
  openWhere(include: (agentId: string) => boolean): number {
    let open = 0;
    for (const record of this.records.values()) if (record.status === 'open' && include(record.agentId)) open++;
    return open;
  }

  get(id: string): AnomalyRecord | undefined {
    return this.records.get(id);
  }

  /** Newest first. */
  query(query: AnomalyQuery): AnomalyRecord[] {
    const out: AnomalyRecord[] = [];
    const all = [...this.records.values()].sort((a, b) => b.startedAt - a.startedAt);
    for (const record of all) {
      if (query.agentId !== undefined && record.agentId !== query.agentId) continue;
      if (query.severity !== undefined && record.severity !== query.severity) continue;
      if (query.type !== undefined && record.type !== query.type) continue;
      if (query.pool !== undefined && record.pool !== query.pool) continue;
      if (query.risk !== undefined && (record.risk ?? 'low') !== query.risk) continue;
      if (query.status !== undefined && record.status !== query.status) continue;
      if (
        query.since !== undefined &&
        record.startedAt < query.since &&
        !(record.status === 'open' || (record.endedAt ?? 0) >= query.since)
      )
        continue;
      out.push(record);
      if (out.length >= query.limit) break;
    }
    return out;
  }

  counts(): { open: number; total: number } {
    let open = 0;
    for (const record of this.records.values()) if (record.status === 'open') open++;
    return { open, total: this.records.size };
  }

  private evict(): void {
    if (this.records.size <= this.capacity) return;
    for (const [id, record] of this.records) {
      if (this.records.size <= this.capacity) return;
      if (record.status === 'resolved') this.records.delete(id);
    }
  }
}
