import type { EmergenceEvent } from '@swarmscope/core';
import type { EmergenceType } from './types';

export interface EventQuery {
  type?: EmergenceType;
  /** Events changed at or after this data time, epoch ms. */
  since?: number;
  limit: number;
}

/** The latest state of each emergence event, bounded (the oldest forgotten first), newest first in queries. */
export class EventLog {
  private readonly events = new Map<string, EmergenceEvent>();

  constructor(private readonly capacity: number) {}

  apply(event: EmergenceEvent): void {
    this.events.delete(event.id);
    this.events.set(event.id, event);
    if (this.events.size > this.capacity) this.events.delete(this.events.keys().next().value!);
  }

  query(query: EventQuery): EmergenceEvent[] {
    const out: EmergenceEvent[] = [];
    const all = [...this.events.values()];
    for (let i = all.length - 1; i >= 0 && out.length < query.limit; i--) {
      const e = all[i]!;
      if (query.type && e.type !== query.type) continue;
      if (query.since !== undefined && e.time < query.since) continue;
      out.push(e);
    }
    return out;
  }

  get size(): number {
    return this.events.size;
  }
}
