// Run by `bench otlp` in `node --expose-gc`: the heap cost of one span-id index entry, as the receiver fills it.
import { SpanIndex, type IndexedSpan } from '@swarmscope/health-monitor';

const ENTRIES = 200_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
gc();
const before = process.memoryUsage().heapUsed;
const index = new SpanIndex<never>(ENTRIES, 300_000);
for (let i = 0; i < ENTRIES; i++) {
  // Ids are fresh strings as the decoder makes them; agents and resources repeat (1,000 agents, 10 processes).
  const spanId = (0x1000000000000000n + BigInt(i) * 7919n).toString(16);
  const parent = i % 4 === 0 ? '' : (0x1000000000000000n + BigInt(i - 1) * 7919n).toString(16);
  const span: IndexedSpan = {
    agent: `agent-${i % 1000}`,
    parent,
    target: undefined,
    resource: `svc-${i % 10}|`,
    at: Date.now(),
  };
  index.add(spanId, span);
}
gc();
const after = process.memoryUsage().heapUsed;
const bytesPerEntry = (after - before) / index.size;
process.stdout.write(
  JSON.stringify({ entries: index.size, bytesPerEntry, mibAtDefaultBound: (bytesPerEntry * 200_000) / 2 ** 20 }),
);
