import { MODELS, POOLS, Random } from '@swarmscope/simulator';

export interface EncodedBody {
  bytes: Buffer;
  reports: number;
  samples: number;
}

/**
 * Batches covering `agents` agents, encoded once: the load generator then spends its CPU on sending, not on
 * JSON, so the figure is the server's. Each report has the shape: 7 metrics and 2 quality scores, drawn from
 * `seed` (a new seed a round gives every agent fresh values, as a live fleet would).
 */
const TOOL_NAMES = ['web_search', 'retrieve_documents', 'sql_query', 'code_interpreter', 'http_request', 'create_ticket', 'run_tests'];

/**
 * `tools`: each request report also names that many tools (`tools`, one call each, of 7 names), as an agent whose
 * requests call tools reports them; default 0 (the shape).
 */
export function buildIngestBodies(agents: number, batch: number, timestamp: number, kind: 'request' | 'heartbeat', seed = 7, tools = 0): EncodedBody[] {
  const random = new Random(seed);
  const bodies: EncodedBody[] = [];
  for (let first = 0; first < agents; first += batch) {
    const reports = [];
    for (let i = first; i < Math.min(agents, first + batch); i++) {
      const model = MODELS[i % MODELS.length]!;
      if (kind === 'heartbeat') {
        reports.push({ agentId: `bench-${i}`, timestamp, model: model.name, pool: POOLS[i % POOLS.length], type: 'general', metrics: { requests: 0 } });
        continue;
      }
      reports.push({
        agentId: `bench-${i}`,
        timestamp,
        model: model.name,
        pool: POOLS[i % POOLS.length],
        type: 'general',
        metrics: {
          response_time_seconds: random.logNormal(model.latencyMedianSeconds, model.latencySigma),
          cpu_percent: 20 + 40 * random.next(),
          memory_bytes: Math.round(random.logNormal(5e8, 0.2)),
          input_tokens: Math.round(random.logNormal(model.inputTokensMedian, 0.5)),
          output_tokens: Math.round(random.logNormal(model.outputTokensMedian, 0.5)),
          requests: 1,
          errors: random.chance(0.01) ? 1 : 0,
        },
        quality: { accuracy: 0.8 + 0.2 * random.next(), coherence: 0.8 + 0.2 * random.next() },
        ...(tools > 0
          ? { tools: Object.fromEntries(Array.from({ length: tools }, (_, k) => [TOOL_NAMES[(i + k) % TOOL_NAMES.length]!, { calls: 1, errors: 0, durationSeconds: 0.1 }])) }
          : {}),
      });
    }
    const samples = reports.length * (kind === 'heartbeat' ? 1 : 9);
    bodies.push({ bytes: Buffer.from(JSON.stringify({ reports })), reports: reports.length, samples });
  }
  return bodies;
}
