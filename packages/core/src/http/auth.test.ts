import type { Express } from 'express';
import { pino } from 'pino';
import { createLogger } from '../logger';
import { createServiceMetrics } from '../telemetry/metrics';
import { createHttpApp } from './app';
import { requireScope, type RateLimits } from './auth';
import { listen, type RunningServer } from './server';

const logger = createLogger({ name: 'test', level: 'silent' });

function routes(app: Express): void {
  app.get('/things', (_request, response) => void response.json({ things: [] }));
  app.post('/ingest', requireScope('ingest'), (_request, response) => void response.json({ ok: true }));
  app.post('/admin', requireScope('admin'), (_request, response) => void response.json({ ok: true }));
}

interface Served {
  call(method: string, path: string, key?: string): Promise<{ status: number; body: any; retryAfter: string | null }>;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

async function serve(apiKeys: string[], rateLimits: RateLimits = {}, log = logger): Promise<Served> {
  const metrics = createServiceMetrics('test');
  const app = createHttpApp({
    service: 'test',
    logger: log,
    metrics,
    apiKeys,
    rateLimits,
    bodyLimitBytes: 1024,
    readiness: [],
    routes,
  });
  const server: RunningServer = await listen(app, { port: 0, host: '127.0.0.1' });
  return {
    async call(method, path, key) {
      const response = await fetch(server.url + path, {
        method,
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      const json = response.headers.get('content-type')?.includes('json');
      return {
        status: response.status,
        body: json ? await response.json() : await response.text(),
        retryAfter: response.headers.get('retry-after'),
      };
    },
    metrics: () => metrics.registry.metrics(),
    close: () => server.close(),
  };
}

describe('scoped API keys', () => {
  let s: Served;
  afterEach(async () => {
    await s.close();
  });

  it('leaves every route open when no key is configured', async () => {
    s = await serve([]);
    expect((await s.call('POST', '/ingest')).status).toBe(200);
    expect((await s.call('POST', '/admin')).status).toBe(200);
    expect((await s.call('GET', '/things')).status).toBe(200);
  });

  it('answers 401 without a key and 403 with a key of another scope, naming the scope needed', async () => {
    s = await serve(['ingest:I', 'admin:A']);
    const none = await s.call('POST', '/ingest');
    expect(none).toMatchObject({
      status: 401,
      body: {
        error: { code: 'SWS_UNAUTHORIZED', message: 'Authorization: Bearer <api key> with scope ingest is required' },
      },
    });
    const wrong = await s.call('POST', '/admin', 'I');
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toMatchObject({ code: 'SWS_FORBIDDEN' });
    expect(wrong.body.error.message).toContain('needs a key with scope admin');
    expect(wrong.body.error.message).toContain("this key's scope is ingest");
    expect((await s.call('POST', '/ingest', 'I')).status).toBe(200);
    expect((await s.call('POST', '/ingest', 'A')).status).toBe(200); // admin may ingest
    expect((await s.call('POST', '/admin', 'A')).status).toBe(200);
    const unknown = await s.call('POST', '/ingest', 'nope');
    expect(unknown).toMatchObject({
      status: 403,
      body: { error: { code: 'SWS_FORBIDDEN', message: 'Authorization: the API key is not valid' } },
    });
  });

  it('keeps reads open while no read key is configured', async () => {
    s = await serve(['ingest:I']);
    expect((await s.call('GET', '/things')).status).toBe(200);
  });

  it('guards reads once a read key exists; probes and /metrics stay open', async () => {
    s = await serve(['read:R', 'ingest:I', 'legacy']);
    expect((await s.call('GET', '/things')).status).toBe(401);
    const ingestKey = await s.call('GET', '/things', 'I');
    expect(ingestKey.status).toBe(403);
    expect(ingestKey.body.error.message).toContain('scope read');
    expect((await s.call('GET', '/things', 'R')).status).toBe(200);
    expect((await s.call('GET', '/things', 'legacy')).status).toBe(200); // unscoped is admin
    expect((await s.call('POST', '/ingest', 'R')).status).toBe(403);
    expect((await s.call('GET', '/healthz')).status).toBe(200);
    expect((await s.call('GET', '/metrics')).status).toBe(200);
  });

  it('treats the unscoped form as admin keys, as before scopes', async () => {
    s = await serve(['key-one', 'key-two']);
    expect((await s.call('POST', '/admin', 'key-two')).status).toBe(200);
    expect((await s.call('POST', '/ingest', 'key-one')).status).toBe(200);
    expect((await s.call('GET', '/things')).status).toBe(200);
  });
});

describe('per-key rate limits', () => {
  let s: Served;
  afterEach(async () => {
    await s.close();
  });

  it('answers 429 with Retry-After once a key spends its burst, per key and per scope, and counts it', async () => {
    // A rate so slow no token comes back during the test: exactly `burst` calls pass.
    s = await serve(['ingest:I1', 'ingest:I2', 'admin:A'], { ingest: { perSecond: 0.001, burst: 2 } });
    expect((await s.call('POST', '/ingest', 'I1')).status).toBe(200);
    expect((await s.call('POST', '/ingest', 'I1')).status).toBe(200);
    const limited = await s.call('POST', '/ingest', 'I1');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('SWS_RATE_LIMITED');
    expect(limited.body.error.message).toContain('ingest key is over its rate');
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(999);
    expect((await s.call('POST', '/ingest', 'I2')).status).toBe(200); // another key has its own bucket
    expect((await s.call('POST', '/admin', 'A')).status).toBe(200); // admin is not limited here
    expect((await s.call('POST', '/admin', 'A')).status).toBe(200);
    expect((await s.call('POST', '/admin', 'A')).status).toBe(200);
    expect(await s.metrics()).toMatch(/swarmscope_http_rate_limited_total\{scope="ingest",service="test"\} 1/);
  });

  it('logs refused requests as one line, not one a request (the rest counted in a line at the end of the interval)', async () => {
    const lines: Array<{ level: number; code?: string; msg: string }> = [];
    const capture = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    s = await serve(['ingest:I'], { ingest: { perSecond: 0.001, burst: 1 } }, capture);
    expect((await s.call('POST', '/ingest', 'I')).status).toBe(200);
    for (let i = 0; i < 20; i++) expect((await s.call('POST', '/ingest', 'I')).status).toBe(429);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, code: 'SWS_RATE_LIMITED' });
    expect(lines[0]!.msg).toContain('ingest key is over its rate');
  });

  it('does not limit callers without a key (nothing to key on)', async () => {
    s = await serve([], { ingest: { perSecond: 0.001, burst: 1 }, admin: { perSecond: 0.001, burst: 1 } });
    for (let i = 0; i < 3; i++) expect((await s.call('POST', '/ingest')).status).toBe(200);
  });
});

describe('assertWritesScoped', () => {
  it('refuses to build an app with a write route that declares no scope', () => {
    expect(() =>
      createHttpApp({
        service: 'test',
        logger,
        metrics: createServiceMetrics('test'),
        apiKeys: [],
        bodyLimitBytes: 1024,
        readiness: [],
        routes(app) {
          app.post('/open', (_request, response) => void response.end());
          app.delete('/things/:id', (_request, response) => void response.end());
        },
      }),
    ).toThrow('write routes without requireScope(...) first: POST /open, DELETE /things/:id');
  });
});

describe('public paths', () => {
  it('opens exactly the paths named, and every path under a `/x/*` entry, to callers without a key', async () => {
    const app = createHttpApp({
      service: 'test',
      logger,
      metrics: createServiceMetrics('test'),
      apiKeys: ['read:R'],
      bodyLimitBytes: 1024,
      readiness: [],
      publicPaths: ['/', '/static/*'],
      routes(app) {
        for (const path of ['/', '/static/app.js', '/static', '/things', '/staticky'])
          app.get(path, (_request, response) => void response.json({ path }));
      },
    });
    const server = await listen(app, { port: 0, host: '127.0.0.1' });
    try {
      const status = async (path: string) => (await fetch(server.url + path)).status;
      expect(await status('/')).toBe(200);
      expect(await status('/static/app.js')).toBe(200);
      expect(await status('/static')).toBe(401);
      expect(await status('/staticky')).toBe(401);
      expect(await status('/things')).toBe(401);
    } finally {
      await server.close();
    }
  });
});
