import { Pricing } from '@swarmscope/telemetry-client';
import { DEFAULT_IDENTITY, identityRules } from './identity';
import { CumulativeStreams, mapMetrics, RecentAgents, type MetricMappingOptions } from './metric-mapping';

const kv = (attributes: Record<string, string>) =>
  Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } }));
const T = 1_800_000_000_000;

function options(spanAgents = new RecentAgents(100, 60_000)): MetricMappingOptions {
  return {
    rules: identityRules(DEFAULT_IDENTITY),
    requestOperations: new Set(['chat']),
    pricing: new Pricing(),
    streams: new CumulativeStreams(100),
    spanAgents,
    now: T,
  };
}

/** One resource, one metric, OTLP/JSON shape. */
function request(metric: Record<string, unknown>) {
  return {
    resourceMetrics: [
      { resource: { attributes: kv({ 'service.name': 'm-agent' }) }, scopeMetrics: [{ metrics: [metric] }] },
    ],
  };
}
const durationPoint = (count: number, sum: number, start = T - 60_000, attributes: Record<string, string> = {}) => ({
  attributes: kv({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', ...attributes }),
  startTimeUnixNano: String(start * 1e6),
  timeUnixNano: String(T * 1e6),
  count: String(count),
  sum,
});
const duration = (temporality: number, ...points: unknown[]) =>
  request({
    name: 'gen_ai.client.operation.duration',
    histogram: { aggregationTemporality: temporality, dataPoints: points },
  });

describe('mapMetrics', () => {
  it('turns a delta duration point into its requests with their mean latency, errors when error.type is set', () => {
    const mapped = mapMetrics(
      duration(1, durationPoint(4, 6), durationPoint(1, 9, T - 60_000, { 'error.type': 'timeout' })),
      options(),
    );
    expect(mapped.reports).toEqual([
      {
        agentId: 'm-agent',
        timestamp: T,
        model: 'gpt-4o',
        pool: 'm-agent',
        metrics: { requests: 4, errors: 0, response_time_seconds: 1.5 },
      },
      {
        agentId: 'm-agent',
        timestamp: T,
        model: 'gpt-4o',
        pool: 'm-agent',
        metrics: { requests: 1, errors: 1, response_time_seconds: 9 },
      },
    ]);
  });

  it('counts only the increase of a cumulative stream, and a restarted stream whole', () => {
    const o = options();
    expect(mapMetrics(duration(2, durationPoint(4, 6)), o).reports[0]!.metrics).toEqual({
      requests: 4,
      errors: 0,
      response_time_seconds: 1.5,
    });
    expect(mapMetrics(duration(2, durationPoint(6, 10)), o).reports[0]!.metrics).toEqual({
      requests: 2,
      errors: 0,
      response_time_seconds: 2,
    });
    expect(mapMetrics(duration(2, durationPoint(6, 10)), o).reports).toEqual([]); // nothing new
    expect(mapMetrics(duration(2, durationPoint(1, 3, T - 1000)), o).reports[0]!.metrics).toMatchObject({
      requests: 1,
    }); // new start time
  });

  it('reads token usage as a histogram or as a cumulative sum, priced', () => {
    const o = options();
    const tokens = (value: number) =>
      request({
        name: 'gen_ai.client.token.usage',
        sum: {
          aggregationTemporality: 2,
          isMonotonic: true,
          dataPoints: [
            {
              attributes: kv({ 'gen_ai.token.type': 'input', 'gen_ai.request.model': 'gpt-4o' }),
              startTimeUnixNano: String((T - 60_000) * 1e6),
              timeUnixNano: String(T * 1e6),
              asInt: String(value),
            },
          ],
        },
      });
    expect(mapMetrics(tokens(1000), o).reports[0]!.metrics).toEqual({
      input_tokens: 1000,
      cost_usd: (1000 * 2.5) / 1e6,
    });
    expect(mapMetrics(tokens(1500), o).reports[0]!.metrics).toEqual({ input_tokens: 500, cost_usd: (500 * 2.5) / 1e6 });
  });

  it('leaves the points of an agent that sends request spans uncounted (spans win), and other metrics alone', () => {
    const spanAgents = new RecentAgents(100, 60_000);
    spanAgents.mark(['m-agent'], T - 1000);
    const mapped = mapMetrics(
      {
        resourceMetrics: [
          {
            resource: { attributes: kv({ 'service.name': 'm-agent' }) },
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'gen_ai.client.operation.duration',
                    histogram: { aggregationTemporality: 1, dataPoints: [durationPoint(3, 3)] },
                  },
                  { name: 'http.client.duration', histogram: { dataPoints: [{}] } },
                ],
              },
            ],
          },
        ],
      },
      options(spanAgents),
    );
    expect(mapped).toMatchObject({ reports: [], points: 2, rejected: 0, coveredBySpans: 1 });
  });

  it('rejects a point with a bad field or a token type it cannot place', () => {
    const mapped = mapMetrics(
      request({
        name: 'gen_ai.client.token.usage',
        histogram: {
          aggregationTemporality: 1,
          dataPoints: [
            { ...durationPoint(1, 5), attributes: kv({ 'gen_ai.token.type': 'cached' }) },
            { ...durationPoint(1, 5), count: 'many' },
          ],
        },
      }),
      options(),
    );
    expect(mapped.rejected).toBe(2);
    expect(mapped.problems.join('\n')).toContain('gen_ai.token.type must be input or output');
    expect(mapped.problems.join('\n')).toContain('dataPoints.1.count: must be a 64-bit integer');
  });
});
