import { HttpError, requireScope, toHttpError, type Interaction } from '@swarmscope/core';
import { Pricing } from '@swarmscope/telemetry-client';
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import { Counter, Gauge } from 'prom-client';
import { Type } from 'protobufjs';
import type { HealthMonitorPort } from '../monitor-port';
import { validateBatch, validateInteractions } from '../ingest-batch';
import type { ReportInput } from '../ingest-schema';
import type { TimestampPolicy } from '../timestamp-policy';
import { identityRules } from './identity';
import { CumulativeStreams, mapMetrics, RecentAgents } from './metric-mapping';
import {
  ExportMetricsServiceRequest,
  ExportMetricsServiceResponse,
  ExportTraceServiceRequest,
  ExportTraceServiceResponse,
  type MessageType,
} from './otlp-proto';
import { SpanIndex } from './span-index';
import { mapSpans, type PendingEdge } from './span-mapping';

export const OTLP_PATHS = { traces: '/v1/traces', metrics: '/v1/metrics' } as const;
const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
/** What exporters are told to wait when the bus refuses (they back off exponentially from there). */
const RETRY_AFTER_SECONDS = 5;

/** google.rpc.Status, the body OTLP/HTTP gives every 4xx and 5xx (its schema, for protobufjs to encode). */
const RpcStatus = Type.fromJSON('Status', {
  fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } },
});
/** gRPC status codes of our HTTP answers. */
const GRPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 3, 415: 3, 429: 8, 503: 14 };

/** What the /v1/ingest routes share with the receiver, so an OTLP sample passes the same checks. */
export interface IngestChecks {
  timestampPolicy: TimestampPolicy;
  /** The agent's custom-series budget (see routes.ts). */
  admitSeries(agentId: string, report: ReportInput): { path: string; message: string } | undefined;
}

/** The receiver's state for one health-monitor: the span-id index, cumulative streams, agents covered by spans. */
export class OtlpReceiver {
  readonly index: SpanIndex<PendingEdge>;
  readonly streams: CumulativeStreams;
  readonly spanAgents: RecentAgents;
  private readonly rules;
  private readonly requestOperations: ReadonlySet<string>;
  private readonly pricing = new Pricing();
  private readonly items: Counter<'signal' | 'outcome'>;

  constructor(
    private readonly monitor: HealthMonitorPort,
    private readonly checks: IngestChecks,
  ) {
    const { env } = monitor.deps;
    this.rules = identityRules({
      agent: env.OTLP_AGENT_IDENTITY,
      pool: env.OTLP_POOL_ATTRIBUTES,
      model: env.OTLP_MODEL_ATTRIBUTES,
    });
    this.requestOperations = new Set(
      env.OTLP_REQUEST_OPERATIONS.split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    );
    const ttlMs = env.OTLP_SPAN_INDEX_TTL_SECONDS * 1000;
    this.index = new SpanIndex(env.OTLP_SPAN_INDEX_MAX, ttlMs);
    this.streams = new CumulativeStreams(env.OTLP_SPAN_INDEX_MAX);
    this.spanAgents = new RecentAgents(env.OTLP_SPAN_INDEX_MAX, ttlMs);
    const registers = [monitor.metrics.registry];
    this.items = new Counter({
      name: 'swarmscope_otlp_items_total',
      help: 'OTLP spans and metric data points received, by signal and outcome (accepted, rejected).',
      labelNames: ['signal', 'outcome'] as const,
      registers,
    });
    const index = this.index;
    new Gauge({
      name: 'swarmscope_otlp_span_index_entries',
      help: 'Span ids held to find GenAI ancestors across requests.',
      registers,
      collect() {
        this.set(index.size);
      },
    });
    new Gauge({
      name: 'swarmscope_otlp_span_index_waiting',
      help: 'GenAI spans waiting for an ancestor span that has not arrived yet.',
      registers,
      collect() {
        this.set(index.waitingSize);
      },
    });
    new Gauge({
      name: 'swarmscope_otlp_span_index_expired',
      help: 'GenAI spans whose ancestor never arrived within OTLP_SPAN_INDEX_TTL_SECONDS (their edges are lost), since start.',
      registers,
      collect() {
        this.set(index.expired);
      },
    });
  }

  /** One ExportTraceServiceRequest: spans become reports and interactions; the answer counts what was refused. */
  async traces(body: unknown): Promise<{ rejected: number; message: string }> {
    const now = this.monitor.now();
    this.index.sweep(now);
    const mapped = mapSpans(body, {
      rules: this.rules,
      requestOperations: this.requestOperations,
      pricing: this.pricing,
      index: this.index,
      now,
    });
    this.spanAgents.mark(mapped.requestAgents, now);
    const refused = await this.ingest(mapped.reports, mapped.spanReports);
    await this.interactions(mapped.interactions, now);
    const rejected = mapped.rejected + refused.rejected;
    this.items.inc({ signal: 'traces', outcome: 'accepted' }, mapped.spans - rejected);
    if (rejected > 0) this.items.inc({ signal: 'traces', outcome: 'rejected' }, rejected);
    return { rejected, message: summary(rejected, 'spans', [...mapped.problems, ...refused.problems]) };
  }

  async metrics(body: unknown): Promise<{ rejected: number; message: string }> {
    const now = this.monitor.now();
    const mapped = mapMetrics(body, {
      rules: this.rules,
      requestOperations: this.requestOperations,
      pricing: this.pricing,
      streams: this.streams,
      spanAgents: this.spanAgents,
      now,
    });
    const refused = await this.ingest(mapped.reports, mapped.reports.length);
    const rejected = mapped.rejected + refused.rejected;
    this.items.inc({ signal: 'metrics', outcome: 'accepted' }, mapped.points - rejected);
    if (rejected > 0) this.items.inc({ signal: 'metrics', outcome: 'rejected' }, rejected);
    return { rejected, message: summary(rejected, 'data points', [...mapped.problems, ...refused.problems]) };
  }

  /** The /v1/ingest checks and path, in batches of MAX_BATCH_REPORTS; refused reports among the first `counted` are counted. */
  private async ingest(reports: ReportInput[], counted: number): Promise<{ rejected: number; problems: string[] }> {
    const { env } = this.monitor.deps;
    const limits = { ...this.checks.timestampPolicy, maxItems: env.MAX_BATCH_REPORTS };
    let rejected = 0;
    const problems: string[] = [];
    for (let offset = 0; offset < reports.length; offset += env.MAX_BATCH_REPORTS) {
      const chunk = reports.slice(offset, offset + env.MAX_BATCH_REPORTS);
      const result = validateBatch({ reports: chunk }, this.monitor.now(), limits, (report) =>
        this.checks.admitSeries(report.agentId, report),
      );
      const refusedIndexes = new Set(result.errors.map((error) => error.index));
      for (const index of refusedIndexes) if (offset + index < counted) rejected++;
      for (const error of result.errors)
        if (problems.length < 5)
          problems.push(
            `agent ${chunk[error.index]!.agentId}: ${error.path.split('.').slice(2).join('.')} ${error.message}`,
          );
      this.monitor.countRejected(result.rejected);
      const complete = result.items.map((report) => this.monitor.fleet.complete(report));
      if (complete.length > 0) await this.monitor.accept(complete).catch(unavailable);
    }
    return { rejected, problems };
  }

  private async interactions(edges: Array<Omit<Interaction, 'traceId' | 'spanId'>>, now: number): Promise<void> {
    if (edges.length === 0) return;
    const result = validateInteractions({ interactions: edges }, now, {
      ...this.checks.timestampPolicy,
      maxItems: Math.max(edges.length, 1),
    });
    this.monitor.countRejected(result.rejected);
    if (result.items.length > 0) await this.monitor.acceptInteractions(result.items).catch(unavailable);
  }
}

function unavailable(error: unknown): never {
  throw new HttpError(
    'SWS_UNAVAILABLE',
    `the bus did not take the batch (${(error as Error).message}); nothing was kept, retry later`,
  );
}

function summary(rejected: number, what: string, problems: string[]): string {
  if (rejected === 0) return '';
  return `${rejected} ${what} rejected: ${problems.join('; ')}`;
}

const contentTypeOf = (request: Request): string =>
  (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

/**
 * Mounts OTLP/HTTP `POST /v1/traces` and `POST /v1/metrics` (binary protobuf or JSON, gzip allowed) on the app,
 * answered as the OTLP specification says: 200 with partial_success counting refused items, 400 for a body that does
 * not decode, 413, 415, 429 and 503 with Retry-After; error bodies are google.rpc.Status in the request's encoding.
 */
export function mountOtlpRoutes(app: Express, monitor: HealthMonitorPort, checks: IngestChecks): OtlpReceiver {
  const receiver = new OtlpReceiver(monitor, checks);
  const protobufBody = express.raw({ type: PROTOBUF, limit: monitor.deps.env.BODY_LIMIT_BYTES, inflate: true });
  const route = (
    path: string,
    request: MessageType<unknown>,
    response: MessageType<unknown>,
    rejectedField: string,
    accept: (body: unknown) => Promise<{ rejected: number; message: string }>,
  ) => {
    app.post(path, requireScope('ingest'), protobufBody, async (req: Request, res: Response) => {
      const type = contentTypeOf(req);
      let body: unknown;
      if (type === PROTOBUF) {
        try {
          body = request.decode(req.body as Buffer);
        } catch (error) {
          throw new HttpError(
            'SWS_MALFORMED_BODY',
            `body: not a valid OTLP protobuf message (${(error as Error).message})`,
          );
        }
      } else if (type === JSON_TYPE) {
        body = req.body;
      } else {
        throw new HttpError(
          'SWS_UNSUPPORTED_MEDIA_TYPE',
          `Content-Type: must be ${PROTOBUF} or ${JSON_TYPE}, got ${JSON.stringify(type || '(none)')}`,
        );
      }
      const { rejected, message } = await accept(body);
      const partialSuccess =
        rejected > 0 ? { partialSuccess: { [rejectedField]: rejected, errorMessage: message } } : {};
      if (type === PROTOBUF)
        res
          .status(200)
          .type(PROTOBUF)
          .send(Buffer.from(response.encode(response.create(partialSuccess)).finish()));
      else
        res
          .status(200)
          .json(rejected > 0 ? { partialSuccess: { [rejectedField]: String(rejected), errorMessage: message } } : {});
    });
  };
  route(OTLP_PATHS.traces, ExportTraceServiceRequest, ExportTraceServiceResponse, 'rejectedSpans', (body) =>
    receiver.traces(body),
  );
  route(OTLP_PATHS.metrics, ExportMetricsServiceRequest, ExportMetricsServiceResponse, 'rejectedDataPoints', (body) =>
    receiver.metrics(body),
  );
  app.use(Object.values(OTLP_PATHS), otlpErrors(monitor));
  return receiver;
}

/** Refused OTLP requests: google.rpc.Status in the request's encoding, Retry-After where a retry can succeed. */
function otlpErrors(monitor: HealthMonitorPort): ErrorRequestHandler {
  return (error, request, response, next) => {
    const httpError = toHttpError(error);
    if (httpError === undefined) return next(error); // a bug: the shared handler logs it
    monitor.monitorMetrics.rejectedBatches.inc({ code: httpError.code });
    if (response.headersSent) return;
    if (httpError.status === 503 || (httpError.status === 429 && !response.getHeader('Retry-After')))
      response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    const status = { code: GRPC_CODE[httpError.status] ?? 2, message: `${httpError.code}: ${httpError.message}` };
    response.status(httpError.status);
    if (contentTypeOf(request) === PROTOBUF)
      response.type(PROTOBUF).send(Buffer.from(RpcStatus.encode(RpcStatus.create(status)).finish()));
    else response.json(status);
  };
}
