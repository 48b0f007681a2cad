import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { AgentRecord, IngestError, Interaction, Report } from '../types';

/** How the test server answers one request. */
export type Reply =
  /** Answer like the health-monitor: keep valid items, list the refused ones. */
  | { kind: 'ingest' }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Close the connection without answering. */
  | { kind: 'destroy' }
  /** Answer `then` (default ingest) after `ms`; nothing is kept if the client gave up meanwhile. */
  | { kind: 'slow'; ms: number; then?: Reply };

/** One request as the server saw it. */
export interface Received {
  method: string;
  /** Path without the query, e.g. `/v1/ingest`. */
  path: string;
  /** The body's `reports` (for `/v1/ingest`). */
  reports: Report[];
  /** The body's `interactions` (for `/v1/interactions`). */
  interactions: Interaction[];
  /** The parsed JSON body, whatever the path. */
  body?: unknown;
  contentEncoding?: string;
  authorization?: string;
  /** Bytes on the wire. */
  bodyBytes: number;
  /** What was answered; 0 when the connection was closed instead. */
  status: number;
  /** When its body had arrived (Date.now()). */
  at: number;
}

const AGENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const HEX_32 = /^[0-9a-f]{32}$/;
const HEX_16 = /^[0-9a-f]{16}$/;
const KINDS = new Set(['delegation', 'message', 'tool_handoff']);
const OUTCOMES = new Set(['success', 'error']);

/**
 * A real HTTP server for tests implementing the health-monitor paths the SDK uses —
 * `POST /v1/ingest`, `POST /v1/interactions`, `POST /agents/:id/register`, `POST /agents/:id/metrics` —
 * told how to fail through `script` (replies used once, in order) and `fallback` (every other request).
 */
export class IngestServer {
  readonly requests: Received[] = [];
  /** Every report kept, in arrival order. */
  readonly accepted: Report[] = [];
  /** Every interaction kept, in arrival order. */
  readonly acceptedInteractions: Interaction[] = [];
  /** Agents registered through `/agents/:id/register`. */
  readonly agents = new Map<string, AgentRecord>();
  /** Reports kept through `/agents/:id/metrics`. */
  readonly agentMetrics: Report[] = [];
  readonly script: Reply[] = [];
  fallback: Reply = { kind: 'ingest' };
  /** Above these the body is answered 413, like the real server's 5,000 items / 5 MiB. */
  maxItems = 5000;
  maxBytes = 5 * 1024 * 1024;
  port = 0;
  private server?: Server;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens on `port` (the previous one after a stop, so clients find it again). */
  async start(port = this.port): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops listening and cuts every connection: the platform is down. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Ids of kept reports (`agentId`), for exact comparisons. */
  acceptedIds(): string[] {
    return this.accepted.map((report) => report.agentId);
  }

  /** Requests to one path. */
  requestsTo(path: string): Received[] {
    return this.requests.filter((request) => request.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const contentEncoding = req.headers['content-encoding'];
    const received: Received = {
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0]!,
      reports: [],
      interactions: [],
      contentEncoding,
      authorization: req.headers.authorization,
      bodyBytes: raw.length,
      status: 0,
      at: Date.now(),
    };
    this.requests.push(received);
    // Decoded whatever the reply, so tests see what every attempt carried.
    let body: Record<string, unknown> | undefined;
    let decoded = raw;
    try {
      decoded = contentEncoding === 'gzip' ? gunzipSync(raw) : raw;
      body = JSON.parse(decoded.toString('utf8')) as Record<string, unknown>;
      received.body = body;
      if (Array.isArray(body.reports)) received.reports = body.reports as Report[];
      if (Array.isArray(body.interactions)) received.interactions = body.interactions as Interaction[];
    } catch {
      body = undefined;
    }
    let gone = false;
    res.on('close', () => {
      if (!res.writableFinished) gone = true;
    });

    let reply = this.script.shift() ?? this.fallback;
    while (reply.kind === 'slow') {
      await new Promise((resolve) => setTimeout(resolve, reply.kind === 'slow' ? reply.ms : 0));
      reply = reply.then ?? { kind: 'ingest' };
    }
    if (gone) return;
    if (reply.kind === 'destroy') {
      req.socket.destroy();
      return;
    }
    if (reply.kind === 'status') {
      received.status = reply.status;
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
      res.end(reply.body ?? '');
      return;
    }

    const agentPath = /^\/agents\/([^/]+)\/(register|metrics)$/.exec(received.path);
    if (req.method === 'POST' && agentPath)
      return this.agentCall(res, received, decodeURIComponent(agentPath[1]!), agentPath[2]!, body);
    if (req.method !== 'POST' || (received.path !== '/v1/ingest' && received.path !== '/v1/interactions')) {
      return this.error(res, received, 404, 'SWS_NOT_FOUND', `no route for ${req.method} ${received.path}`);
    }
    const key = received.path === '/v1/ingest' ? 'reports' : 'interactions';
    if (body === undefined) return this.error(res, received, 400, 'SWS_MALFORMED_JSON', 'body: is not JSON');
    const items = body[key];
    if (!Array.isArray(items)) return this.error(res, received, 400, 'SWS_INVALID_FIELD', `${key}: must be an array`);
    if (items.length > this.maxItems)
      return this.error(res, received, 413, 'SWS_BATCH_TOO_LARGE', `${key}: at most ${this.maxItems}`);
    if (decoded.length > this.maxBytes) return this.error(res, received, 413, 'SWS_BODY_TOO_LARGE', 'body: too large');

    const errors: IngestError[] = [];
    let samples = 0;
    items.forEach((item: unknown, index) => {
      const problem = key === 'reports' ? checkReport(item as Report) : checkInteraction(item as Interaction);
      if (problem) {
        errors.push({ index, path: `${key}.${index}.${problem.path}`, message: problem.message });
        return;
      }
      if (key === 'interactions') {
        this.acceptedInteractions.push(item as Interaction);
        return;
      }
      const report = item as Report;
      this.accepted.push(report);
      samples += Object.keys(report.metrics ?? {}).length + Object.keys(report.quality ?? {}).length;
    });
    const accepted = items.length - errors.length;
    this.answer(
      res,
      received,
      200,
      key === 'reports'
        ? { accepted, rejected: errors.length, samples, errors }
        : { accepted, rejected: errors.length, errors },
    );
  }

  /** The seed's paths, answering like the health-monitor (201 new / 200 updated, 404 unknown agent). */
  private agentCall(
    res: ServerResponse,
    received: Received,
    id: string,
    call: string,
    body: Record<string, unknown> | undefined,
  ): void {
    if (!AGENT_ID.test(id))
      return this.error(
        res,
        received,
        400,
        'SWS_INVALID_FIELD',
        'params.id: may only hold letters, digits and . _ : -',
      );
    if (body === undefined) return this.error(res, received, 400, 'SWS_MALFORMED_JSON', 'body: is not JSON');
    const now = Date.now();
    if (call === 'register') {
      if (typeof body.model !== 'string' || body.model === '') {
        return this.error(res, received, 400, 'SWS_INVALID_FIELD', 'model: must be a string', [
          { path: 'model', message: 'must be a string' },
        ]);
      }
      const previous = this.agents.get(id);
      const agent: AgentRecord = {
        id,
        model: body.model,
        type: typeof body.type === 'string' ? body.type : 'general',
        pool: typeof body.pool === 'string' ? body.pool : 'default',
        labels: (body.labels as Record<string, string> | undefined) ?? {},
        registeredAt: previous?.registeredAt ?? now,
        lastSeen: now,
        status: 'healthy',
        healthScore: 1,
      };
      this.agents.set(id, agent);
      return this.answer(res, received, previous ? 200 : 201, agent);
    }
    const agent = this.agents.get(id);
    if (!agent) return this.error(res, received, 404, 'SWS_NOT_FOUND', `agent ${JSON.stringify(id)} is not registered`);
    const report: Report = {
      agentId: id,
      timestamp: typeof body.timestamp === 'number' ? body.timestamp : now,
      metrics: (body.metrics as Report['metrics']) ?? {},
      quality: (body.quality as Report['quality']) ?? {},
    };
    const problem = checkReport(report);
    if (problem)
      return this.error(res, received, 400, 'SWS_INVALID_FIELD', `${problem.path}: ${problem.message}`, [problem]);
    this.agentMetrics.push(report);
    this.answer(res, received, 200, {
      accepted: 1,
      samples: Object.keys(report.metrics!).length + Object.keys(report.quality!).length,
    });
  }

  private error(
    res: ServerResponse,
    received: Received,
    status: number,
    code: string,
    message: string,
    issues?: { path: string; message: string }[],
  ): void {
    this.answer(res, received, status, { error: { code, message, ...(issues ? { issues } : {}) } });
  }

  private answer(res: ServerResponse, received: Received, status: number, body: unknown): void {
    received.status = status;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}

/** A reduced version of the health-monitor's rules: enough to refuse reports in tests. */
function checkReport(report: Report): { path: string; message: string } | undefined {
  if (typeof report.agentId !== 'string' || report.agentId === '') return { path: 'agentId', message: 'required' };
  for (const [name, value] of Object.entries(report.metrics ?? {})) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      return { path: `metrics.${name}`, message: 'must be a finite number ≥ 0' };
    }
  }
  for (const [name, value] of Object.entries(report.quality ?? {})) {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1))
      return { path: `quality.${name}`, message: 'must be in [0, 1]' };
  }
  return undefined;
}

/** The health-monitor's interaction rules. */
function checkInteraction(edge: Interaction): { path: string; message: string } | undefined {
  if (typeof edge.from !== 'string' || !AGENT_ID.test(edge.from))
    return { path: 'from', message: 'must be an agent id' };
  if (typeof edge.to !== 'string' || !AGENT_ID.test(edge.to)) return { path: 'to', message: 'must be an agent id' };
  if (!KINDS.has(edge.kind)) return { path: 'kind', message: 'must be one of delegation, message, tool_handoff' };
  if (!OUTCOMES.has(edge.outcome)) return { path: 'outcome', message: 'must be one of success, error' };
  if (typeof edge.latencySeconds !== 'number' || !Number.isFinite(edge.latencySeconds) || edge.latencySeconds < 0) {
    return { path: 'latencySeconds', message: 'must be ≥ 0' };
  }
  if (edge.timestamp !== undefined && !Number.isInteger(edge.timestamp))
    return { path: 'timestamp', message: 'must be whole epoch milliseconds' };
  if (edge.traceId !== undefined && !HEX_32.test(edge.traceId))
    return { path: 'traceId', message: 'must be 32 lowercase hex digits' };
  if (edge.spanId !== undefined && !HEX_16.test(edge.spanId))
    return { path: 'spanId', message: 'must be 16 lowercase hex digits' };
  return undefined;
}
