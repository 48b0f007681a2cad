import { Pricing } from '@swarmscope/telemetry-client';
import { DEFAULT_IDENTITY, identityRules } from './identity';
import { SpanIndex } from './span-index';
import { mapSpans, type PendingEdge, type SpanMappingOptions } from './span-mapping';

type Value = string | number | boolean;
const kv = (attributes: Record<string, Value>) =>
  Object.entries(attributes).map(([key, value]) => ({
    key,
    value:
      typeof value === 'string'
        ? { stringValue: value }
        : typeof value === 'boolean'
          ? { boolValue: value }
          : Number.isInteger(value)
            ? { intValue: String(value) }
            : { doubleValue: value },
  }));

let ids = 0;
const id = () => (++ids).toString(16).padStart(16, '0');
const TRACE = 'aa'.repeat(16);

interface SpanSpec {
  spanId?: string;
  parent?: string;
  kind?: number;
  startMs?: number;
  endMs?: number;
  error?: boolean;
  attributes: Record<string, Value>;
}

/** An OTLP/JSON export request of one resource. */
function request(resource: Record<string, Value>, spans: SpanSpec[]) {
  return {
    resourceSpans: [
      {
        resource: { attributes: kv(resource) },
        scopeSpans: [
          {
            spans: spans.map((s) => ({
              traceId: TRACE,
              spanId: s.spanId ?? id(),
              ...(s.parent ? { parentSpanId: s.parent } : {}),
              name: 'span',
              kind: s.kind ?? 1,
              startTimeUnixNano: String((s.startMs ?? 1_000) * 1e6),
              endTimeUnixNano: String((s.endMs ?? 1_500) * 1e6),
              attributes: kv(s.attributes),
              ...(s.error ? { status: { code: 2 } } : {}),
            })),
          },
        ],
      },
    ],
  };
}

function options(index = new SpanIndex<PendingEdge>(1000, 60_000), now = 10_000): SpanMappingOptions {
  return {
    rules: identityRules(DEFAULT_IDENTITY),
    requestOperations: new Set(['chat', 'text_completion', 'generate_content']),
    pricing: new Pricing({
      'cached-model': { inputPerMillion: 2, outputPerMillion: 8, cacheReadPerMillion: 0.5, cacheWritePerMillion: 2.5 },
    }),
    index,
    now,
  };
}

describe('mapSpans', () => {
  it('makes a chat span a request: latency, tokens of every kind, error, and cost with cache prices', () => {
    const mapped = mapSpans(
      request({ 'service.name': 'svc' }, [
        {
          startMs: 1000,
          endMs: 3500,
          error: true,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.agent.id': 'a-1',
            'gen_ai.request.model': 'cached-model',
            'gen_ai.usage.input_tokens': 1000,
            'gen_ai.usage.output_tokens': 100,
            'gen_ai.usage.cache_read.input_tokens': 600,
            'gen_ai.usage.cache_creation.input_tokens': 200,
            'gen_ai.usage.reasoning.output_tokens': 40,
          },
        },
      ]),
      options(),
    );
    expect(mapped.reports).toEqual([
      {
        agentId: 'a-1',
        timestamp: 3500,
        pool: 'svc',
        model: 'cached-model',
        metrics: {
          response_time_seconds: 2.5,
          requests: 1,
          errors: 1,
          input_tokens: 1000,
          output_tokens: 100,
          cache_read_tokens: 600,
          cache_write_tokens: 200,
          reasoning_tokens: 40,
          cost_usd: (200 * 2 + 600 * 0.5 + 200 * 2.5 + 100 * 8) / 1e6,
        },
      },
    ]);
    expect(mapped.rejected).toBe(0);
  });

  it('reads the pre-1.27 token names and a cost the span carries, which wins over the table', () => {
    const [report] = mapSpans(
      request({ 'service.name': 'svc' }, [
        {
          attributes: {
            'gen_ai.operation.name': 'text_completion',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.usage.prompt_tokens': 10,
            'gen_ai.usage.completion_tokens': 5,
            'gen_ai.usage.cost': 0.25,
          },
        },
      ]),
      options(),
    ).reports;
    expect(report!.metrics).toMatchObject({ input_tokens: 10, output_tokens: 5, cost_usd: 0.25 });
  });

  it('makes execute_tool spans tool usage (their name is required) and other GenAI spans one heartbeat per agent', () => {
    const mapped = mapSpans(
      request({ 'service.name': 'svc', 'swarmscope.pool': 'tools' }, [
        {
          startMs: 0,
          endMs: 400,
          attributes: {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': 'search',
            'gen_ai.agent.id': 'a-2',
          },
        },
        { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.agent.id': 'a-2' } },
        { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.id': 'a-3' } },
        { attributes: { 'gen_ai.operation.name': 'create_agent', 'gen_ai.agent.id': 'a-3' } },
      ]),
      options(),
    );
    expect(mapped.reports).toEqual([
      {
        agentId: 'a-2',
        timestamp: 400,
        pool: 'tools',
        metrics: { tool_calls: 1, tool_errors: 0, tool_duration_seconds: 0.4 },
        tools: { search: { calls: 1, errors: 0, durationSeconds: 0.4 } },
      },
      { agentId: 'a-3', timestamp: 1500, pool: 'tools', metrics: { requests: 0 } },
    ]);
    expect(mapped.spanReports).toBe(1);
    expect(mapped.rejected).toBe(1);
    expect(mapped.problems[0]).toContain('gen_ai.tool.name is required on execute_tool spans');
  });

  it('finds the caller of a span that arrives before its ancestor, in a later request, and makes one edge', () => {
    const index = new SpanIndex<PendingEdge>(1000, 60_000);
    const root = id();
    const hop = id();
    // The callee's process first: its agent span under an HTTP hop of the caller's process, not yet seen.
    const first = mapSpans(
      request({ 'service.name': 'b-svc' }, [
        { parent: hop, endMs: 1400, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.id': 'b' } },
      ]),
      options(index, 10_000),
    );
    expect(first.interactions).toEqual([]);
    expect(index.waitingSize).toBe(1);
    const second = mapSpans(
      request({ 'service.name': 'a-svc' }, [
        { spanId: hop, parent: root, attributes: { 'http.request.method': 'POST' } },
        { spanId: root, endMs: 2000, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.id': 'a' } },
      ]),
      options(index, 11_000),
    );
    expect(second.interactions).toEqual([
      {
        from: 'a',
        to: 'b',
        kind: 'delegation',
        outcome: 'success',
        latencySeconds: 0.4,
        timestamp: 1400,
        traceId: TRACE,
        spanId: expect.any(String),
      },
    ]);
    expect(index.waitingSize).toBe(0);
  });

  it('takes the edge from a CLIENT invoke_agent span (caller named, or found above) and none from its callee', () => {
    const index = new SpanIndex<PendingEdge>(1000, 60_000);
    const call = id();
    const mapped = mapSpans(
      request({ 'service.name': 'svc' }, [
        {
          spanId: call,
          kind: 3,
          error: true,
          attributes: {
            'gen_ai.operation.name': 'invoke_agent',
            'gen_ai.agent.id': 'callee',
            'swarmscope.caller.agent.id': 'caller',
            'swarmscope.interaction.kind': 'tool_handoff',
          },
        },
        { parent: call, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.id': 'callee' } },
      ]),
      options(index),
    );
    expect(mapped.interactions.map((e) => [e.from, e.to, e.kind, e.outcome])).toEqual([
      ['caller', 'callee', 'tool_handoff', 'error'],
    ]);
  });

  it('sees no edge between an agent and a span its own process names by its resource alone (an instrumented client inside it)', () => {
    const index = new SpanIndex<PendingEdge>(1000, 60_000);
    const root = id();
    const mapped = mapSpans(
      request({ 'service.name': 'bot', 'service.instance.id': 'bot-1' }, [
        { spanId: root, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.id': 'bot-agent' } },
        { parent: root, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' } },
      ]),
      options(index),
    );
    expect(mapped.interactions).toEqual([]);
    expect(mapped.reports.map((r) => r.agentId)).toEqual(['bot-1', 'bot-agent']);
  });

  it('throws a 400 for a request that is not an export request, and rejects only the span with a bad field', () => {
    expect(() => mapSpans([], options())).toThrow('body: must be an OTLP export request object');
    expect(() => mapSpans({ resourceSpans: [{ scopeSpans: {} }] }, options())).toThrow(
      'resourceSpans.0.scopeSpans: must be an array',
    );
    const mapped = mapSpans(
      request({ 'service.name': 'svc' }, [
        { startMs: 2000, endMs: 1000, attributes: { 'gen_ai.operation.name': 'chat' } },
      ]),
      options(),
    );
    expect(mapped).toMatchObject({ rejected: 1, reports: [] });
    expect(mapped.problems[0]).toContain('endTimeUnixNano: is before startTimeUnixNano');
  });
});
