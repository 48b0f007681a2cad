import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import { AgentMonitor } from './agent-monitor';
import { Fleet } from './fleet';
import { IngestServer } from './test-support/ingest-server';
import { histogramPoints, installOtel, type InstalledOtel } from './test-support/otel';
import type { AgentMonitorOptions } from './agent-monitor-options';

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

function monitor(options: Partial<AgentMonitorOptions> = {}): AgentMonitor {
  const created = new AgentMonitor({ agentId: 'a-1', model: 'gpt-4o', fleet, heartbeatIntervalMs: 0, ...options });
  monitors.push(created);
  return created;
}

/** The attributes every chat span of the default monitor starts with. */
const chatStart = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.provider.name': 'openai',
  'gen_ai.agent.id': 'a-1',
  'gen_ai.agent.name': 'a-1',
};
/** Metric attributes of the default monitor's chat calls (no response model: the answers name none). */
const chatMetric = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
};

describe('trackRequest with the OpenTelemetry SDK', () => {
  beforeEach(() => {
    otel = installOtel();
  });

  it('emits a chat span with the GenAI attributes and the two client histograms', async () => {
    const result = await monitor().trackRequest({ inputTokens: 512 }, async (req) => {
      req.setOutputTokens(128);
      return 'answer';
    });
    expect(result).toBe('answer');

    const spans = otel!.spans();
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect(span.name).toBe('chat gpt-4o');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.instrumentationScope.name).toBe('@swarmscope/telemetry-client');
    expect(span.attributes).toEqual({
      ...chatStart,
      'gen_ai.usage.input_tokens': 512,
      'gen_ai.usage.output_tokens': 128,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);

    const collected = await otel!.collectMetrics();
    const tokens = collected.get('gen_ai.client.token.usage');
    expect(tokens?.descriptor).toMatchObject({ name: 'gen_ai.client.token.usage', unit: '{token}' });
    expect(histogramPoints(tokens)).toEqual([
      { attributes: { ...chatMetric, 'gen_ai.token.type': 'input' }, count: 1, sum: 512 },
      { attributes: { ...chatMetric, 'gen_ai.token.type': 'output' }, count: 1, sum: 128 },
    ]);
    const duration = collected.get('gen_ai.client.operation.duration');
    expect(duration?.descriptor).toMatchObject({ name: 'gen_ai.client.operation.duration', unit: 's' });
    expect(histogramPoints(duration)).toEqual([{ attributes: chatMetric, count: 1, sum: expect.any(Number) }]);

    await fleet.flush();
    expect(server.accepted[0]?.metrics).toEqual({
      response_time_seconds: expect.any(Number),
      requests: 1,
      errors: 0,
      input_tokens: 512,
      output_tokens: 128,
      cost_usd: (512 * 2.5 + 128 * 10) / 1e6,
    });
  });

  it('marks a thrown exception: error.type, status ERROR, an exception event; rethrows it', async () => {
    const boom = new RangeError('boom');
    await expect(
      monitor().trackRequest({ inputTokens: 10 }, async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);

    const [span] = otel!.spans();
    expect(span.attributes).toEqual({
      ...chatStart,
      'gen_ai.usage.input_tokens': 10,
      'error.type': 'RangeError',
    });
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
    expect(
      span.events.map((event) => [
        event.name,
        event.attributes?.['exception.type'],
        event.attributes?.['exception.message'],
      ]),
    ).toEqual([['exception', 'RangeError', 'boom']]);

    const collected = await otel!.collectMetrics();
    expect(histogramPoints(collected.get('gen_ai.client.operation.duration'))).toEqual([
      { attributes: { ...chatMetric, 'error.type': 'RangeError' }, count: 1, sum: expect.any(Number) },
    ]);
    // Token usage keeps the operation's attributes, without error.type.
    expect(histogramPoints(collected.get('gen_ai.client.token.usage'))).toEqual([
      { attributes: { ...chatMetric, 'gen_ai.token.type': 'input' }, count: 1, sum: 10 },
    ]);
    await fleet.flush();
    expect(server.accepted[0]?.metrics).toMatchObject({ requests: 1, errors: 1, input_tokens: 10 });
  });

  it('req.fail(reason) marks a handled failure without throwing', async () => {
    const result = await monitor().trackRequest({}, (req) => {
      req.fail('content_filter');
      return 'refused';
    });
    expect(result).toBe('refused');
    const [span] = otel!.spans();
    expect(span.attributes['error.type']).toBe('content_filter');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'content_filter' });
    expect(span.events).toEqual([]);
    await fleet.flush();
    expect(server.accepted[0]?.metrics).toMatchObject({ requests: 1, errors: 1 });
  });

  it('names invoke_agent spans after the agent, and takes the response model, provider and model given', async () => {
    const m = monitor({ agentId: 'planner-1', name: 'Planner', model: 'claude-sonnet-4' });
    await m.trackRequest({ operation: 'invoke_agent' }, () => undefined);
    await m.trackRequest({ model: 'my-model', provider: 'aws.bedrock', inputTokens: 3 }, (req) => {
      req.setUsage({ outputTokens: 4 });
      req.setResponseModel('my-model-v2');
    });
    const [agentSpan, chatSpan] = otel!.spans();
    expect(agentSpan.name).toBe('invoke_agent Planner');
    expect(agentSpan.kind).toBe(SpanKind.INTERNAL);
    expect(agentSpan.attributes).toEqual({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.request.model': 'claude-sonnet-4',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.agent.id': 'planner-1',
      'gen_ai.agent.name': 'Planner',
    });
    expect(chatSpan.name).toBe('chat my-model');
    expect(chatSpan.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'my-model',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.agent.id': 'planner-1',
      'gen_ai.agent.name': 'Planner',
      'gen_ai.response.model': 'my-model-v2',
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 4,
    });
    const collected = await otel!.collectMetrics();
    expect(histogramPoints(collected.get('gen_ai.client.token.usage'))).toEqual([
      {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'aws.bedrock',
          'gen_ai.request.model': 'my-model',
          'gen_ai.response.model': 'my-model-v2',
          'gen_ai.token.type': 'input',
        },
        count: 1,
        sum: 3,
      },
      {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'aws.bedrock',
          'gen_ai.request.model': 'my-model',
          'gen_ai.response.model': 'my-model-v2',
          'gen_ai.token.type': 'output',
        },
        count: 1,
        sum: 4,
      },
    ]);
  });

  it('leaves the provider out when neither the options nor the price table know it', async () => {
    await monitor({ model: 'in-house-7b' }).trackRequest({}, () => undefined);
    const [span] = otel!.spans();
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'in-house-7b',
      'gen_ai.agent.id': 'a-1',
      'gen_ai.agent.name': 'a-1',
    });
  });

  it('records cache and reasoning tokens on the span and in the report, priced at the cache rates, and the conversation id', async () => {
    const m = monitor({
      model: 'cached',
      prices: {
        cached: { inputPerMillion: 3, outputPerMillion: 15, cacheReadPerMillion: 0.3, cacheWritePerMillion: 3.75 },
      },
    });
    await m.trackRequest({ conversationId: 'thread-9' }, (req) => {
      req.setUsage({
        inputTokens: 1000,
        outputTokens: 200,
        cacheReadInputTokens: 600,
        cacheCreationInputTokens: 100,
        reasoningOutputTokens: 50,
      });
    });
    const [span] = otel!.spans();
    expect(span.attributes).toMatchObject({
      'gen_ai.conversation.id': 'thread-9',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 200,
      'gen_ai.usage.cache_read.input_tokens': 600,
      'gen_ai.usage.cache_creation.input_tokens': 100,
      'gen_ai.usage.reasoning.output_tokens': 50,
    });
    await fleet.flush();
    expect(server.accepted[0]?.metrics).toMatchObject({
      cache_read_tokens: 600,
      cache_write_tokens: 100,
      reasoning_tokens: 50,
      cost_usd: (300 * 3 + 600 * 0.3 + 100 * 3.75 + 200 * 15) / 1e6,
    });
    await expect(m.trackRequest({}, (req) => req.setUsage({ cacheReadInputTokens: 1.5 }))).rejects.toThrow(
      'cacheReadInputTokens',
    );
  });

  it('gives agent invocations and tool executions durations of their own, never gen_ai.client.operation.duration', async () => {
    const m = monitor({ agentId: 'planner-1', name: 'Planner' });
    await m.trackRequest({ operation: 'invoke_agent' }, () => m.recordToolCall('search', () => 'hits'));
    await m.trackRequest({ operation: 'create_agent' }, () => undefined);
    expect(otel!.spans().map((span) => span.name)).toEqual([
      'execute_tool search',
      'invoke_agent Planner',
      'create_agent Planner',
    ]);
    const collected = await otel!.collectMetrics();
    expect(collected.get('gen_ai.client.operation.duration')).toBeUndefined();
    expect(collected.get('gen_ai.client.token.usage')).toBeUndefined();
    expect(histogramPoints(collected.get('gen_ai.invoke_agent.duration'))).toEqual([
      {
        attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.provider.name': 'openai' },
        count: 1,
        sum: expect.any(Number),
      },
    ]);
    expect(histogramPoints(collected.get('gen_ai.execute_tool.duration'))).toEqual([
      {
        attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' },
        count: 1,
        sum: expect.any(Number),
      },
    ]);
    await expect(m.trackRequest({ operation: 'execute_tool' }, () => undefined)).rejects.toThrow(
      'execute_tool spans need gen_ai.tool.name: use recordToolCall(name, fn)',
    );
  });

  it('parents tool spans to the request span that runs them', async () => {
    const m = monitor();
    await m.trackRequest({ inputTokens: 1 }, async () => {
      await m.recordToolCall('search', async () => 'hits');
    });
    const [tool, request] = otel!.spans();
    expect(tool.name).toBe('execute_tool search');
    expect(tool.kind).toBe(SpanKind.INTERNAL);
    expect(tool.attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'search',
      'gen_ai.agent.id': 'a-1',
      'gen_ai.agent.name': 'a-1',
    });
    expect(tool.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(tool.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
  });

  it('marks a failed tool call and rethrows', async () => {
    const failure = new TypeError('bad query');
    await expect(monitor().recordToolCall('search', () => Promise.reject(failure))).rejects.toBe(failure);
    const [span] = otel!.spans();
    expect(span.attributes['error.type']).toBe('TypeError');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad query' });
  });

  it('back-dates the span of a tool call recorded after the fact', async () => {
    monitor().recordToolCall('fetch_page', { durationSeconds: 1.5, error: 'timeout' });
    const [span] = otel!.spans();
    expect(span.name).toBe('execute_tool fetch_page');
    expect(span.attributes['error.type']).toBe('timeout');
    const durationSeconds = span.duration[0] + span.duration[1] / 1e9;
    // Date.now() and the SDK's clock may differ by a few milliseconds.
    expect(durationSeconds).toBeGreaterThan(1.4);
  });

  it('records nothing for spans the sampler drops, and still reports', async () => {
    await otel!.uninstall();
    otel = installOtel({ sampler: new AlwaysOffSampler() });
    const m = monitor();
    await m.trackRequest({ inputTokens: 5 }, (req) => req.setOutputTokens(6));
    expect(otel.spans()).toEqual([]);
    await fleet.flush();
    expect(server.accepted[0]?.metrics).toMatchObject({ requests: 1, input_tokens: 5, output_tokens: 6 });
  });
});

describe('trackRequest without an OpenTelemetry SDK', () => {
  it('runs, reports and gives req a non-recording span', async () => {
    const m = monitor();
    const recording = await m.trackRequest({ inputTokens: 1 }, (req) => {
      req.span.setAttribute('ignored', true);
      return req.span.isRecording();
    });
    expect(recording).toBe(false);
    await m.recordToolCall('search', () => 1);
    await fleet.flush();
    expect(server.accepted.map((r) => r.metrics)).toEqual([
      { response_time_seconds: expect.any(Number), requests: 1, errors: 0, input_tokens: 1, cost_usd: 2.5 / 1e6 },
      { tool_calls: 1, tool_errors: 0, tool_duration_seconds: expect.any(Number) },
    ]);
  });
});
