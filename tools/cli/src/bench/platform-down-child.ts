import { childProcessPlatform } from '../faults/child-process-platform';
import { runOutage } from '../faults/outage';
import { freePort } from '@swarmscope/testkit';

/** Run by `bench platform-down` in `node --expose-gc`: the outage, with this process's heap after a GC each sample. */
async function main(): Promise<void> {
  const [agents, upSeconds, downSeconds] = process.argv.slice(2).map(Number) as [number, number, number];
  const gc = (globalThis as { gc?: () => void }).gc!;
  const fleet = {
    batchSize: 1000,
    flushIntervalMs: 500,
    maxQueue: 200_000,
    maxInteractionQueue: 100_000,
    maxInFlight: 4,
  };
  const heap: Array<{
    atMs: number;
    phase: string;
    heapUsed: number;
    queued: number;
    inFlight: number;
    sent: number;
    dropped: number;
    recorded: number;
  }> = [];
  const platform = childProcessPlatform(await freePort());
  const result = await runOutage(platform, {
    agents,
    requestsPerSecond: 1,
    upMs: upSeconds * 1000,
    downMs: downSeconds * 1000,
    resumeTimeoutMs: 120_000,
    fleet,
    onSample(sample) {
      gc();
      const r = sample.reports;
      heap.push({
        atMs: sample.atMs,
        phase: sample.phase,
        heapUsed: process.memoryUsage().heapUsed,
        queued: r.queued,
        inFlight: r.inFlight,
        sent: r.sent,
        dropped: r.dropped,
        recorded: r.recorded,
      });
    },
  });
  await platform.stop();
  process.stdout.write(JSON.stringify({ fleet, heap, result: { ...result, samples: undefined } }));
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
