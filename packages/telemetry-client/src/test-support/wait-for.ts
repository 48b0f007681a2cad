import type { Fleet } from '../fleet';
import type { DeliveryStats } from '../types';

/** Polls `condition` until it holds; fails with `what` after `timeoutMs` (generous: CI machines stall). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A channel's accounting identity: every recorded item is in exactly one place. */
export function balance(stats: DeliveryStats): number {
  return stats.queued + stats.inFlight + stats.sent + stats.rejected + stats.dropped;
}

/** Waits until the fleet holds nothing (queued and in flight both 0). */
export function idle(fleet: Fleet): () => boolean {
  return () => {
    const stats = fleet.stats();
    return stats.queued === 0 && stats.inFlight === 0;
  };
}
