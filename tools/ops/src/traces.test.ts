import { join } from 'node:path';
import { startOtlpReceiver, type ReceivedSpan } from './otlp-receiver';
import { runToEnd, startDaemon, type Daemon } from './processes';
import { repoRoot } from './repo';
import { waitFor } from './wait-for';
import { freePort } from '@swarmscope/testkit';

// The trace path end to end: an agent process using the SDK (its host exports OTLP/HTTP protobuf) delegates to another
// agent through health-monitor, which exports OTLP/HTTP JSON from its own process. One receiver speaks both encodings.
const HEALTH_MONITOR = join(repoRoot, 'services', 'health-monitor', 'dist', 'main.js');
const AGENT = join(repoRoot, 'tools', 'ops', 'fixtures', 'delegating-agent.mjs');
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let healthMonitor: Daemon;
let origin: string;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  healthMonitor = startDaemon(process.execPath, [HEALTH_MONITOR], {
    ...process.env,
    HEALTH_MONITOR_PORT: String(port),
    LOG_LEVEL: 'warn',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  await waitFor('health-monitor ready', async () => ((await fetch(`${origin}/readyz`)).ok ? true : undefined), {
    detail: () => healthMonitor.output(),
  });
}, 60_000);

afterAll(async () => {
  await healthMonitor?.stop();
  await receiver?.close();
});

describe('traces over OTLP/HTTP', () => {
  it('an agent’s GenAI spans (protobuf) and health-monitor’s server spans (JSON) form one trace with parent links', async () => {
    // The agent runs as its own process, like a real one; it exits once its spans are exported.
    const agent = await runToEnd(process.execPath, [AGENT], {
      timeoutMs: 30_000,
      env: { ...process.env, OTLP_TRACES_URL: `${receiver.url}/v1/traces`, HEALTH_MONITOR_URL: origin },
    });
    expect(agent.stderr).toBe('');
    expect(JSON.parse(agent.stdout)).toEqual({ status: 201 });

    const byName = (service: string, name: string) =>
      receiver.spans.find((s) => s.serviceName === service && s.name === name);
    const chat = await waitFor('the chat span', async () => byName('support-planner', 'chat gpt-4o'));
    const invoke = await waitFor('the invoke_agent span', async () =>
      byName('support-planner', 'invoke_agent worker-1'),
    );
    const server = await waitFor(
      'health-monitor’s server span of the delegation',
      async () =>
        receiver.spans.find(
          (s) =>
            s.serviceName === 'swarmscope-health-monitor' && s.traceId === chat.traceId && s.kind === SPAN_KIND_SERVER,
        ),
      { detail: () => JSON.stringify(receiver.spans.map((s: ReceivedSpan) => [s.serviceName, s.name, s.traceId])) },
    );

    // Both encodings arrived and were decoded.
    expect(receiver.requests.map((r) => r.contentType)).toEqual(
      expect.arrayContaining(['application/x-protobuf', 'application/json']),
    );
    expect([chat.encoding, invoke.encoding, server.encoding]).toEqual(['protobuf', 'protobuf', 'json']);

    // Parent links: chat → invoke_agent (same process) → health-monitor's server span (another process, via traceparent).
    expect(chat.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(chat.parentSpanId).toBe('');
    expect(invoke).toMatchObject({ traceId: chat.traceId, parentSpanId: chat.spanId, kind: SPAN_KIND_CLIENT });
    expect(server).toMatchObject({ traceId: chat.traceId, parentSpanId: invoke.spanId });
    expect(server.name).toMatch(/^POST/);
    // health-monitor's own spans below its server span (express middleware and route) stay in the same trace.
    const children = receiver.spans.filter(
      (s) => s.serviceName === 'swarmscope-health-monitor' && s.parentSpanId === server.spanId,
    );
    expect(children.length).toBeGreaterThan(0);
    expect(children.every((s) => s.traceId === chat.traceId)).toBe(true);

    // GenAI semantic conventions, exact spelling.
    expect(chat.scope).toBe('@swarmscope/telemetry-client');
    expect(chat.kind).toBe(SPAN_KIND_CLIENT);
    expect(chat.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.agent.id': 'planner-1',
      'gen_ai.usage.input_tokens': 512,
      'gen_ai.usage.output_tokens': 128,
    });
    // gen_ai.response.model only when the answer named one; gen_ai.system is no longer sent.
    expect(chat.attributes['gen_ai.response.model']).toBeUndefined();
    expect(chat.attributes['gen_ai.system']).toBeUndefined();
    expect(invoke.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': 'worker-1',
      'swarmscope.caller.agent.id': 'planner-1',
    });
  });

  it('the receiver refuses an encoding OTLP/HTTP does not define', async () => {
    const answer = await fetch(`${receiver.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'spans',
    });
    expect(answer.status).toBe(415);
  });
});
