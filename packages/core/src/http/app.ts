import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { z } from 'zod';
import { HttpError } from '../errors';
import { METRICS_CONTENT_TYPES, type ServiceMetrics } from '../telemetry/metrics';
import { toFieldIssues } from '../validation';
import { SCOPES } from './api-keys';
import { anonymousWhereKeysRule, assertWritesScoped, authenticate, type RateLimits } from './auth';
import { jsonBodiesOnly, type OtherBodyTypes } from './json-only';
import { REFUSAL_CODES, RefusalLog } from './refusal-log';

/** A dependency /readyz checks (Redis, the bus...). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HttpAppOptions {
  service: string;
  logger: Logger;
  metrics: ServiceMetrics;
  /** `API_KEYS` entries (`scope:secret`, or a bare secret: admin). */
  apiKeys: readonly string[];
  /** Per-key request rates by the key's scope (see `rateLimitsFrom`); none: no limit. */
  rateLimits?: RateLimits;
  bodyLimitBytes: number;
  /** Paths whose bodies may also come in other media types (their routes parse those); every other body is JSON. */
  otherBodyTypes?: OtherBodyTypes;
  readiness: readonly ReadinessCheck[];
  /**
   * Runs after authentication and before any body is read: a service's load shedding (answer 503 with Retry-After
   * without paying for the body), by passing an HttpError to `next`.
   */
  admission?: RequestHandler;
  /** Paths open to every caller even when read keys are configured (static files holding no data); `/x/*` is every path under `/x/`. */
  publicPaths?: readonly string[];
  /**
   * Mounts the service's own routes, between the shared middleware and the error handlers. Every write route starts
   * with `requireScope(...)` (checked: the factory throws otherwise).
   */
  routes(app: Express): void;
}

const READINESS_TIMEOUT_MS = 2000;

/**
 * The express app every service shares: scoped API keys with per-key rate limits (checked before a body is read),
 * JSON bodies only (415 for any other media type; gzip accepted) with a size limit, a request-duration histogram by route template, /healthz, /readyz,
 * /metrics, and JSON errors with stable codes.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(recordDuration(options.metrics));
  const rateLimited = new Counter({
    name: 'swarmscope_http_rate_limited_total',
    help: 'Requests refused with 429 because their API key was over its rate, by the key scope.',
    labelNames: ['scope'] as const,
    registers: [options.metrics.registry],
  });
  for (const scope of SCOPES) rateLimited.inc({ scope }, 0);
  app.use(
    authenticate({
      apiKeys: options.apiKeys,
      rateLimits: options.rateLimits ?? {},
      rateLimited,
      now: Date.now,
      ...(options.publicPaths ? { publicPaths: options.publicPaths } : {}),
    }),
  );
  if (options.admission) app.use(options.admission);
  // A body that is not JSON is refused (415), never read as an empty one; strangers still get their 401 first.
  app.use(
    jsonBodiesOnly({
      ...(options.otherBodyTypes ? { otherTypes: options.otherBodyTypes } : {}),
      skip: anonymousWhereKeysRule,
    }),
  );
  // A caller that must show a key and did not gets its 401 before its body is read (no parsing for strangers).
  app.use(
    express.json({
      limit: options.bodyLimitBytes,
      inflate: true,
      strict: false,
      type: (request) => Boolean((request as Request).is('application/json')) && !anonymousWhereKeysRule(request),
    }),
  );

  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok', service: options.service });
  });
  app.get('/readyz', async (_request, response) => {
    const results = await Promise.all(options.readiness.map((dependency) => checkWithTimeout(dependency)));
    const ready = results.every((result) => result.ok);
    response
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not ready', service: options.service, checks: results });
  });
  app.get('/metrics', async (request, response) => {
    // Prometheus asks for OpenMetrics 1.0.0 first (the only format with exemplars); curl and older scrapers get text
    // 0.0.4. The offers carry their versions because an Accept range with parameters only matches an offer with them.
    const format =
      request.accepts([METRICS_CONTENT_TYPES.prometheus, METRICS_CONTENT_TYPES.openmetrics]) ===
      METRICS_CONTENT_TYPES.openmetrics
        ? 'openmetrics'
        : 'prometheus';
    const body = await options.metrics.expose(format);
    response.vary('Accept').type(METRICS_CONTENT_TYPES[format]).send(body);
  });

  options.routes(app);
  assertWritesScoped(app);

  app.use((request, _response, next) =>
    next(new HttpError('SWS_NOT_FOUND', `no route for ${request.method} ${request.path}`)),
  );
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
      metrics.httpDuration.observe(
        { method: request.method, route, status_code: String(response.statusCode) },
        seconds,
      );
    });
    next();
  };
}

/** What express, its router and body-parser throw at bad requests. */
interface FrameworkError {
  name?: string;
  type?: string;
  code?: string;
  message: string;
  limit?: number;
  status?: number;
  expose?: boolean;
}

/** body-parser's and the router's errors at bad input, mapped to our codes; undefined for anything else (a 500). */
function fromFramework(error: FrameworkError): HttpError | undefined {
  // The router could not decode a percent-escape of a path parameter (`/agents/%E0%A4%A`).
  if (error.name === 'URIError' && error.status === 400)
    return new HttpError('SWS_INVALID_FIELD', `params: not valid percent-encoding (${error.message})`, [
      { path: 'params', message: 'not valid percent-encoding' },
    ]);
  // zlib refused a gzip or deflate body: corrupt or truncated.
  if (error.code?.startsWith('Z_') && error.status === 400)
    return new HttpError(
      'SWS_MALFORMED_BODY',
      `body: not valid compressed data for its Content-Encoding (${error.message})`,
    );
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
      // Any other client error body-parser marks as safe to show is still the client's.
      return error.expose === true && error.status !== undefined && error.status >= 400 && error.status < 500
        ? new HttpError('SWS_MALFORMED_BODY', `body: ${error.message}`)
        : undefined;
  }
}

/** The HttpError a failed request answers with: ours as they are, zod's, body-parser's and the router's mapped; undefined for a bug. */
export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof z.ZodError)
    return new HttpError(
      'SWS_INVALID_FIELD',
      toFieldIssues(error).map((i) => `${i.path}: ${i.message}`)[0] ?? 'invalid request',
      toFieldIssues(error),
    );
  return typeof error === 'object' && error !== null ? fromFramework(error as FrameworkError) : undefined;
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  const refusals = new RefusalLog(logger);
  return (error: unknown, request, response, _next) => {
    let httpError = toHttpError(error);
    if (!httpError) {
      logger.error({ err: error, method: request.method, path: request.path }, 'unhandled error');
      httpError = new HttpError('SWS_INTERNAL', 'internal error');
    }
    // Busy refusals (load shedding, rate limits) come by the hundred a second under load: counted, one line an interval.
    if (REFUSAL_CODES.has(httpError.code)) refusals.refused(httpError.code, request.path, httpError.message);
    else if (httpError.status >= 500 && httpError.code !== 'SWS_INTERNAL')
      logger.warn({ code: httpError.code, path: request.path }, httpError.message);
    if (response.headersSent) return;
    response.status(httpError.status).json(httpError.toJSON());
  };
}
