/**
 * Two agents of a support desk, reporting to Swarmscope and tracing through OpenTelemetry:
 * a planner reads each ticket, then delegates the answer to a worker that searches a knowledge base
 * and drafts the reply. Model calls are simulated (a sleep); everything else is the real SDK.
 *
 *   pnpm start --no-fleet          # a health-monitor on :8080, in another terminal
 *   pnpm example                   # this file; SWARMSCOPE_ENDPOINT=http://host:port to point elsewhere
 *
 * Without a reachable health-monitor it still runs and exits 0: telemetry never fails the agent.
 * The fleet's counters at the end say what was delivered.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { AgentMonitor, extract, Fleet } from '@swarmscope/telemetry-client';

const endpoint = process.env.SWARMSCOPE_ENDPOINT ?? 'http://127.0.0.1:8080';

// The host application owns OpenTelemetry. A real service would start the NodeSDK with an OTLP exporter
// (it registers the context manager and the W3C propagator by default); here spans stay in memory and are
// printed at the end.
const spans = new InMemorySpanExporter();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
trace.setGlobalTracerProvider(tracerProvider);

interface Ticket {
  id: number;
  text: string;
}

const TICKETS: Ticket[] = [
  { id: 101, text: 'I was charged twice for my subscription' },
  { id: 102, text: 'How do I export my data?' },
  { id: 103, text: 'The app crashes when I upload a 2 GB file' },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The worker's side of a delegation: the headers carry the planner's trace context. */
async function handleTask(worker: AgentMonitor, ticket: Ticket, headers: Record<string, string>): Promise<string> {
  return context.with(extract(headers), () =>
    worker.trackRequest({ operation: 'invoke_agent' }, async () => {
      const articles = await worker.recordToolCall('search_knowledge_base', async () => {
        await sleep(15);
        if (ticket.id === 103) throw new Error('knowledge base timed out');
        return [`kb-${ticket.id}`];
      });
      const reply = await worker.trackRequest({ inputTokens: 650 }, async (req) => {
        await sleep(60); // the model call
        req.setOutputTokens(210);
        return `Re #${ticket.id}: see ${articles.join(', ')}`;
      });
      worker.reportQuality({ accuracy: 0.93, coherence: 0.9, efficiency: 0.85, adaptability: 0.8 });
      return reply;
    }),
  );
}

async function main(): Promise<void> {
  // One Fleet for both agents: one connection pool, one set of batches.
  const fleet = new Fleet({ endpoint });
  const planner = await AgentMonitor.start({
    agentId: 'example-planner',
    name: 'Planner',
    model: 'gpt-4o',
    type: 'planner',
    pool: 'example',
    fleet,
  });
  const worker = await AgentMonitor.start({
    agentId: 'example-worker-1',
    name: 'Worker',
    model: 'gpt-4o-mini',
    type: 'worker',
    pool: 'example',
    fleet,
  });

  for (const ticket of TICKETS) {
    const outcome = await planner.trackRequest({ operation: 'invoke_agent' }, async (run) => {
      await planner.trackRequest({ inputTokens: 420 }, async (req) => {
        await sleep(40); // the model reads the ticket and plans
        req.setUsage({ outputTokens: 95 });
      });
      try {
        return await planner.delegate('example-worker-1', 'delegation', (headers) =>
          handleTask(worker, ticket, headers),
        );
      } catch (error) {
        // Handled: the ticket goes to a human, and the run counts as failed without throwing.
        run.fail('escalated');
        return `#${ticket.id} escalated: ${(error as Error).message}`;
      }
    });
    print(`ticket ${ticket.id}: ${outcome}`);
  }
  planner.reportQuality({ accuracy: 0.9, task_success: 2 / 3 });

  await planner.close();
  await worker.close();
  // Delivers what is queued; gives up (and counts it as dropped) after 3 s if the platform is down.
  await fleet.close({ timeoutMs: 3000 });

  printTraces(spans.getFinishedSpans());
  await tracerProvider.shutdown();
  const stats = fleet.stats();
  print(`\nreports:      ${JSON.stringify(counters(stats))}`);
  print(`interactions: ${JSON.stringify(counters(stats.interactions))}`);
  if (stats.sent === 0)
    print(`\nnothing reached ${endpoint} (${stats.lastError ?? 'no answer'}): is \`pnpm start --no-fleet\` running?`);
  else print(`\nsee the agents at ${endpoint}/agents?pool=example`);
}

function counters(stats: { recorded: number; sent: number; rejected: number; dropped: number }) {
  return { recorded: stats.recorded, sent: stats.sent, rejected: stats.rejected, dropped: stats.dropped };
}

/** Each trace as a tree of span names: one trace per ticket, across both agents. */
function printTraces(finished: ReadableSpan[]): void {
  const children = new Map<string | undefined, ReadableSpan[]>();
  for (const span of finished) {
    const parent = span.parentSpanContext?.spanId;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const walk = (span: ReadableSpan, depth: number): void => {
    const failed =
      span.attributes['error.type'] === undefined ? '' : `  [error.type=${String(span.attributes['error.type'])}]`;
    const ms = (span.duration[0] * 1e3 + span.duration[1] / 1e6).toFixed(0);
    print(`${'  '.repeat(depth + 1)}${span.name} (${ms} ms)${failed}`);
    const below = (children.get(span.spanContext().spanId) ?? []).sort((a, b) => compareTime(a.startTime, b.startTime));
    for (const child of below) walk(child, depth + 1);
  };
  for (const root of children.get(undefined) ?? []) {
    print(`\ntrace ${root.spanContext().traceId}`);
    walk(root, 0);
  }
}

function compareTime(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`support-agent: ${String((error as Error)?.stack ?? error)}\n`);
  process.exitCode = 1;
});
