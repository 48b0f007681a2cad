import type { AgentFilter, AgentRecord } from './types';

// What both store implementations share, so they page and filter the same way.

/** Page sizes the store accepts (see PageRequest). */
export function checkPageLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new RangeError(`page limit must be an integer in 1..1000, got ${limit}`);
  }
}

export function matches(record: AgentRecord, filter: AgentFilter): boolean {
  return (
    (filter.status === undefined || record.status === filter.status) &&
    (filter.model === undefined || record.model === filter.model) &&
    (filter.pool === undefined || record.pool === filter.pool)
  );
}
