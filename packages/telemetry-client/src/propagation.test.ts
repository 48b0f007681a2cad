import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AgentMonitor } from './agent-monitor';
import { Fleet } from './fleet';
import { extract, inject } from './propagation';
import { IngestServer } from './test-support/ingest-server';
import { installOtel, type InstalledOtel } from './test-support/otel';

let server: IngestServer;
let fleet: Fleet;
let otel: InstalledOtel | undefined;
const monitors: AgentMonitor[] = [];

beforeEach(async () => {
  server = await new IngestServer().start();
  fleet = new Fleet({ endpoint: server.url, flushIntervalMs: 60_000 });
});

afterEach(async () => {
  await Promise.all(monitors.splice(0).map((monitor) => monitor.close()));
  await fleet.close({ timeoutMs: 100 });
  await server.stop();
  await otel?.uninstall();
  otel = undefined;
});

function monitor(agentId: string): AgentMonitor {
  const created = new AgentMonitor({ agentId, model: 'gpt-4o-mini', fleet, heartbeatIntervalMs: 0 });
  monitors.push(created);
  return created;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

describe('inject and extract', () => {
  beforeEach(() => {
    otel = installOtel();
  });

  it('carry the active span across a plain header object, in any case, and fetch Headers', () => {
    const tracer = trace.getTracer('test');
    const span = tracer.startSpan('sender');
    const outgoing: Record<string, string> = { 'x-other': 'kept' };
    const headers = context.with(trace.setSpan(context.active(), span), () => inject(outgoing));
    span.end();
    const { traceId, spanId } = span.spanContext();
    expect(headers).toEqual({ 'x-other': 'kept', traceparent: `00-${traceId}-${spanId}-01` });

    for (const carrier of [headers, { Traceparent: headers.traceparent }, new Headers(headers)]) {
      const remote = trace.getSpanContext(extract(carrier));
      expect(remote).toMatchObject({ traceId, spanId, isRemote: true });
    }
  });

  it('extract gives the parent context back when the headers carry none', () => {
    const ctx = extract({});
    expect(trace.getSpanContext(ctx)).toBeUndefined();
  });

  it('monitor.inject writes the active context', async () => {
    const m = monitor('a-1');
    const headers = await m.trackRequest({}, () => m.inject({}));
    const [span] = otel!.spans();
    expect(headers.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
  });
});

describe('delegate', () => {
  beforeEach(() => {
    otel = installOtel();
  });

  it('makes a planner → worker workflow one trace and reports the edge', async () => {
    const planner = monitor('planner-1');
    const worker = monitor('worker-1');
    let seen: Record<string, string> = {};

    const answer = await planner.trackRequest({ operation: 'invoke_agent' }, () =>
      planner.delegate('worker-1', 'delegation', async (headers) => {
        seen = { ...headers };
        // The worker's side: what arrived over the wire becomes its parent context.
        return context.with(extract(headers), () =>
          worker.trackRequest({ inputTokens: 20 }, (req) => {
            req.setOutputTokens(5);
            return 'done';
          }),
        );
      }),
    );
    expect(answer).toBe('done');

    const spans = otel!.spans();
    expect(spans.map((span) => span.name)).toEqual([
      'chat gpt-4o-mini',
      'invoke_agent worker-1',
      'invoke_agent planner-1',
    ]);
    const [workerSpan, delegateSpan, plannerSpan] = spans;
    const traceId = plannerSpan.spanContext().traceId;
    expect(spans.map((span) => span.spanContext().traceId)).toEqual([traceId, traceId, traceId]);
    expect(delegateSpan.parentSpanContext?.spanId).toBe(plannerSpan.spanContext().spanId);
    expect(workerSpan.parentSpanContext?.spanId).toBe(delegateSpan.spanContext().spanId);
    expect(seen.traceparent).toMatch(TRACEPARENT);
    expect(TRACEPARENT.exec(seen.traceparent)?.[2]).toBe(delegateSpan.spanContext().spanId);

    expect(delegateSpan.kind).toBe(SpanKind.CLIENT);
    expect(delegateSpan.attributes).toEqual({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'openai',
      'gen_ai.agent.id': 'worker-1',
      'swarmscope.interaction.kind': 'delegation',
      'swarmscope.caller.agent.id': 'planner-1',
    });

    await fleet.flush();
    expect(server.acceptedInteractions).toEqual([
      {
        from: 'planner-1',
        to: 'worker-1',
        kind: 'delegation',
        outcome: 'success',
        latencySeconds: expect.any(Number),
        timestamp: expect.any(Number),
        traceId,
        spanId: delegateSpan.spanContext().spanId,
      },
    ]);
    expect(fleet.stats().interactions).toMatchObject({ recorded: 1, sent: 1, queued: 0, inFlight: 0 });
    expect(server.acceptedIds()).toEqual(['worker-1', 'planner-1']);
  });

  it('reports an error outcome and rethrows', async () => {
    const failure = new Error('worker unreachable');
    await expect(
      monitor('planner-1').delegate('worker-1', 'message', () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    const [span] = otel!.spans();
    expect(span.attributes['error.type']).toBe('Error');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'worker unreachable' });
    await fleet.flush();
    expect(server.acceptedInteractions).toEqual([
      expect.objectContaining({
        from: 'planner-1',
        to: 'worker-1',
        kind: 'message',
        outcome: 'error',
        traceId: span.spanContext().traceId,
      }),
    ]);
  });

  it('validates its arguments before running anything', async () => {
    const m = monitor('planner-1');
    let calls = 0;
    const fn = (): void => void calls++;
    await expect(m.delegate('has space', 'delegation', fn)).rejects.toThrow(/toAgentId/);
    await expect(m.delegate('w-1', 'gossip' as 'message', fn)).rejects.toThrow(/kind/);
    expect(calls).toBe(0);
  });
});

describe('delegate without an OpenTelemetry SDK', () => {
  it('passes empty headers, and reports the edge without trace ids', async () => {
    const headers = await monitor('planner-1').delegate('worker-1', 'tool_handoff', (h) => ({ ...h }));
    expect(headers).toEqual({});
    await fleet.flush();
    expect(server.acceptedInteractions).toEqual([
      {
        from: 'planner-1',
        to: 'worker-1',
        kind: 'tool_handoff',
        outcome: 'success',
        latencySeconds: expect.any(Number),
        timestamp: expect.any(Number),
      },
    ]);
  });
});
