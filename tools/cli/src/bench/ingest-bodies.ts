import type { Report } from '@swarmscope/protocol';
import { MODELS, POOLS, Random } from '@swarmscope/simulator';

export interface EncodedBody {
  bytes: Buffer;
  reports: number;
  samples: number;
}

/** One report as the SDK sends it (protocol's `Report`), with the identity and time every bench report carries. */
export type BenchReport = Report & Required<Pick<Report, 'timestamp' | 'model' | 'pool' | 'type' | 'metrics'>>;

const TOOL_NAMES = [
  'web_search',
  'retrieve_documents',
  'sql_query',
  'code_interpreter',
  'http_request',
  'create_ticket',
  'run_tests',
];

/**
 * Reports covering `agents` agents in batches of `batch`. Each request report has the shape: 7 metrics and 2
 * quality scores, drawn from `seed` (a new seed a round gives every agent fresh values, as a live fleet would).
 * `tools`: each request report also names that many tools (one call each, of 7 names); default 0.
 */
export function buildReportBatches(
  agents: number,
  batch: number,
  timestamp: number,
  kind: 'request' | 'heartbeat',
  seed = 7,
  tools = 0,
): BenchReport[][] {
  const random = new Random(seed);
  const batches: BenchReport[][] = [];
  for (let first = 0; first < agents; first += batch) {
    const reports: BenchReport[] = [];
    for (let i = first; i < Math.min(agents, first + batch); i++) {
      const model = MODELS[i % MODELS.length]!;
      const meta = {
        agentId: `bench-${i}`,
        timestamp,
        model: model.name,
        pool: POOLS[i % POOLS.length]!,
        type: 'general',
      };
      if (kind === 'heartbeat') {
        reports.push({ ...meta, metrics: { requests: 0 } });
        continue;
      }
      reports.push({
        ...meta,
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
          ? {
              tools: Object.fromEntries(
                Array.from({ length: tools }, (_, k) => [
                  TOOL_NAMES[(i + k) % TOOL_NAMES.length]!,
                  { calls: 1, errors: 0, durationSeconds: 0.1 },
                ]),
              ),
            }
          : {}),
      });
    }
    batches.push(reports);
  }
  return batches;
}

/** Samples in a report: its metrics and quality scores (tools are a breakdown of `tool_calls`, not samples). */
const samplesIn = (report: BenchReport): number =>
  Object.keys(report.metrics).length + Object.keys(report.quality ?? {}).length;

/** `POST /v1/ingest` bodies, encoded once: the load generator then spends its CPU on sending, not on JSON. */
export function encodeIngestBodies(batches: readonly BenchReport[][]): EncodedBody[] {
  return batches.map((reports) => ({
    bytes: Buffer.from(JSON.stringify({ reports })),
    reports: reports.length,
    samples: reports.reduce((n, r) => n + samplesIn(r), 0),
  }));
}

/**
 * The same samples in the Prometheus text format with millisecond timestamps, one line a sample, the report's
 * agent/model/pool/type as labels: what VictoriaMetrics' `/api/v1/import/prometheus` takes.
 */
export function encodePrometheusBodies(batches: readonly BenchReport[][]): EncodedBody[] {
  return batches.map((reports) => {
    const lines: string[] = [];
    for (const report of reports) {
      const labels = `{agent="${report.agentId}",model="${report.model}",pool="${report.pool}",type="${report.type}"}`;
      for (const [name, value] of Object.entries(report.metrics))
        lines.push(`swarmscope_${name}${labels} ${value} ${report.timestamp}`);
      for (const [name, value] of Object.entries(report.quality ?? {}))
        lines.push(`swarmscope_quality_${name}${labels} ${value} ${report.timestamp}`);
    }
    return { bytes: Buffer.from(`${lines.join('\n')}\n`), reports: reports.length, samples: lines.length };
  });
}

/** {@link buildReportBatches} encoded for `POST /v1/ingest`. */
export function buildIngestBodies(
  agents: number,
  batch: number,
  timestamp: number,
  kind: 'request' | 'heartbeat',
  seed = 7,
  tools = 0,
): EncodedBody[] {
  return encodeIngestBodies(buildReportBatches(agents, batch, timestamp, kind, seed, tools));
}
