import { Type } from 'protobufjs';
import { ExportMetricsServiceRequest, ExportMetricsServiceResponse, ExportTraceServiceRequest } from './otlp-proto';
import { startHarness, T0, type Harness } from './test-support/otlp-harness';
import { startRedisServer } from '@swarmscope/testkit';

/** google.rpc.Status as an exporter decodes it. */
const RpcStatus = Type.fromJSON('Status', {
  fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } },
});

const chatSpan = (i: number) => ({
  traceId: Buffer.alloc(16, 3),
  spanId: Buffer.alloc(8, i + 1),
  name: 'chat',
  kind: 3,
  startTimeUnixNano: String((T0 + 2000) * 1e6),
  endTimeUnixNano: String((T0 + 2200) * 1e6),
  attributes: [
    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
    { key: 'gen_ai.agent.id', value: { stringValue: `agent-${i}` } },
  ],
});
const traces = (spans: unknown[]) =>
  Buffer.from(ExportTraceServiceRequest.encode({ resourceSpans: [{ scopeSpans: [{ spans }] }] } as never).finish());

describe('OTLP refusals exporters act on', () => {
  let h: Harness;
  afterEach(async () => {
    await h.stop();
  });

  it('answers 429 with Retry-After and a protobuf Status once the ingest key is over its rate', async () => {
    h = await startHarness({
      API_KEYS: 'ingest:otlp-key',
      RATE_LIMIT_INGEST_PER_SECOND: '0.001',
      RATE_LIMIT_INGEST_BURST: '1',
    });
    const post = (key?: string) =>
      fetch(`${h.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: traces([chatSpan(0)]),
      });
    expect((await post()).status).toBe(401);
    expect((await post('otlp-key')).status).toBe(200);
    const limited = await post('otlp-key');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('content-type')).toContain('application/x-protobuf');
    const status = RpcStatus.toObject(RpcStatus.decode(new Uint8Array(await limited.arrayBuffer()))) as {
      code: number;
      message: string;
    };
    expect(status).toMatchObject({ code: 8 });
    expect(status.message).toContain('SWS_RATE_LIMITED');
  });

  it('answers 503 with Retry-After when the bus (Redis) is gone, and keeps nothing it did not hand over', async () => {
    const redis = await startRedisServer();
    h = await startHarness({ REDIS_URL: redis.url });
    const body = (agent: string) =>
      JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: '5b8efff798038103d269b633813fc60c',
                    spanId: 'eee19b7ec3c1b174',
                    name: 'chat',
                    kind: 3,
                    startTimeUnixNano: String((T0 + 2000) * 1e6),
                    endTimeUnixNano: String((T0 + 2100) * 1e6),
                    attributes: [
                      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                      { key: 'gen_ai.agent.id', value: { stringValue: agent } },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      });
    const post = (agent: string) =>
      fetch(`${h.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body(agent),
      });
    try {
      expect((await post('before')).status).toBe(200);
      await redis.stop();
      const answer = await post('during');
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect((await answer.json()) as { code: number; message: string }).toMatchObject({
        code: 14,
        message: expect.stringContaining('SWS_UNAVAILABLE'),
      });
      expect(h.running.monitor.fleet.agents.has('during')).toBe(false);
    } finally {
      await redis.stop();
    }
  });

  it('serves the same receiver on OTLP_PORT', async () => {
    h = await startHarness({ OTLP_PORT: '0' });
    const second = h.running.otlpServer!;
    expect(second.url).not.toBe(h.url);
    const answer = await fetch(`${second.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: traces([chatSpan(2)]),
    });
    expect(answer.status).toBe(200);
    expect(h.running.monitor.fleet.agents.has('agent-2')).toBe(true);
  });

  it('counts metric points with no agent identity as rejected data points', async () => {
    h = await startHarness();
    const point = (attributes: unknown[]) => ({
      attributes,
      startTimeUnixNano: String(T0 * 1e6),
      timeUnixNano: String((T0 + 2000) * 1e6),
      count: 2,
      sum: 1.5,
    });
    const chat = { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } };
    const request = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'metrics-only' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'gen_ai.client.operation.duration',
                  histogram: { aggregationTemporality: 1, dataPoints: [point([chat])] },
                },
              ],
            },
          ],
        },
        {
          resource: { attributes: [] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'gen_ai.client.operation.duration',
                  histogram: { aggregationTemporality: 1, dataPoints: [point([chat])] },
                },
                { name: 'process.cpu.time', sum: { dataPoints: [{ asDouble: 1 }] } },
              ],
            },
          ],
        },
      ],
    };
    const answer = await fetch(`${h.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.from(ExportMetricsServiceRequest.encode(request as never).finish()),
    });
    expect(answer.status).toBe(200);
    const body = ExportMetricsServiceResponse.decode(new Uint8Array(await answer.arrayBuffer())) as {
      partialSuccess: { rejectedDataPoints: { toNumber(): number }; errorMessage: string };
    };
    // The second resource's GenAI point has nobody to charge; its other metric is not ours to map, not refused.
    expect(body.partialSuccess.rejectedDataPoints.toNumber()).toBe(1);
    expect(body.partialSuccess.errorMessage).toContain(
      'resourceMetrics.1.scopeMetrics.0.metrics.0.dataPoints.0: no agent identity',
    );
    expect(h.running.monitor.fleet.agents.has('metrics-only')).toBe(true);
  });

  it('never answers bad bytes with a 5xx', async () => {
    h = await startHarness();
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const valid = traces([chatSpan(3), chatSpan(4)]);
    const statuses = new Set<number>();
    for (let i = 0; i < 300; i++) {
      // Random bytes, and valid requests with bytes flipped or cut: what a broken proxy or client sends.
      const body =
        i % 3 === 0
          ? Buffer.from(Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256)))
          : Buffer.from(valid);
      if (i % 3 === 1)
        for (let k = 0; k < 3; k++) body[Math.floor(random() * body.length)] = Math.floor(random() * 256);
      const sent = i % 3 === 2 ? body.subarray(0, Math.floor(random() * body.length)) : body;
      const path = i % 2 === 0 ? '/v1/traces' : '/v1/metrics';
      const answer = await fetch(`${h.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: sent,
      });
      await answer.arrayBuffer();
      statuses.add(answer.status);
    }
    expect([...statuses].filter((status) => status >= 500)).toEqual([]);
    expect(statuses.has(400)).toBe(true);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });
});
