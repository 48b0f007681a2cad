import { runInGcChild } from './gc-child';
import type { OutageResult } from '../faults/outage';

interface ChildResult {
  fleet: { maxQueue: number; maxInFlight: number; batchSize: number };
  heap: Array<{
    atMs: number;
    phase: string;
    heapUsed: number;
    queued: number;
    inFlight: number;
    sent: number;
    dropped: number;
    recorded: number;
  }>;
  result: Omit<OutageResult, 'samples'>;
}

const MiB = 1024 * 1024;

/**
 * `swarmscope bench platform-down`: a simulated fleet (SDK) reporting to a real health-monitor process that is killed
 * for minutes and restarted on the same port. Prints the SDK's heap (after GC) and counters over time, when
 * reporting resumed, and the final balance recorded = acknowledged + dropped + queued.
 */
export async function runPlatformDownBench(options: {
  agents: number;
  upSeconds: number;
  downSeconds: number;
}): Promise<void> {
  const out = process.stdout;
  out.write(
    `platform-down: ${options.agents} agents, up ${options.upSeconds} s, health-monitor killed for ${options.downSeconds} s, then back on the same port\n`,
  );
  const r = await runInGcChild<ChildResult>('platform-down-child.js', [
    String(options.agents),
    String(options.upSeconds),
    String(options.downSeconds),
  ]);
  const every = Math.max(1, Math.round(r.heap.length / 30));
  console.table(
    r.heap
      .filter((_, i) => i % every === 0 || i === r.heap.length - 1)
      .map((h) => ({
        s: Math.round(h.atMs / 1000),
        phase: h.phase,
        'SDK heap MiB': (h.heapUsed / MiB).toFixed(1),
        recorded: h.recorded,
        acknowledged: h.sent,
        dropped: h.dropped,
        queued: h.queued,
        'in flight': h.inFlight,
      })),
  );
  const f = r.result.final.reports;
  const peak = Math.max(...r.heap.map((h) => h.heapUsed));
  console.table([
    {
      'reports recorded': f.recorded,
      acknowledged: f.sent,
      dropped: f.dropped,
      refused: f.rejected,
      'queued + in flight': f.queued + f.inFlight,
      balanced: f.recorded === f.sent + f.dropped + f.rejected + f.queued + f.inFlight,
      'server count (at least once)': r.result.serverAcknowledged,
      'resumed after ms': r.result.resumedAfterMs ?? 'never',
      'peak SDK heap MiB': (peak / MiB).toFixed(1),
      'queue bound (reports)': `${r.fleet.maxQueue} + ${r.fleet.maxInFlight} × ${r.fleet.batchSize}`,
    },
  ]);
}
