/** A bounded, time-ordered log (the newest `capacity` entries) with the queries the API offers. */
export class EventLog<T extends { pool: string; at: number }> {
  private readonly items: T[] = [];

  constructor(private readonly capacity: number) {}

  add(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  /** Newest first. */
  query(filter: { pool?: string; since?: number; limit: number }): T[] {
    const out: T[] = [];
    for (let i = this.items.length - 1; i >= 0 && out.length < filter.limit; i--) {
      const item = this.items[i]!;
      if (filter.since !== undefined && item.at < filter.since) break;
      if (filter.pool !== undefined && item.pool !== filter.pool) continue;
      out.push(item);
    }
    return out;
  }

  get size(): number {
    return this.items.length;
  }
}

/** Something that happened to a pool other than a decision: a policy change, a replacement, a failed actuation. */
export interface AutoscalerEvent {
  id: string;
  at: number;
  pool: string;
  type: 'policy-changed' | 'agents-replaced' | 'replacement-held' | 'actuation-failed';
  severity: 'low' | 'medium' | 'high';
  /** The numbers or fields behind it. */
  evidence: Record<string, unknown>;
  explanation: string;
}
