import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Express, RequestHandler, Response } from 'express';
import type { Counter } from 'prom-client';
import { HttpError } from '../errors';
import { grants, parseApiKeys, type ApiKey, type Scope } from './api-keys';
import { TokenBuckets, type BucketRate } from './token-bucket';

/** Per-scope request rates of one key; a scope left out is not limited. */
export type RateLimits = Partial<Record<Scope, BucketRate>>;

export interface AuthOptions {
  /** `API_KEYS` entries: `scope:secret` or a bare (admin) secret. None: every route is open. */
  apiKeys: readonly string[];
  rateLimits: RateLimits;
  /** `swarmscope_http_rate_limited_total{scope}`. */
  rateLimited: Counter<'scope'>;
  now(): number;
  /** Paths served to anyone whatever the keys (static files that hold no data: the web console's); `/x/*` is every path under `/x/`. */
  publicPaths?: readonly string[];
}

/** Who is calling, as the routes' scope checks see it. */
type Caller = { open: true } | { open: false; key: ApiKey | undefined };

/** Probes and the scrape stay open whatever the keys: orchestrators and Prometheus carry none. */
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
const SCOPE_MARK = Symbol('swarmscope.scope');

/**
 * Identifies the caller by `Authorization: Bearer <key>` (403 for a key that is not configured), applies the key's
 * rate limit (429 with Retry-After), and guards reads: they need a `read` (or admin) key once any read key is
 * configured, and stay open otherwise. Writes are guarded per route by `requireScope`.
 */
export function authenticate(options: AuthOptions): RequestHandler {
  const keys = parseApiKeys(options.apiKeys).map((key) => ({ key, digest: digest(key.secret) }));
  const readsGuarded = keys.some(({ key }) => key.scope === 'read');
  const buckets = new TokenBuckets();
  const publicPaths = options.publicPaths ?? [];
  const isOpenPath = (path: string) =>
    OPEN_PATHS.has(path) ||
    publicPaths.some((open) => (open.endsWith('/*') ? path.startsWith(open.slice(0, -1)) : path === open));
  return (request, response, next) => {
    if (keys.length === 0) {
      setCaller(response, { open: true });
      return next();
    }
    const header = request.headers.authorization;
    let key: ApiKey | undefined;
    if (header !== undefined) {
      const match = /^Bearer\s+(.+)$/i.exec(header);
      if (!match) return next(new HttpError('SWS_UNAUTHORIZED', 'Authorization: must be "Bearer <api key>"'));
      const offered = digest(match[1]!.trim());
      // Compare digests in constant time so a key cannot be guessed byte by byte.
      key = keys.find((known) => timingSafeEqual(known.digest, offered))?.key;
      if (!key) return next(new HttpError('SWS_FORBIDDEN', 'Authorization: the API key is not valid'));
      const rate = options.rateLimits[key.scope];
      if (rate) {
        const taken = buckets.take(key.id, rate, options.now());
        if (!taken.allowed) {
          options.rateLimited.inc({ scope: key.scope });
          const seconds = Math.max(1, Math.ceil(taken.retryAfterSeconds));
          response.setHeader('Retry-After', String(seconds));
          return next(
            new HttpError(
              'SWS_RATE_LIMITED',
              `Authorization: this ${key.scope} key is over its rate of ${rate.perSecond}/s (burst ${rate.burst}); retry after ${seconds} s`,
            ),
          );
        }
      }
    }
    setCaller(response, { open: false, key });
    if (readsGuarded && READ_METHODS.has(request.method) && !isOpenPath(request.path))
      return checkScope(key, 'read', next);
    next();
  };
}

/** Route middleware: the call needs a key granting `scope` (401 without a key, 403 with one of another scope). */
export function requireScope(scope: Scope): RequestHandler {
  const handler: RequestHandler = (_request, response, next) => {
    const caller = response.locals.caller as Caller | undefined;
    if (!caller) return next(new Error('requireScope without authenticate: the app factory mounts it'));
    if (caller.open) return next();
    checkScope(caller.key, scope, next);
  };
  return Object.assign(handler, { [SCOPE_MARK]: scope });
}

/**
 * Throws at start when a write route (any method but GET/HEAD/OPTIONS) does not begin with `requireScope`: a route
 * added without a scope fails loudly instead of being open to every key.
 */
export function assertWritesScoped(app: Express): void {
  const unscoped: string[] = [];
  for (const layer of (app.router as unknown as { stack: RouterLayer[] }).stack) {
    const route = layer.route;
    if (!route) continue;
    for (const method of Object.keys(route.methods)) {
      if (READ_METHODS.has(method.toUpperCase())) continue;
      const first = route.stack.find((entry) => entry.method === method);
      if (!first || !(SCOPE_MARK in first.handle)) unscoped.push(`${method.toUpperCase()} ${String(route.path)}`);
    }
  }
  if (unscoped.length > 0) throw new Error(`write routes without requireScope(...) first: ${unscoped.join(', ')}`);
}

interface RouterLayer {
  route?: { path: unknown; methods: Record<string, boolean>; stack: Array<{ method?: string; handle: object }> };
}

function checkScope(key: ApiKey | undefined, scope: Scope, next: (error?: unknown) => void): void {
  if (!key)
    return next(new HttpError('SWS_UNAUTHORIZED', `Authorization: Bearer <api key> with scope ${scope} is required`));
  if (!grants(key.scope, scope))
    return next(
      new HttpError(
        'SWS_FORBIDDEN',
        `Authorization: this route needs a key with scope ${scope} (or admin); this key's scope is ${key.scope}`,
      ),
    );
  next();
}

function setCaller(response: Response, caller: Caller): void {
  response.locals.caller = caller;
}

/** Whether keys are configured and this request carries none (its body need not be read: a 401 or a read follows). */
export function anonymousWhereKeysRule(request: IncomingMessage): boolean {
  const caller = (request as IncomingMessage & { res?: Response }).res?.locals.caller as Caller | undefined;
  return caller !== undefined && !caller.open && caller.key === undefined;
}
