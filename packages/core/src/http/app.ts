import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { HttpError } from '../errors';
import { METRICS_CONTENT_TYPES, type ServiceMetrics } from '../telemetry/metrics';
import { toFieldIssues } from '../validation';
import { requireApiKeyOnWrites } from './auth';

/** A dependency /readyz checks (Redis, the bus...). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HttpAppOptions {
  service: string;
  logger: Logger;
  metrics: ServiceMetrics;
  apiKeys: readonly string[];
  bodyLimitBytes: number;
  readiness: readonly ReadinessCheck[];
  /** Mounts the service's own routes, between the shared middleware and the error handlers. */
  routes(app: Express): void;
}

const READINESS_TIMEOUT_MS = 2000;

/**
 * The express app every service shares: JSON bodies (gzip accepted) with a size limit, API-key auth on writes,
 * a request-duration histogram by route template, /healthz, /readyz, /metrics, and JSON errors with stable codes.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(recordDuration(options.metrics));
  app.use(requireApiKeyOnWrites(options.apiKeys));
  app.use(express.json({ limit: options.bodyLimitBytes, inflate: true, strict: false }));

  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok', service: options.service });
  });
  app.get('/readyz', async (_request, response) => {
    const results = await Promise.all(options.readiness.map((dependency) => checkWithTimeout(dependency)));
    const ready = results.every((result) => result.ok);
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', service: options.service, checks: results });
  });
  app.get('/metrics', async (request, response) => {
    // Prometheus asks for OpenMetrics 1.0.0 first (the only format with exemplars); curl and older scrapers get text
    // 0.0.4. The offers carry their versions because an Accept range with parameters only matches an offer with them.
    const format = request.accepts([METRICS_CONTENT_TYPES.prometheus, METRICS_CONTENT_TYPES.openmetrics]) === METRICS_CONTENT_TYPES.openmetrics ? 'openmetrics' : 'prometheus';
    const body = await options.metrics.expose(format);
    response.vary('Accept').type(METRICS_CONTENT_TYPES[format]).send(body);
  });

  options.routes(app);

  app.use((request, _response, next) => next(new HttpError('SWS_NOT_FOUND', `no route for ${request.method} ${request.path}`)));
  app.use(errorHandler(options.logger));
  return app;
}

async function checkWithTimeout(dependency: ReadinessCheck): Promise<{ name: string; ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS);
  });
  try {
    await Promise.race([dependency.check(), timeout]);
    return { name: dependency.name, ok: true };
  } catch (error) {
    return { name: dependency.name, ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

function recordDuration(metrics: ServiceMetrics): RequestHandler {
  return (request, response, next) => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      // The route template (not the URL) keeps label cardinality bounded.
      const route = request.route?.path ? `${request.baseUrl}${String(request.route.path)}` : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpDuration.observe({ method: request.method, route, status_code: String(response.statusCode) }, seconds);
    });
    next();
  };
}

/** body-parser's error types, mapped to our codes. */
function fromBodyParser(error: { type?: string; message: string; limit?: number }): HttpError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return new HttpError('SWS_BODY_TOO_LARGE', `body: larger than the limit of ${error.limit} bytes`);
    case 'entity.parse.failed':
      return new HttpError('SWS_MALFORMED_JSON', `body: not valid JSON (${error.message})`);
    case 'encoding.unsupported':
      return new HttpError('SWS_UNSUPPORTED_ENCODING', `Content-Encoding: ${error.message}`);
    case 'charset.unsupported':
      return new HttpError('SWS_UNSUPPORTED_MEDIA_TYPE', `Content-Type: ${error.message}`);
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new HttpError('SWS_INVALID_FIELD', `body: ${error.message}`);
    default:
      return undefined;
  }
}

/** The HttpError a failed request answers with: ours as they are, zod's and body-parser's mapped; undefined for a bug. */
export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof z.ZodError) return new HttpError('SWS_INVALID_FIELD', toFieldIssues(error).map((i) => `${i.path}: ${i.message}`)[0] ?? 'invalid request', toFieldIssues(error));
  return typeof error === 'object' && error !== null ? fromBodyParser(error as { type?: string; message: string }) : undefined;
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    let httpError = toHttpError(error);
    if (!httpError) {
      logger.error({ err: error, method: request.method, path: request.path }, 'unhandled error');
      httpError = new HttpError('SWS_INTERNAL', 'internal error');
    }
    if (httpError.status >= 500 && httpError.code !== 'SWS_INTERNAL') logger.warn({ code: httpError.code, path: request.path }, httpError.message);
    if (response.headersSent) return;
    response.status(httpError.status).json(httpError.toJSON());
  };
}
