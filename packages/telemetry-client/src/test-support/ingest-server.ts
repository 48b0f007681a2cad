import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { IngestError, Report } from '../types';

/** How the test server answers one request. */
export type Reply =
  /** Validate like the health-monitor: keep valid reports, list the refused ones. */
  | { kind: 'ingest' }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Close the connection without answering. */
  | { kind: 'destroy' }
  /** Answer `then` (default ingest) after `ms`; nothing is kept if the client gave up meanwhile. */
  | { kind: 'slow'; ms: number; then?: Reply };

/** One request as the server saw it. */
export interface Received {
  reports: Report[];
  contentEncoding?: string;
  authorization?: string;
  /** Bytes on the wire. */
  bodyBytes: number;
  /** What was answered; 0 when the connection was closed instead. */
  status: number;
}

/**
 * A real HTTP server implementing `POST /v1/ingest` for tests, told how to fail through `script`
 * (replies used once, in order) and `fallback` (every other request).
 */
export class IngestServer {
  readonly requests: Received[] = [];
  /** Every report kept, in arrival order. */
  readonly accepted: Report[] = [];
  readonly script: Reply[] = [];
  fallback: Reply = { kind: 'ingest' };
  /** Above these the body is answered 413, like the real server's 5,000 reports / 5 MiB. */
  maxReports = 5000;
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const contentEncoding = req.headers['content-encoding'];
    const received: Received = {
      reports: [],
      contentEncoding,
      authorization: req.headers.authorization,
      bodyBytes: raw.length,
      status: 0,
    };
    this.requests.push(received);
    // Decoded whatever the reply, so tests see what every attempt carried.
    let body: { reports?: unknown } | undefined;
    let decoded = raw;
    try {
      decoded = contentEncoding === 'gzip' ? gunzipSync(raw) : raw;
      body = JSON.parse(decoded.toString('utf8')) as { reports?: unknown };
      if (Array.isArray(body.reports)) received.reports = body.reports as Report[];
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

    if (body === undefined) return this.answer(res, received, 400, { error: 'body is not JSON' });
    if (!Array.isArray(body.reports)) return this.answer(res, received, 400, { error: 'reports must be an array' });
    if (body.reports.length > this.maxReports || decoded.length > this.maxBytes) {
      return this.answer(res, received, 413, { error: 'payload too large' });
    }
    const errors: IngestError[] = [];
    let samples = 0;
    body.reports.forEach((report: Report, index) => {
      const problem = check(report);
      if (problem) {
        errors.push({ index, path: `reports.${index}.${problem.path}`, message: problem.message });
        return;
      }
      this.accepted.push(report);
      samples += Object.keys(report.metrics ?? {}).length + Object.keys(report.quality ?? {}).length;
    });
    this.answer(res, received, 200, { accepted: body.reports.length - errors.length, rejected: errors.length, samples, errors });
  }

  private answer(res: ServerResponse, received: Received, status: number, body: unknown): void {
    received.status = status;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}

/** A reduced version of the health-monitor's rules: enough to refuse reports in tests. */
function check(report: Report): { path: string; message: string } | undefined {
  if (typeof report.agentId !== 'string' || report.agentId === '') return { path: 'agentId', message: 'required' };
  for (const [name, value] of Object.entries(report.metrics ?? {})) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      return { path: `metrics.${name}`, message: 'must be a finite number ≥ 0' };
    }
  }
  for (const [name, value] of Object.entries(report.quality ?? {})) {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) return { path: `quality.${name}`, message: 'must be in [0, 1]' };
  }
  return undefined;
}
