import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Report } from '@swarmscope/telemetry-client';
import type { Interaction } from '@swarmscope/telemetry-client';

/**
 * A real HTTP server standing in for the health-monitor's two write paths, answering like it does:
 * `POST /v1/ingest {"reports": [...]}` and `POST /v1/interactions {"interactions": [...]}`.
 */
export class StandInServer {
  readonly reports: Report[] = [];
  readonly interactions: Interaction[] = [];
  readonly authorizations = new Set<string>();
  private server?: Server;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.headers.authorization) this.authorizations.add(request.headers.authorization);
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          response
            .writeHead(400, { 'content-type': 'application/json' })
            .end('{"error":{"code":"SWS_MALFORMED_JSON","message":"body: not valid JSON"}}');
          return;
        }
        const reply = (value: unknown) =>
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
        if (request.method === 'POST' && request.url === '/v1/ingest' && Array.isArray(body.reports)) {
          const reports = body.reports as Report[];
          this.reports.push(...reports);
          const samples = reports.reduce(
            (n, r) => n + Object.keys(r.metrics ?? {}).length + Object.keys(r.quality ?? {}).length,
            0,
          );
          reply({ accepted: reports.length, rejected: 0, samples, errors: [] });
        } else if (
          request.method === 'POST' &&
          request.url === '/v1/interactions' &&
          Array.isArray(body.interactions)
        ) {
          const interactions = body.interactions as Interaction[];
          this.interactions.push(...interactions);
          reply({ accepted: interactions.length, rejected: 0, errors: [] });
        } else {
          response
            .writeHead(404, { 'content-type': 'application/json' })
            .end('{"error":{"code":"SWS_NOT_FOUND","message":"no route"}}');
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
