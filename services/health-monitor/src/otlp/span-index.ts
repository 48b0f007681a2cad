/** What the index keeps of one span: whose it is and where it hangs. */
export interface IndexedSpan {
  /** The agent the span belongs to; undefined for a span that is not a GenAI one (an HTTP hop, say): a link only. */
  agent: string | undefined;
  /** The parent span id ('' for a root). */
  parent: string;
  /** For an `invoke_agent` CLIENT span: the agent it calls (its own edge says so; the callee's spans add none). */
  target?: string | undefined;
  /** The key of the span's resource (service.name|service.instance.id). */
  resource?: string | undefined;
  /** When it was indexed (receiver clock, ms). */
  at: number;
}

/** A GenAI span waiting for an ancestor that has not arrived yet. */
export interface Waiting<T> {
  value: T;
  at: number;
}

/** What the walk up from a parent id found. */
export type Ancestry = { kind: 'found'; span: IndexedSpan } | { kind: 'root' } | { kind: 'missing'; spanId: string };

/** Hops walked up through non-GenAI spans before giving up (a loop or a very deep stack). */
const MAX_HOPS = 64;

/**
 * Recent span ids → agent, so that a span's nearest GenAI ancestor can be found when it arrived in another request,
 * possibly from another process, possibly later: a child that arrives before its ancestor waits (by the id it misses)
 * until that span comes or its time is up. Both maps are bounded in entries (the oldest go first) and in age.
 */
export class SpanIndex<T> {
  private readonly spans = new Map<string, IndexedSpan>();
  private readonly waiting = new Map<string, Array<Waiting<T>>>();
  private waitingCount = 0;
  /** Spans that waited for an ancestor until their time was up (or were pushed out), since start. */
  expired = 0;

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
  ) {}

  get size(): number {
    return this.spans.size;
  }

  get waitingSize(): number {
    return this.waitingCount;
  }

  add(spanId: string, span: IndexedSpan): void {
    if (spanId === '') return;
    this.spans.delete(spanId); // re-inserted at the young end
    this.spans.set(spanId, span);
    if (this.spans.size > this.maxEntries) this.spans.delete(this.spans.keys().next().value!);
  }

  /** The nearest GenAI span at or above `parentId`, through non-GenAI links. */
  ancestry(parentId: string, now: number): Ancestry {
    let id = parentId;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      if (id === '') return { kind: 'root' };
      const span = this.spans.get(id);
      if (span === undefined || now - span.at > this.ttlMs) return { kind: 'missing', spanId: id };
      if (span.agent !== undefined || span.target !== undefined) return { kind: 'found', span };
      id = span.parent;
    }
    return { kind: 'root' };
  }

  /** Parks `value` until span `missingId` arrives. */
  wait(missingId: string, value: T, now: number): void {
    const list = this.waiting.get(missingId);
    if (list) list.push({ value, at: now });
    else this.waiting.set(missingId, [{ value, at: now }]);
    this.waitingCount++;
    while (this.waitingCount > this.maxEntries) {
      const [oldestId, oldest] = this.waiting.entries().next().value!;
      this.waiting.delete(oldestId);
      this.waitingCount -= oldest.length;
      this.expired += oldest.length;
    }
  }

  /** Takes what waited for `spanId` (now arrived). */
  take(spanId: string): Array<Waiting<T>> {
    const list = this.waiting.get(spanId);
    if (list === undefined) return [];
    this.waiting.delete(spanId);
    this.waitingCount -= list.length;
    return list;
  }

  /** Drops spans and waiters older than the time limit (both maps are in insertion order, oldest first). */
  sweep(now: number): void {
    for (const [id, span] of this.spans) {
      if (now - span.at <= this.ttlMs) break;
      this.spans.delete(id);
    }
    for (const [id, list] of this.waiting) {
      if (now - list[0]!.at <= this.ttlMs) break;
      this.waiting.delete(id);
      this.waitingCount -= list.length;
      this.expired += list.length;
    }
  }
}
