import { gzipSync } from 'node:zlib';
import Redis from 'ioredis';
import { topics, type SampleReport } from '@swarmscope/core';
import { startHarness, type Harness } from './test-support/http-harness';
import { startRedisServer } from '@swarmscope/testkit';

const WINDOW = 60_000;
const T0 = 1_732_350_000_000 - (1_732_350_000_000 % WINDOW);

const report = (agentId: string, over: Record<string, unknown> = {}) => ({
  agentId,
  timestamp: T0 + 1000,
  model: 'gpt-4o',
  pool: 'support',
  type: 'general',
  metrics: {
    response_time_seconds: 0.42,
    cpu_percent: 37.5,
    memory_bytes: 536870912,
    input_tokens: 512,
    output_tokens: 128,
    requests: 1,
    errors: 0,
  },
  quality: { accuracy: 0.93, coherence: 0.88 },
  ...over,
});

describe.each([
  ['embedded (memory)', false],
  ['distributed (redis)', true],
])('health-monitor %s', (_name, withRedis) => {
  let redis: Awaited<ReturnType<typeof startRedisServer>> | undefined;
  let h: Harness;

  beforeAll(async () => {
    if (withRedis) redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    // Each test gets a clean Redis.
    if (redis) await flushRedis(redis.url);
    h = await startHarness({ vars: { BUS_SHARDS: '4' }, redisUrl: redis?.url, clockAt: T0 });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('registers agents (201 new, 200 again), serves them, and lists with filters and pages', async () => {
    expect(
      (await h.post('/agents/a-1/register', { model: 'gpt-4o', pool: 'support', labels: { team: 'x' } })).status,
    ).toBe(201);
    const again = await h.post('/agents/a-1/register', { model: 'gpt-4o', pool: 'research' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      id: 'a-1',
      model: 'gpt-4o',
      pool: 'research',
      type: 'general',
      status: 'healthy',
    });
    for (let i = 2; i <= 5; i++) await h.post(`/agents/a-${i}/register`, { model: i % 2 ? 'llama' : 'gpt-4o' });
    const agent = await h.get('/agents/a-1');
    expect(agent.body).toMatchObject({ id: 'a-1', labels: { team: 'x' }, healthReasons: [] });

    const llama = await h.get('/agents?model=llama');
    expect(llama.body.items.map((a: { id: string }) => a.id)).toEqual(['a-3', 'a-5']);
    const first = await h.get('/agents?limit=2');
    expect(first.body.items.map((a: { id: string }) => a.id)).toEqual(['a-1', 'a-2']);
    const second = await h.get(`/agents?limit=2&cursor=${encodeURIComponent(first.body.next)}`);
    expect(second.body.items.map((a: { id: string }) => a.id)).toEqual(['a-3', 'a-4']);
    const third = await h.get(`/agents?limit=2&cursor=${encodeURIComponent(second.body.next)}`);
    expect(third.body.items.map((a: { id: string }) => a.id)).toEqual(['a-5']);
    expect(third.body.next).toBeUndefined();
  });

  it('lists agents sorted by last seen, health, status or name, a page at a time, and names a bad sort field', async () => {
    // Registered at different times: last seen T0+0 (b-1), +3 s (b-2), +1 s (b-3), +2 s (c-1).
    for (const [id, at] of [
      ['b-1', 0],
      ['b-2', 3000],
      ['b-3', 1000],
      ['c-1', 2000],
    ] as const) {
      h.clock.now = T0 + at;
      await h.post(`/agents/${id}/register`, { model: id === 'b-3' ? 'llama' : 'gpt-4o' });
    }
    const ids = (answer: { body: { items: Array<{ id: string }> } }) => answer.body.items.map((a) => a.id);
    const first = await h.get('/agents?sort=lastSeen&order=desc&limit=2');
    expect(ids(first)).toEqual(['b-2', 'c-1']);
    expect(first.body.items[0].healthReasons).toEqual([]);
    const second = await h.get(
      `/agents?sort=lastSeen&order=desc&limit=2&cursor=${encodeURIComponent(first.body.next)}`,
    );
    expect(ids(second)).toEqual(['b-3', 'b-1']);
    expect(second.body.next).toBeUndefined();
    expect(ids(await h.get('/agents?sort=lastSeen'))).toEqual(['b-1', 'b-3', 'c-1', 'b-2']);
    // Filters and the id prefix apply before the order.
    expect(ids(await h.get('/agents?sort=lastSeen&order=desc&prefix=b-&model=gpt-4o'))).toEqual(['b-2', 'b-1']);
    // Every new agent is healthy with score 1: ties, broken by id in either direction.
    expect(ids(await h.get('/agents?sort=health&order=desc'))).toEqual(['b-1', 'b-2', 'b-3', 'c-1']);
    expect(ids(await h.get('/agents?sort=status'))).toEqual(['b-1', 'b-2', 'b-3', 'c-1']);
    expect(ids(await h.get('/agents?sort=name&order=desc&limit=3'))).toEqual(['c-1', 'b-3', 'b-2']);

    const badSort = await h.get('/agents?sort=cost');
    expect(badSort.status).toBe(400);
    expect(badSort.body.error).toMatchObject({
      code: 'SWS_INVALID_FIELD',
      message: 'query.sort: must be one of name, status, health, lastSeen',
    });
    expect((await h.get('/agents?sort=health&order=up')).body.error.message).toBe(
      'query.order: must be one of asc, desc',
    );
    // A cursor of another listing (here: the last-seen order's) is refused, not misread.
    const foreign = await h.get(`/agents?sort=health&cursor=${encodeURIComponent(first.body.next)}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.message).toBe(
      'query.cursor: not a cursor of this listing (sort=health, order=asc): pass the `next` of its previous page',
    );
  });

  it('ingests a batch with partial success, puts accepted reports on the bus, and updates the summary', async () => {
    const received: SampleReport[] = [];
    const subscription = h.backends.bus.subscribe(
      topics.samples,
      { group: 'test', consumer: 'c1', startFrom: 'earliest' },
      async (messages) => {
        for (const message of messages) received.push(message.payload);
      },
    );
    const answer = await h.post('/v1/ingest', {
      reports: [
        report('a-1'),
        report('a-2', { metrics: { cpu_percent: -1 } }),
        report('a-3', { timestamp: undefined }),
        report('a-4', { agentId: 'x'.repeat(200) }),
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      accepted: 2,
      rejected: 2,
      samples: 18,
      errors: [
        { index: 1, path: 'reports.1.metrics.cpu_percent', message: 'must be ≥ 0' },
        { index: 3, path: 'reports.3.agentId', message: 'must be at most 128 characters' },
      ],
    });
    await waitFor(() => received.length === 2);
    await subscription.close();
    expect(received.map((r) => r.agentId).sort()).toEqual(['a-1', 'a-3']);
    expect(received.find((r) => r.agentId === 'a-3')!.timestamp).toBe(T0); // the server's clock

    const summary = await h.get('/fleet/summary');
    expect(summary.body.agents).toMatchObject({ total: 2, byModel: { 'gpt-4o': 2 }, byPool: { support: 2 } });
    expect(summary.body.ingest.rejectedReports).toBe(2);
    expect(summary.body.latencySeconds.samples).toBe(2);
  });

  it('closes windows on the tick and serves them as trends for the agent, its model, pool and the fleet', async () => {
    await h.post('/v1/ingest', {
      reports: [
        report('a-1'),
        report('a-1', { timestamp: T0 + 2000, metrics: { response_time_seconds: 0.8, requests: 1, errors: 1 } }),
      ],
    });
    await h.post('/v1/ingest', { reports: [report('a-1', { timestamp: T0 + WINDOW + 10 })] });
    h.clock.now = T0 + 2 * WINDOW + 6000;
    await h.running.monitor.tick();
    const trends = await h.get('/agents/a-1/trends');
    expect(trends.status).toBe(200);
    expect(trends.body.windows).toHaveLength(2);
    expect(trends.body.windows[0]).toMatchObject({ start: T0, count: 2, errors: 1, errorRate: 0.5 });
    expect(trends.body.windows[1]).toMatchObject({ start: T0 + WINDOW, count: 1 });
    expect(trends.body.trend.requestsPerHour).toBeLessThan(0);
    for (const path of ['/windows/model/gpt-4o', '/windows/pool/support', '/windows/fleet/all']) {
      expect((await h.get(path)).body.windows.map((w: { count: number }) => w.count)).toEqual([2, 1]);
    }
    const ranged = await h.get(`/agents/a-1/trends?from=${T0 + 1}&to=${T0 + 2 * WINDOW}`);
    expect(ranged.body.windows).toHaveLength(1);
  });

  it('marks a silent agent unresponsive after AGENT_TIMEOUT and writes it to the registry', async () => {
    await h.post('/v1/ingest', { reports: [report('a-1', { timestamp: T0 })] });
    h.clock.now = T0 + 31_000;
    await h.running.monitor.tick();
    expect((await h.get('/agents?status=unresponsive')).body.items.map((a: { id: string }) => a.id)).toEqual(['a-1']);
    expect((await h.get('/fleet/summary')).body.agents.byStatus.unresponsive).toBe(1);
  });

  it('keeps the interaction graph from reported edges (partial success), serves it over a window, and puts edges on the bus', async () => {
    const received: string[] = [];
    const subscription = h.backends.bus.subscribe(
      topics.interactions,
      { group: 'graph-test', consumer: 'c1', startFrom: 'earliest' },
      async (messages) => {
        for (const message of messages) received.push(`${message.payload.from}>${message.payload.to}`);
      },
    );
    const edge = (from: string, to: string, over: Record<string, unknown> = {}) => ({
      from,
      to,
      kind: 'delegation',
      outcome: 'success',
      latencySeconds: 0.5,
      timestamp: T0 + 1000,
      ...over,
    });
    const answer = await h.post('/v1/interactions', {
      interactions: [
        edge('planner', 'worker-1', { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' }),
        edge('planner', 'worker-1', { outcome: 'error', latencySeconds: 1.5 }),
        edge('planner', 'worker-2', { kind: 'message' }),
        edge('planner', 'worker-3', { kind: 'gossip' }),
        edge('planner', 'worker-4', { traceId: 'nope' }),
      ],
    });
    expect(answer.body).toEqual({
      accepted: 3,
      rejected: 2,
      errors: [
        { index: 3, path: 'interactions.3.kind', message: 'must be one of delegation, message, tool_handoff' },
        { index: 4, path: 'interactions.4.traceId', message: 'must be 32 lowercase hex digits (a W3C trace id)' },
      ],
    });
    await waitFor(() => received.length === 3);
    // Nothing kept: a 400 naming every refused field, not a 200 with accepted 0; nothing reaches the bus.
    const refused = await h.post('/v1/interactions', {
      interactions: [edge('planner', 'worker-5', { kind: 'gossip' }), edge('planner', 'worker-6', { traceId: 'x' })],
    });
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: 400,
      body: {
        error: {
          code: 'SWS_INVALID_FIELD',
          message: 'interactions.0.kind: must be one of delegation, message, tool_handoff',
          issues: [
            { path: 'interactions.0.kind', message: 'must be one of delegation, message, tool_handoff' },
            { path: 'interactions.1.traceId', message: 'must be 32 lowercase hex digits (a W3C trace id)' },
          ],
        },
      },
    });
    expect(received).toHaveLength(3);
    await subscription.close();

    const open = await h.get('/graph');
    expect(open.body.edges).toEqual([
      {
        from: 'planner',
        to: 'worker-1',
        kind: 'delegation',
        count: 2,
        errors: 1,
        errorRate: 0.5,
        meanLatencySeconds: 1,
      },
      { from: 'planner', to: 'worker-2', kind: 'message', count: 1, errors: 0, errorRate: 0, meanLatencySeconds: 0.5 },
    ]);
    expect(open.body.nodes.find((n: { id: string }) => n.id === 'planner')).toEqual({
      id: 'planner',
      outDegree: 2,
      inDegree: 0,
      interactions: 3,
    });
    // Closed and stored: the same graph from the store, and filtered by kind.
    h.clock.now = T0 + WINDOW + 6000;
    await h.running.monitor.tick();
    expect((await h.get('/graph')).body.edges).toHaveLength(2);
    expect((await h.get('/graph?kind=message')).body.edges.map((e: { to: string }) => e.to)).toEqual(['worker-2']);
    expect((await h.get(`/graph?from=${T0 + WINDOW}`)).body.edges).toEqual([]);
    expect((await h.get('/graph?kind=gossip')).status).toBe(400);
    expect((await h.get('/graph?from=5&to=1')).body.error.message).toBe('query.from: must not be after query.to');
  });

  it('accepts the seed path POST /agents/:id/metrics for a registered agent, 404 for an unknown one', async () => {
    await h.post('/agents/a-1/register', { model: 'gpt-4o' });
    const ok = await h.post('/agents/a-1/metrics', {
      metrics: { response_time_seconds: 1.5, requests: 1 },
      quality: { accuracy: 0.7 },
    });
    expect({ status: ok.status, body: ok.body }).toEqual({ status: 200, body: { accepted: 1, samples: 3 } });
    const unknown = await h.post('/agents/nobody/metrics', { metrics: { requests: 1 } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toEqual({ code: 'SWS_NOT_FOUND', message: 'agent "nobody" is not registered' });
    const bad = await h.post('/agents/a-1/metrics', { metrics: { errors: 'many' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('metrics.errors: must be a number');
  });

  it("counts tool calls, errors and time by tool and pool from the reports' tools, which travel the bus with them", async () => {
    const received: SampleReport[] = [];
    const subscription = h.backends.bus.subscribe(
      topics.samples,
      { group: 'test', consumer: 'c1', startFrom: 'earliest' },
      async (messages) => {
        for (const message of messages) received.push(message.payload);
      },
    );
    const answer = await h.post('/v1/ingest', {
      reports: [
        report('t-1', {
          tools: {
            web_search: { calls: 2, errors: 1, durationSeconds: 0.5 },
            sql_query: { calls: 1, durationSeconds: 0.25 },
          },
        }),
        report('t-2', { tools: { web_search: { calls: 3, durationSeconds: 1.5 } } }),
        report('t-3', { pool: 'billing', tools: { web_search: { calls: 1, errors: 1 } } }),
        report('t-4', { tools: { web_search: { calls: 1, errors: 2 } } }),
      ],
    });
    expect(answer.body).toMatchObject({
      accepted: 3,
      rejected: 1,
      errors: [{ index: 3, path: 'reports.3.tools.web_search.errors', message: 'must not exceed calls (1)' }],
    });
    // Tool usage is a breakdown of tool_calls, not samples: 9 per report as without it.
    expect(answer.body.samples).toBe(27);
    const text = (await h.get('/metrics')).body as string;
    const at = (name: string, tool: string, pool: string) => counterValue(text, name, { tool, pool });
    expect([
      at('swarmscope_agent_tool_calls_total', 'web_search', 'support'),
      at('swarmscope_agent_tool_errors_total', 'web_search', 'support'),
      at('swarmscope_agent_tool_duration_seconds_total', 'web_search', 'support'),
    ]).toEqual([5, 1, 2]);
    expect([
      at('swarmscope_agent_tool_calls_total', 'sql_query', 'support'),
      at('swarmscope_agent_tool_errors_total', 'sql_query', 'support'),
    ]).toEqual([1, 0]);
    // The errors series exists at 0 for a tool that has calls, so its error ratio is 0, not missing.
    expect(text).toMatch(
      /swarmscope_agent_tool_errors_total\{tool="sql_query",pool="support",service="health-monitor"\} 0/,
    );
    expect([
      at('swarmscope_agent_tool_calls_total', 'web_search', 'billing'),
      at('swarmscope_agent_tool_errors_total', 'web_search', 'billing'),
    ]).toEqual([1, 1]);
    expect(text).toMatch(/swarmscope_agent_tool_names\{service="health-monitor"\} 2/);
    await waitFor(() => received.length === 3);
    await subscription.close();
    expect(received.find((r) => r.agentId === 't-2')!.tools).toEqual({
      web_search: { calls: 3, durationSeconds: 1.5 },
    });
  });
});

describe('health-monitor bad input', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ vars: { BODY_LIMIT_BYTES: '4096', MAX_BATCH_REPORTS: '5' }, clockAt: T0 });
    expect((await h.post('/v1/ingest', { reports: [report('kept-1'), report('kept-2')] })).body.accepted).toBe(2);
  });
  afterAll(async () => {
    await h.stop();
  });

  it.each([
    ['malformed JSON', '{"reports": [', 400, 'SWS_MALFORMED_JSON', /^body: not valid JSON/],
    ['a body that is not a batch', '[1,2]', 400, 'SWS_INVALID_FIELD', /^body: must be an object/],
    ['reports of the wrong type', '{"reports": 3}', 400, 'SWS_INVALID_FIELD', /^reports: must be an array/],
    [
      'too many reports',
      JSON.stringify({ reports: Array.from({ length: 6 }, () => ({ agentId: 'a' })) }),
      413,
      'SWS_BATCH_TOO_LARGE',
      /limit is 5/,
    ],
    [
      'a body over the limit',
      JSON.stringify({ reports: [{ agentId: 'a', labels: { big: 'x'.repeat(5000) } }] }),
      413,
      'SWS_BODY_TOO_LARGE',
      /limit of 4096 bytes/,
    ],
  ])('refuses %s with a clear 4xx', async (_name, body, status, code, message) => {
    const answer = await h.post('/v1/ingest', body);
    expect(answer.status).toBe(status);
    expect(answer.body.error.code).toBe(code);
    expect(answer.body.error.message).toMatch(message);
  });

  it('counts every refused ingest body by code, malformed JSON included, and keeps serving', async () => {
    const refused = async (code: string) =>
      counterValue((await h.get('/metrics')).body as string, 'swarmscope_ingest_rejected_batches_total', { code });
    const before = {
      malformed: await refused('SWS_MALFORMED_JSON'),
      large: await refused('SWS_BODY_TOO_LARGE'),
      invalid: await refused('SWS_INVALID_FIELD'),
    };

    const malformed = await h.post('/v1/ingest', '{"reports": [{"agentId": "a-1",');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({
      code: 'SWS_MALFORMED_JSON',
      message: expect.stringMatching(/^body: not valid JSON \(.+\)$/),
    });
    const seedPath = await h.post('/agents/kept-1/metrics', 'metrics=1');
    expect(seedPath.status).toBe(400);
    expect(seedPath.body.error.code).toBe('SWS_MALFORMED_JSON');
    expect(
      (await h.post('/v1/ingest', JSON.stringify({ reports: [{ agentId: 'a', labels: { big: 'x'.repeat(5000) } }] })))
        .status,
    ).toBe(413);
    expect((await h.post('/v1/ingest', { reports: 'none' })).status).toBe(400);

    expect(await refused('SWS_MALFORMED_JSON')).toBe(before.malformed + 2);
    expect(await refused('SWS_BODY_TOO_LARGE')).toBe(before.large + 1);
    expect(await refused('SWS_INVALID_FIELD')).toBe(before.invalid + 1);
    // Still serving: the next good batch is accepted and counted as reports, not as a refusal.
    expect((await h.post('/v1/ingest', { reports: [report('after-bad')] })).body).toMatchObject({
      accepted: 1,
      rejected: 0,
    });
    expect(await refused('SWS_MALFORMED_JSON')).toBe(before.malformed + 2);
    expect((await h.get('/agents/after-bad')).status).toBe(200);
  });

  it('counts requests and errors by model and pool from the reports (a response time alone is one request)', async () => {
    const series = { model: 'claude-sonnet', pool: 'billing' };
    const answer = await h.post('/v1/ingest', {
      reports: [
        report('r-1', { ...series, metrics: { requests: 4, errors: 1, response_time_seconds: 0.3 } }),
        report('r-2', { ...series, metrics: { response_time_seconds: 0.2 } }),
        report('r-3', { ...series, metrics: { cpu_percent: 10 } }), // a heartbeat: no request
        // Another series in the same batch: the batch's totals are kept apart by model and pool.
        report('r-4', {
          model: 'claude-sonnet',
          pool: 'refunds',
          metrics: { requests: 2, input_tokens: 70, output_tokens: 5, cost_usd: 0.25 },
        }),
        report('r-5', { ...series, metrics: { requests: 1, input_tokens: 30, response_time_seconds: 0.5 } }),
      ],
    });
    expect(answer.body).toMatchObject({ accepted: 5, rejected: 0 });
    const text = (await h.get('/metrics')).body as string;
    expect(counterValue(text, 'swarmscope_agent_requests_total', series)).toBe(6);
    expect(counterValue(text, 'swarmscope_agent_errors_total', series)).toBe(1);
    expect(counterValue(text, 'swarmscope_agent_response_time_seconds_count', series)).toBe(3);
    expect(counterValue(text, 'swarmscope_agent_response_time_seconds_sum', series)).toBeCloseTo(1.0, 9);
    expect(counterValue(text, 'swarmscope_gen_ai_tokens_total', { ...series, direction: 'input' })).toBe(30);
    const refunds = { model: 'claude-sonnet', pool: 'refunds' };
    expect(counterValue(text, 'swarmscope_agent_requests_total', refunds)).toBe(2);
    expect(counterValue(text, 'swarmscope_agent_errors_total', refunds)).toBe(0);
    expect(counterValue(text, 'swarmscope_gen_ai_tokens_total', { ...refunds, direction: 'input' })).toBe(70);
    expect(counterValue(text, 'swarmscope_gen_ai_tokens_total', { ...refunds, direction: 'output' })).toBe(5);
    expect(counterValue(text, 'swarmscope_cost_usd_total', refunds)).toBe(0.25);
    // A model and pool that served without errors has an error series at 0, so its error ratio is 0, not missing.
    expect(counterValue(text, 'swarmscope_agent_errors_total', { model: 'gpt-4o', pool: 'support' })).toBe(0);
  });

  it('serves /metrics as OpenMetrics to a scraper that asks for it (Prometheus does), as text 0.0.4 otherwise', async () => {
    const prometheusAccept =
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    const open = await fetch(`${h.url}/metrics`, { headers: { accept: prometheusAccept } });
    expect(open.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(open.headers.get('vary')).toMatch(/Accept/i);
    const openText = await open.text();
    expect(openText.endsWith('# EOF\n')).toBe(true);
    expect(openText).toMatch(/^# TYPE swarmscope_ingest_reports counter$/m);
    expect(openText).toMatch(/^swarmscope_ingest_reports_total\{service="health-monitor"\} \d+$/m);
    for (const accept of [undefined, 'text/plain', '*/*']) {
      const plain = await fetch(`${h.url}/metrics`, accept ? { headers: { accept } } : {});
      expect(plain.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = await plain.text();
      expect(text).toMatch(/^# TYPE swarmscope_ingest_reports_total counter$/m);
      expect(text).not.toContain('# EOF');
    }
  });

  it('refuses bad register and list requests naming the field', async () => {
    const noModel = await h.post('/agents/a-1/register', {});
    expect(noModel.status).toBe(400);
    expect(noModel.body.error.issues[0].path).toBe('model');
    const badId = await h.post(`/agents/${'y'.repeat(200)}/register`, { model: 'm' });
    expect(badId.body.error.message).toBe('params.id: must be at most 128 characters');
    const badStatus = await h.get('/agents?status=sleepy');
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.message).toMatch(/^query.status: must be one of healthy/);
    expect((await h.get('/agents?limit=0')).body.error.message).toBe('query.limit: must be ≥ 1');
    expect((await h.get('/agents/nobody')).status).toBe(404);
    expect((await h.get('/windows/galaxy/x')).body.error.message).toMatch(/^params.kind/);
  });

  it('accepts gzip bodies', async () => {
    const answer = await h.post('/v1/ingest', gzipSync(JSON.stringify({ reports: [report('zipped')] })), {
      'content-encoding': 'gzip',
    });
    expect(answer.body).toMatchObject({ accepted: 1, rejected: 0 });
  });

  it('keeps serving and loses nothing accepted before the bad input', async () => {
    const agents = await h.get('/agents');
    expect(agents.body.items.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(['kept-1', 'kept-2']));
    expect((await h.get('/healthz')).status).toBe(200);
  });

  it('counts refusals by reason in /metrics, without per-agent series', async () => {
    await h.post('/v1/ingest', { reports: [report('m-1'), report('m-2', { timestamp: 0 })] });
    const metrics = (await h.get('/metrics')).body as string;
    expect(metrics).toMatch(
      /swarmscope_ingest_rejected_reports_total\{reason="timestamp_out_of_range",service="health-monitor"\} 1/,
    );
    expect(metrics).toMatch(
      /swarmscope_agents\{status="healthy",model="gpt-4o",pool="support",service="health-monitor"\} \d+/,
    );
    expect(metrics).toMatch(
      /swarmscope_gen_ai_tokens_total\{model="gpt-4o",pool="support",direction="input",service="health-monitor"\} \d+/,
    );
    expect(metrics).toMatch(
      /http_server_request_duration_seconds_count\{[^}]*method="POST",route="\/v1\/ingest",status_code="200"/,
    );
    expect(metrics).not.toMatch(/m-1/);
  });
});

describe('health-monitor API keys', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ vars: { API_KEYS: 'key-one, key-two' }, clockAt: T0 });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('needs a key on writes: 401 without, 403 with a wrong one, 200 with a right one; reads stay open', async () => {
    const body = { reports: [report('a')] };
    const none = await h.post('/v1/ingest', body);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('SWS_UNAUTHORIZED');
    const wrong = await h.post('/v1/ingest', body, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('SWS_FORBIDDEN');
    expect((await h.post('/v1/ingest', body, { authorization: 'Bearer key-two' })).status).toBe(200);
    expect((await h.post('/agents/b/register', { model: 'm' }, { authorization: 'Basic a2V5LW9uZQ==' })).status).toBe(
      401,
    );
    expect((await h.get('/agents')).status).toBe(200);
  });
});

describe('health-monitor scoped API keys', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ vars: { API_KEYS: 'ingest:agents-key,read:dash-key' }, clockAt: T0 });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('takes every write path with an ingest key, refuses a read key there, and guards reads once a read key exists', async () => {
    const ingest = { authorization: 'Bearer agents-key' };
    expect((await h.post('/v1/ingest', { reports: [report('s-1')] }, ingest)).status).toBe(200);
    expect((await h.post('/agents/s-2/register', { model: 'm' }, ingest)).status).toBe(201);
    expect(
      (await h.post('/agents/s-2/metrics', { timestamp: T0 + 1000, metrics: { requests: 1 } }, ingest)).status,
    ).toBe(200);
    const edge = {
      from: 's-1',
      to: 's-2',
      kind: 'delegation',
      outcome: 'success',
      latencySeconds: 0.1,
      timestamp: T0 + 1000,
    };
    expect((await h.post('/v1/interactions', { interactions: [edge] }, ingest)).status).toBe(200);
    const readKey = await h.post('/v1/ingest', { reports: [report('s-3')] }, { authorization: 'Bearer dash-key' });
    expect(readKey.status).toBe(403);
    expect(readKey.body.error.message).toContain('scope ingest');
    expect((await h.get('/agents')).status).toBe(401);
    expect((await fetch(`${h.url}/agents`, { headers: { authorization: 'Bearer dash-key' } })).status).toBe(200);
    expect((await h.get('/healthz')).status).toBe(200);
  });
});

describe('health-monitor custom series per agent', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ vars: { MAX_CUSTOM_SERIES_PER_AGENT: '2' }, clockAt: T0 });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('refuses a report that brings a custom name past the limit, naming it; standard names and known ones pass', async () => {
    const custom = (agentId: string, metrics: Record<string, number>, quality: Record<string, number> = {}) => ({
      ...report(agentId),
      metrics,
      quality,
    });
    const first = await h.post('/v1/ingest', {
      reports: [custom('c-1', { requests: 1, queue_depth: 3 }, { politeness: 0.9 })],
    });
    expect(first.body).toMatchObject({ accepted: 1, rejected: 0 });
    const second = await h.post('/v1/ingest', {
      reports: [
        custom('c-1', { queue_depth: 4, cache_hits: 2 }),
        custom('c-1', { queue_depth: 5, requests: 2 }),
        custom('c-2', { cache_hits: 1 }),
      ],
    });
    expect(second.body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(second.body.errors).toEqual([
      {
        index: 0,
        path: 'reports.0.metrics.cache_hits',
        message: "a new series past the agent's limit of 2 custom series (MAX_CUSTOM_SERIES_PER_AGENT)",
      },
    ]);
    await h.post('/agents/c-3/register', { model: 'm' });
    const single = await h.post('/agents/c-3/metrics', {
      timestamp: T0 + 1000,
      metrics: { a_1: 1, a_2: 2 },
      quality: { a_3: 0.5 },
    });
    expect(single.status).toBe(400);
    expect(single.body.error).toMatchObject({ code: 'SWS_INVALID_FIELD', issues: [{ path: 'quality.a_3' }] });
    expect((await h.get('/metrics')).body).toMatch(
      /swarmscope_ingest_rejected_reports_total\{reason="series_limit",service="health-monitor"\} 1/,
    );
  });
});

describe('health-monitor tool names past MAX_TOOL_NAMES', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ vars: { MAX_TOOL_NAMES: '2' }, clockAt: T0 });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('keeps the first names as series and adds the later ones up under tool="_OTHER", counting them', async () => {
    const calls = (agentId: string, ...names: string[]) =>
      report(agentId, {
        tools: Object.fromEntries(names.map((name) => [name, { calls: 1, errors: 0, durationSeconds: 0.1 }])),
      });
    await h.post('/v1/ingest', {
      reports: [calls('o-1', 'alpha', 'beta'), calls('o-2', 'gamma'), calls('o-3', 'alpha', 'delta', 'epsilon')],
    });
    await h.post('/agents/o-1/metrics', {
      timestamp: T0 + 1000,
      metrics: { tool_calls: 1 },
      tools: { zeta: { calls: 4, errors: 1 } },
    });
    const text = (await h.get('/metrics')).body as string;
    const tools = [
      ...text.matchAll(/^swarmscope_agent_tool_calls_total\{tool="([^"]+)",pool="support"[^}]*\} (\S+)$/gm),
    ].map((m) => [m[1], Number(m[2])]);
    expect(tools).toEqual([
      ['alpha', 2],
      ['beta', 1],
      ['_OTHER', 7],
    ]);
    expect(counterValue(text, 'swarmscope_agent_tool_errors_total', { tool: '_OTHER' })).toBe(1);
    expect(text).toMatch(/^swarmscope_agent_tool_names_overflowed_total\{service="health-monitor"\} 4$/m);
    expect(text).toMatch(/^swarmscope_agent_tool_names\{service="health-monitor"\} 2$/m);
  });

  it('refuses bad tools on the seed path with a 400 naming the field', async () => {
    await h.post('/agents/s-1/register', { model: 'm' });
    const bad = await h.post('/agents/s-1/metrics', { timestamp: T0 + 1000, tools: { search: { calls: -1 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: 'SWS_INVALID_FIELD',
      issues: [{ path: 'tools.search.calls', message: 'must be a whole number ≥ 0' }],
    });
    const many = await h.post('/agents/s-1/metrics', {
      timestamp: T0 + 1000,
      tools: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`t${i}`, { calls: 1 }])),
    });
    expect(many.status).toBe(400);
    expect(many.body.error.issues).toEqual([{ path: 'tools', message: 'at most 32 tools per report, got 33' }]);
  });
});

describe('health-monitor when Redis goes away', () => {
  it('reports not ready and refuses ingest with 503 (nothing acknowledged that the bus did not take), then recovers', async () => {
    const redis = await startRedisServer();
    const h = await startHarness({ redisUrl: redis.url, clockAt: T0 });
    try {
      expect((await h.post('/v1/ingest', { reports: [report('before')] })).status).toBe(200);
      expect((await h.get('/readyz')).status).toBe(200);
      await redis.stop();
      const ready = await h.get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.some((c: { ok: boolean }) => !c.ok)).toBe(true);
      const refused = await h.post('/v1/ingest', { reports: [report('during')] });
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('SWS_UNAVAILABLE');
      expect(
        counterValue((await h.get('/metrics')).body as string, 'swarmscope_ingest_rejected_batches_total', {
          code: 'SWS_UNAVAILABLE',
        }),
      ).toBe(1);
      expect((await h.get('/fleet/summary')).body.agents.total).toBe(1); // 'during' was not applied
      expect((await h.get('/healthz')).status).toBe(200); // the process keeps serving
    } finally {
      await h.stop().catch(() => {});
    }
  });
});

/** The value of one series in a text exposition (0 when absent): `labels` must all match, others may be present. */
function counterValue(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return 0;
}

async function flushRedis(url: string): Promise<void> {
  const client = new Redis(url);
  await client.flushall();
  client.disconnect();
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
