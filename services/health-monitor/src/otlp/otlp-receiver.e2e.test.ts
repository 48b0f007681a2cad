import { gzipSync } from 'node:zlib';
import { ExportTraceServiceRequest, ExportTraceServiceResponse } from './otlp-proto';
import { startHarness, T0, WINDOW, type Harness } from './test-support/otlp-harness';
import { newSpanId, newTraceId, runClientProcess, type PlannedSpan } from './test-support/run-client-process';

// SpanKind of @opentelemetry/api.
const INTERNAL = 0;
const SERVER = 1;
const CLIENT = 2;

const chat = (agent: Attributes, model: string, input: number, output: number): Attributes => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': model,
  'gen_ai.response.model': `${model}-2024-08-06`,
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
  ...agent,
});
type Attributes = Record<string, string | number | boolean>;

describe('OTLP receiver with the official OpenTelemetry JS exporters', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('turns a multi-agent fleet (protobuf, gzip and JSON; three processes) into agents, windows and delegations', async () => {
    h = await startHarness();
    const plannerAgent = { 'gen_ai.agent.id': 'planner', 'gen_ai.agent.name': 'Planner' };
    const researchAgent = { 'gen_ai.agent.id': 'researcher', 'gen_ai.agent.name': 'Researcher' };
    const plannerSpans: PlannedSpan[] = [];
    const researchSpans: PlannedSpan[] = [];
    const writerSpans: PlannedSpan[] = [];
    for (let task = 0; task < 3; task++) {
      const base = T0 + 5000 + task * 10_000;
      const traceId = newTraceId();
      const span = (
        list: PlannedSpan[],
        parent: string | undefined,
        name: string,
        kind: number,
        attributes: PlannedSpan['attributes'],
        from: number,
        to: number,
        failed = false,
      ) => {
        const spanId = newSpanId();
        list.push({
          traceId,
          spanId,
          ...(parent ? { parent } : {}),
          name,
          kind,
          attributes,
          startMs: base + from,
          endMs: base + to,
          failed,
        });
        return spanId;
      };
      const root = span(
        plannerSpans,
        undefined,
        'invoke_agent Planner',
        INTERNAL,
        { 'gen_ai.operation.name': 'invoke_agent', ...plannerAgent },
        0,
        9000,
      );
      span(plannerSpans, root, 'chat gpt-4o', CLIENT, chat(plannerAgent, 'gpt-4o', 1000, 200), 10, 510);
      const call = span(
        plannerSpans,
        root,
        'invoke_agent researcher',
        CLIENT,
        { 'gen_ai.operation.name': 'invoke_agent', ...researchAgent },
        600,
        4600,
        task === 2,
      );
      // The researcher's process: an HTTP server span (no GenAI) between the caller's client span and its own agent span.
      const http = span(researchSpans, call, 'POST /research', SERVER, { 'http.request.method': 'POST' }, 610, 4590);
      const own = span(
        researchSpans,
        http,
        'invoke_agent Researcher',
        INTERNAL,
        { 'gen_ai.operation.name': 'invoke_agent', ...researchAgent },
        620,
        4580,
        task === 2,
      );
      span(
        researchSpans,
        own,
        'chat gpt-4o-mini',
        CLIENT,
        chat(researchAgent, 'gpt-4o-mini', 3000, 500),
        700,
        1900,
        task === 2,
      );
      span(
        researchSpans,
        own,
        'execute_tool web_search',
        INTERNAL,
        { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'web_search', ...researchAgent },
        2000,
        2400,
      );
      // The writer is called without an invoke_agent client span: its chat span's nearest GenAI ancestor is the planner's.
      span(
        writerSpans,
        root,
        'chat claude-sonnet-4',
        CLIENT,
        { ...chat({}, 'claude-sonnet-4', 500, 1500), 'gen_ai.provider.name': 'anthropic' },
        5000,
        8000,
      );
    }
    // The callees' processes export first: their spans wait in the index for the planner's.
    await runClientProcess({
      mode: 'spans',
      url: h.url,
      protocol: 'protobuf',
      resource: { 'service.name': 'research-svc', 'service.instance.id': 'r-1', 'swarmscope.pool': 'research' },
      spans: researchSpans,
    });
    await runClientProcess({
      mode: 'spans',
      url: h.url,
      protocol: 'json',
      resource: { 'service.name': 'writer' },
      spans: writerSpans,
    });
    expect(h.running.monitor.otlp!.index.waitingSize).toBe(6);
    await runClientProcess({
      mode: 'spans',
      url: h.url,
      protocol: 'protobuf',
      gzip: true,
      resource: { 'service.name': 'planner-svc', 'service.instance.id': 'p-1', 'swarmscope.pool': 'planning' },
      spans: plannerSpans,
    });
    expect(h.running.monitor.otlp!.index.waitingSize).toBe(0);

    const agents = (await h.get('/agents')).items as Array<{ id: string; pool: string; model: string }>;
    expect(agents.map((a) => [a.id, a.pool, a.model]).sort()).toEqual([
      ['planner', 'planning', 'gpt-4o-2024-08-06'],
      ['researcher', 'research', 'gpt-4o-mini-2024-08-06'],
      ['writer', 'writer', 'claude-sonnet-4-2024-08-06'],
    ]);

    await h.closeWindows(2 * WINDOW);
    const window = async (key: string) => (await h.get(`/windows/${key}`)).windows[0];
    const plannerWindow = await window('agent/planner');
    expect(plannerWindow).toMatchObject({ count: 3, errors: 0, inputTokens: 3000, outputTokens: 600 });
    expect(plannerWindow.costUsd).toBeCloseTo((3 * (1000 * 2.5 + 200 * 10)) / 1e6, 12);
    expect(plannerWindow.latency.max).toBeCloseTo(0.5, 2);
    const researcherWindow = await window('agent/researcher');
    expect(researcherWindow).toMatchObject({ count: 3, errors: 1, inputTokens: 9000, outputTokens: 1500 });
    expect(researcherWindow.means).toMatchObject({ tool_calls: 1, tool_duration_seconds: expect.closeTo(0.4, 3) });
    expect((await window('agent/writer')).costUsd).toBeCloseTo((3 * (500 * 3 + 1500 * 15)) / 1e6, 12);

    const graph = await h.get(`/graph?from=${T0}&to=${T0 + 2 * WINDOW}`);
    const edges = (graph.edges as Array<{ from: string; to: string; kind: string; count: number; errors: number }>)
      .map((e) => [e.from, e.to, e.kind, e.count, e.errors])
      .sort();
    // One edge per delegation, not one per span of the callee; the failed call counts as an error.
    expect(edges).toEqual([
      ['planner', 'researcher', 'delegation', 3, 1],
      ['planner', 'writer', 'delegation', 3, 0],
    ]);
  });

  it('answers partial success for spans without an agent identity or with bad fields, and keeps the good ones', async () => {
    h = await startHarness();
    const good = { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } };
    const span = (id: number, attributes: unknown[], start = (T0 + 2000) * 1e6) => ({
      traceId: Buffer.alloc(16, 7),
      spanId: Buffer.alloc(8, id),
      name: 'chat',
      kind: 3,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + 250e6),
      attributes,
    });
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc-a' } }] },
          scopeSpans: [
            {
              spans: [
                span(1, [good]),
                span(2, [good, { key: 'gen_ai.usage.input_tokens', value: { doubleValue: 1.5 } }]),
              ],
            },
          ],
        },
        // No service.name, no gen_ai.agent.*: nobody to charge.
        { resource: { attributes: [] }, scopeSpans: [{ spans: [span(3, [good])] }] },
      ],
    };
    const body = Buffer.from(ExportTraceServiceRequest.encode(request as never).finish());
    const response = await fetch(`${h.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
      body: gzipSync(body),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-protobuf');
    const answer = ExportTraceServiceResponse.decode(new Uint8Array(await response.arrayBuffer())) as {
      partialSuccess: { rejectedSpans: { toNumber(): number }; errorMessage: string };
    };
    expect(answer.partialSuccess.rejectedSpans.toNumber()).toBe(2);
    expect(answer.partialSuccess.errorMessage).toContain('gen_ai.usage.input_tokens: must be a whole number ≥ 0');
    expect(answer.partialSuccess.errorMessage).toContain('no agent identity');
    expect(h.running.monitor.fleet.agents.has('svc-a')).toBe(true);

    // The same in OTLP/JSON: hex ids, integers as strings, a wrong type named by its path.
    const json = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc-b' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '0af7651916cd43dd8448eb211c80319c',
                  spanId: 'b7ad6b7169203331',
                  name: 'chat',
                  kind: 3,
                  startTimeUnixNano: String((T0 + 2000) * 1e6),
                  endTimeUnixNano: String((T0 + 2500) * 1e6),
                  attributes: [good],
                },
                { spanId: 'zz', attributes: [good] },
                { name: 42, attributes: [good] },
              ],
            },
          ],
        },
      ],
    };
    const jsonAnswer = await fetch(`${h.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(json),
    });
    expect(jsonAnswer.status).toBe(200);
    const jsonBody = (await jsonAnswer.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(jsonBody.partialSuccess.rejectedSpans).toBe('2');
    expect(jsonBody.partialSuccess.errorMessage).toContain('spans.1.spanId: must be 16 hex digits');
    expect(jsonBody.partialSuccess.errorMessage).toContain('spans.2.name: must be a string');
    expect(h.running.monitor.fleet.agents.has('svc-b')).toBe(true);
  });

  it('refuses what is not OTLP with the status codes exporters act on, and keeps serving', async () => {
    h = await startHarness({ BODY_LIMIT_BYTES: '65536' });
    const post = (body: Uint8Array | string, type: string) =>
      fetch(`${h.url}/v1/traces`, { method: 'POST', headers: { 'content-type': type }, body });
    const whole = Buffer.from(
      ExportTraceServiceRequest.encode({
        resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'x'.repeat(200) }] }] }],
      } as never).finish(),
    );
    const truncated = await post(whole.subarray(0, whole.length - 50), 'application/x-protobuf');
    expect(truncated.status).toBe(400);
    expect(truncated.headers.get('content-type')).toContain('application/x-protobuf');
    expect(await post('{"resourceSpans": "no"}', 'application/json').then((r) => r.status)).toBe(400);
    expect(await post('{not json', 'application/json').then((r) => r.status)).toBe(400);
    const unsupported = await post('<xml/>', 'text/xml');
    expect(unsupported.status).toBe(415);
    expect(((await unsupported.json()) as { message: string }).message).toContain(
      'Content-Type: must be application/json or application/x-protobuf',
    );
    expect(await post(Buffer.alloc(70_000, 1), 'application/x-protobuf').then((r) => r.status)).toBe(413);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('takes 10,000 spans in one request', async () => {
    h = await startHarness({ BODY_LIMIT_BYTES: String(16 * 1024 * 1024) });
    const spans = Array.from({ length: 10_000 }, (_, i) => ({
      traceId: Buffer.alloc(16, 1),
      spanId: Buffer.from((BigInt(i) + 1n).toString(16).padStart(16, '0'), 'hex'),
      name: 'chat gpt-4o',
      kind: 3,
      startTimeUnixNano: String((T0 + 2000) * 1e6),
      endTimeUnixNano: String((T0 + 2300) * 1e6),
      attributes: [
        { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
        { key: 'gen_ai.agent.id', value: { stringValue: `agent-${i % 50}` } },
        { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: 100 } },
      ],
    }));
    const body = Buffer.from(
      ExportTraceServiceRequest.encode({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bulk' } }] },
            scopeSpans: [{ spans }],
          },
        ],
      } as never).finish(),
    );
    const response = await fetch(`${h.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body,
    });
    expect(response.status).toBe(200);
    expect(ExportTraceServiceResponse.decode(new Uint8Array(await response.arrayBuffer()))).toEqual(
      ExportTraceServiceResponse.create({}),
    );
    await h.closeWindows(2 * WINDOW);
    const fleet = (await h.get('/windows/pool/bulk')).windows[0];
    expect(fleet).toMatchObject({ count: 10_000, inputTokens: 1_000_000 });
  });
});
