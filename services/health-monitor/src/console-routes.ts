import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HttpError, requireScope, type Logger } from '@swarmscope/core';
import express, { type Express, type Request, type Response } from 'express';

/** The services whose public APIs the console reads through health-monitor (one origin for the browser). */
export const CONSOLE_SERVICES = ['anomaly', 'emergence', 'autoscaler', 'incidents'] as const;
export type ConsoleService = (typeof CONSOLE_SERVICES)[number];

/** Where each service answers; `swarmscope start` points them at the ports it actually bound. */
export class ConsoleGateway {
  private readonly urls: Record<ConsoleService, string>;

  constructor(urls: Record<ConsoleService, string>) {
    this.urls = { ...urls };
  }

  url(service: ConsoleService): string {
    return this.urls[service];
  }

  set(service: ConsoleService, url: string): void {
    this.urls[service] = url;
  }
}

export interface ConsoleOptions {
  /** The bundled console (`@swarmscope/console`'s dist/web). */
  assetsDir: string;
  gateway: ConsoleGateway;
  /** Deadline of one forwarded call. */
  timeoutMs: number;
  logger: Logger;
}

/** The console's page and static files: open to every caller (they hold no data; the data calls need the key). */
export const CONSOLE_PUBLIC_PATHS = ['/', '/console/*'] as const;

/**
 * The web console: its page at `/`, its files under `/console/`, and `/api/<service>/...`, a same-origin gateway that
 * forwards the console's calls (and their API key) to the other services' public APIs — reads, and the two writes the
 * console makes (acknowledge or resolve an incident, save a policy), which need an admin key here as there.
 */
export function mountConsole(app: Express, options: ConsoleOptions): void {
  const index = join(options.assetsDir, 'index.html');
  app.get('/', (_request, response) => {
    if (!existsSync(index))
      throw new HttpError(
        'SWS_NOT_FOUND',
        `the web console is not built: run \`pnpm build\` (it bundles it into ${options.assetsDir})`,
      );
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
  app.use('/console', express.static(options.assetsDir, { index: false, maxAge: '1h', fallthrough: true }));

  const forward = async (request: Request, response: Response) => {
    const service = request.params.service as string;
    if (!(CONSOLE_SERVICES as readonly string[]).includes(service))
      throw new HttpError(
        'SWS_NOT_FOUND',
        `params.service: no service ${JSON.stringify(service)} (one of ${CONSOLE_SERVICES.join(', ')})`,
      );
    const base = options.gateway.url(service as ConsoleService).replace(/\/+$/, '');
    // Concatenated, never resolved: whatever the path, the call stays on the service's own origin.
    const target = base + request.originalUrl.slice(`/api/${service}`.length);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.headers.authorization) headers.authorization = request.headers.authorization;
    const write = request.method === 'POST';
    if (write) headers['content-type'] = 'application/json';
    let upstream: globalThis.Response;
    try {
      upstream = await fetch(target, {
        method: request.method,
        headers,
        ...(write ? { body: JSON.stringify(request.body ?? {}) } : {}),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      options.logger.warn({ service, target: base, err: error }, 'console gateway: the service did not answer');
      throw new HttpError(
        'SWS_UNAVAILABLE',
        `${service}: ${base} did not answer (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})`,
      );
    }
    response.status(upstream.status);
    const type = upstream.headers.get('content-type');
    if (type) response.type(type);
    const retryAfter = upstream.headers.get('retry-after');
    if (retryAfter) response.setHeader('Retry-After', retryAfter);
    response.send(Buffer.from(await upstream.arrayBuffer()));
  };
  app.get('/api/:service/*rest', forward);
  app.post('/api/:service/incidents/:id/:action', requireScope('admin'), (request, response) => {
    if (request.params.service !== 'incidents' || !['ack', 'resolve'].includes(String(request.params.action)))
      throw new HttpError('SWS_NOT_FOUND', `no route for POST ${request.path}`);
    return forward(request, response);
  });
  app.post('/api/:service/policies', requireScope('admin'), (request, response) => {
    if (request.params.service !== 'autoscaler')
      throw new HttpError('SWS_NOT_FOUND', `no route for POST ${request.path}`);
    return forward(request, response);
  });
}
