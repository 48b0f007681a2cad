import { ExportTraceServiceRequest } from '@swarmscope/health-monitor';
import { MODELS, POOLS, Random } from '@swarmscope/simulator';

export interface EquivalentBodies {
  /** `/v1/ingest` JSON bodies: one request report per agent. */
  ingest: Buffer[];
  /** `/v1/traces` protobuf bodies: the same requests as GenAI chat spans. */
  otlp: Buffer[];
  perBody: number;
}

/**
 * The same requests two ways, encoded once (the load generator spends its CPU sending, not encoding): each agent's
 * call with its latency, tokens and error as a report of the SDK's shape, and as the chat span an instrumented agent
 * exports (8 attributes, as @opentelemetry/instrumentation-openai sets, plus gen_ai.agent.id). Fresh span ids in
 * every body.
 */
export function buildEquivalentBodies(agents: number, batch: number, rounds: number, now: number): EquivalentBodies {
  const random = new Random(11);
  const ingest: Buffer[] = [];
  const otlp: Buffer[] = [];
  let spanCounter = 0;
  for (let round = 0; round < rounds; round++) {
    for (let first = 0; first < agents; first += batch) {
      const reports = [];
      const byPool = new Map<string, unknown[]>();
      for (let i = first; i < Math.min(agents, first + batch); i++) {
        const model = MODELS[i % MODELS.length]!;
        const pool = POOLS[i % POOLS.length]!;
        const latency = random.logNormal(model.latencyMedianSeconds, model.latencySigma);
        const input = Math.round(random.logNormal(model.inputTokensMedian, 0.5));
        const output = Math.round(random.logNormal(model.outputTokensMedian, 0.5));
        const error = random.chance(0.01);
        const end = now - 1000 + round;
        reports.push({
          agentId: `bench-${i}`,
          timestamp: end,
          model: model.name,
          pool,
          type: 'general',
          metrics: {
            response_time_seconds: latency,
            requests: 1,
            errors: error ? 1 : 0,
            input_tokens: input,
            output_tokens: output,
          },
        });
        const spanId = Buffer.alloc(8);
        spanId.writeUInt32BE(++spanCounter, 4);
        const span = {
          traceId: Buffer.concat([Buffer.alloc(8, 1), spanId]),
          spanId,
          name: `chat ${model.name}`,
          kind: 3,
          startTimeUnixNano: String(Math.round((end - latency * 1000) * 1e6)),
          endTimeUnixNano: String(end * 1e6),
          attributes: attributes({
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': model.name,
            'gen_ai.response.model': model.name,
            'gen_ai.agent.id': `bench-${i}`,
            'server.address': 'api.example.com',
            'gen_ai.usage.input_tokens': input,
            'gen_ai.usage.output_tokens': output,
            ...(error ? { 'error.type': 'RateLimitError' } : {}),
          }),
          ...(error ? { status: { code: 2 } } : {}),
        };
        const list = byPool.get(pool);
        if (list) list.push(span);
        else byPool.set(pool, [span]);
      }
      ingest.push(Buffer.from(JSON.stringify({ reports })));
      const request = {
        resourceSpans: [...byPool].map(([pool, spans]) => ({
          resource: { attributes: attributes({ 'service.name': `svc-${pool}`, 'swarmscope.pool': pool }) },
          scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-openai' }, spans }],
        })),
      };
      otlp.push(Buffer.from(ExportTraceServiceRequest.encode(request as never).finish()));
    }
  }
  return { ingest, otlp, perBody: Math.min(agents, batch) };
}

function attributes(values: Record<string, string | number>) {
  return Object.entries(values).map(([key, value]) => ({
    key,
    value: typeof value === 'string' ? { stringValue: value } : { intValue: value },
  }));
}
