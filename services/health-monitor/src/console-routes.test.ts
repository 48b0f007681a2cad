import { createServer, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import { createLogger, parseEnv } from '@swarmscope/core';
import { EventSource, type ErrorEvent } from 'eventsource';
import { healthMonitorEnv } from './env';
import { backendsFor, runHealthMonitor, type RunningHealthMonitor } from './run';
import { freePort } from '@swarmscope/testkit';

const logger = createLogger({ name: 'test', level: 'silent' });
const KEYS = 'read:R,ingest:I,admin:A';

/** A stand-in service that answers every call with what it received, so the test sees what the gateway forwarded. */
async function echoService(): Promise<{
  url: string;
  calls: Array<{ method: string; url: string; authorization?: string; body: string }>;
  close(): Promise<void>;
}> {
  const calls: Array<{ method: string; url: string; authorization?: string; body: string }> = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      calls.push({
        method: request.method!,
        url: request.url!,
        ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
        body,
      });
      response.writeHead(request.url!.startsWith('/missing') ? 404 : 200, {
        'content-type': 'application/json',
        'retry-after': '7',
      });
      response.end(JSON.stringify({ echoed: request.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('health-monitor serves the web console', () => {
  let running: RunningHealthMonitor;
  let close: () => Promise<void>;
  let echo: Awaited<ReturnType<typeof echoService>>;
  let url: string;
  const call = (path: string, init: { key?: string; method?: string; body?: unknown } = {}) =>
    fetch(url + path, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });

  beforeAll(async () => {
    echo = await echoService();
    const down = `http://127.0.0.1:${await freePort()}`;
    const env = parseEnv(healthMonitorEnv, {
      HEALTH_MONITOR_PORT: '0',
      LOG_LEVEL: 'silent',
      API_KEYS: KEYS,
      ANOMALY_DETECTOR_URL: echo.url,
      INCIDENTS_URL: echo.url,
      AUTOSCALER_URL: echo.url,
      EMERGENCE_DETECTOR_URL: down,
    });
    const backends = await backendsFor(env, logger);
    running = await runHealthMonitor(env, backends, logger);
    close = () => backends.close();
    url = running.server.url;
  });
  afterAll(async () => {
    await running.stop();
    await close();
    await echo.close();
  });

  it('serves its page to anyone, but its data calls need the read key', async () => {
    const page = await call('/');
    // Built by `pnpm build` (the test command builds first): the page loads its bundled script.
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/console/console.js');
    expect((await call('/console/console.js')).status).toBe(200);
    expect((await call('/agents')).status).toBe(401);
    expect((await call('/api/anomaly/anomalies')).status).toBe(401);
  });

  it('forwards reads to the service with their path, query and key, and passes its answer through', async () => {
    const answer = await call('/api/anomaly/agents/a-1/anomalies?limit=5&status=open', { key: 'R' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('retry-after')).toBe('7');
    expect(await answer.json()).toEqual({ echoed: '/agents/a-1/anomalies?limit=5&status=open' });
    expect(echo.calls.at(-1)).toMatchObject({
      method: 'GET',
      url: '/agents/a-1/anomalies?limit=5&status=open',
      authorization: 'Bearer R',
    });
    expect((await call('/api/anomaly/missing', { key: 'R' })).status).toBe(404);
  });

  it('keeps a forwarded call on the service origin whatever the path', async () => {
    const before = echo.calls.length;
    await call('/api/anomaly//evil.example/x', { key: 'R' });
    // Either refused here or sent to the service itself: never to another host.
    for (const forwarded of echo.calls.slice(before)) expect(forwarded.url.startsWith('/')).toBe(true);
  });

  it('refuses an unknown service with a 404 naming it, and a service that does not answer with a 503 naming it', async () => {
    const unknown = await call('/api/nowhere/anomalies', { key: 'R' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).error.message).toContain('params.service: no service "nowhere"');
    const down = await call('/api/emergence/events', { key: 'R' });
    expect(down.status).toBe(503);
    expect(((await down.json()) as any).error).toMatchObject({
      code: 'SWS_UNAVAILABLE',
      message: expect.stringMatching(/^emergence: http:\/\/127\.0\.0\.1:\d+ did not answer/),
    });
  });

  it('forwards the two writes the console makes only with an admin key, and no other write', async () => {
    expect(
      (await call('/api/incidents/incidents/inc-1/ack', { key: 'R', method: 'POST', body: { by: 'me' } })).status,
    ).toBe(403);
    const ack = await call('/api/incidents/incidents/inc-1/ack', { key: 'A', method: 'POST', body: { by: 'me' } });
    expect(ack.status).toBe(200);
    expect(echo.calls.at(-1)).toMatchObject({
      method: 'POST',
      url: '/incidents/inc-1/ack',
      authorization: 'Bearer A',
      body: '{"by":"me"}',
    });
    expect(
      (await call('/api/autoscaler/policies', { key: 'A', method: 'POST', body: { pool: 'p', minReplicas: 2 } }))
        .status,
    ).toBe(200);
    expect((await call('/api/incidents/incidents/inc-1/delete', { key: 'A', method: 'POST', body: {} })).status).toBe(
      404,
    );
    expect((await call('/api/anomaly/policies', { key: 'A', method: 'POST', body: {} })).status).toBe(404);
  });

  it('lists agents by id prefix a page at a time, with their health reasons', async () => {
    const ids = ['ab-1', 'ab-2', 'ab-3', 'ac-1', 'b-1'];
    const reports = ids.map((agentId) => ({
      agentId,
      model: 'm',
      metrics: { requests: 1, response_time_seconds: 0.2 },
      tools: { search: { calls: 2, errors: 1, durationSeconds: 0.5 } },
    }));
    expect((await call('/v1/ingest', { key: 'I', method: 'POST', body: { reports } })).status).toBe(200);
    const first = (await (await call('/agents?prefix=ab&limit=2', { key: 'R' })).json()) as any;
    expect(first.items.map((a: any) => a.id)).toEqual(['ab-1', 'ab-2']);
    expect(first.items[0].healthReasons).toEqual([]);
    const second = (await (await call(`/agents?prefix=ab&limit=2&cursor=${first.next}`, { key: 'R' })).json()) as any;
    expect(second.items.map((a: any) => a.id)).toEqual(['ab-3']);
    expect(second.next).toBeUndefined();
    expect(((await (await call('/agents?prefix=a', { key: 'R' })).json()) as any).items).toHaveLength(4);
    expect(((await (await call('/agents?prefix=zz', { key: 'R' })).json()) as any).items).toEqual([]);
  });

  it('pushes the fleet summary as Server-Sent Events to a read key (as the console reads it), and refuses none', async () => {
    const withKey = new EventSource(`${url}/fleet/summary/stream`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, authorization: 'Bearer R' } }),
    });
    const [event] = (await once(withKey, 'summary')) as [{ data: string }];
    withKey.close();
    const pushed = JSON.parse(event.data);
    const polled = (await (await call('/fleet/summary', { key: 'R' })).json()) as any;
    expect(pushed.agents).toEqual(polled.agents);
    expect(Object.keys(pushed).sort()).toEqual(Object.keys(polled).sort());

    const without = new EventSource(`${url}/fleet/summary/stream`);
    const [refused] = (await once(without, 'error')) as [ErrorEvent];
    // A 4xx is final for an EventSource: it does not retry (the console then says why, and polls no more).
    expect(refused.code).toBe(401);
    expect(without.readyState).toBe(EventSource.CLOSED);
  });

  it('answers tool usage by pool and tool', async () => {
    const tools = ((await (await call('/tools', { key: 'R' })).json()) as any).tools;
    expect(tools).toContainEqual({ pool: 'default', tool: 'search', calls: 10, errors: 5, durationSeconds: 2.5 });
  });

  it("answers one agent's tool usage, and 404 for an agent never seen", async () => {
    const reports = [
      {
        agentId: 'tools-1',
        model: 'm',
        metrics: { requests: 2 },
        tools: { fetch: { calls: 3, errors: 1, durationSeconds: 0.9 }, search: { calls: 1 } },
      },
    ];
    expect((await call('/v1/ingest', { key: 'I', method: 'POST', body: { reports } })).status).toBe(200);
    expect(await (await call('/agents/tools-1/tools', { key: 'R' })).json()).toEqual({
      agentId: 'tools-1',
      tools: [
        { tool: 'fetch', calls: 3, errors: 1, durationSeconds: 0.9 },
        { tool: 'search', calls: 1, errors: 0, durationSeconds: 0 },
      ],
    });
    // An agent that reported no tool has none; one never seen is a 404.
    expect(((await (await call('/agents/ab-1/tools', { key: 'R' })).json()) as any).tools).toEqual([
      { tool: 'search', calls: 2, errors: 1, durationSeconds: 0.5 },
    ]);
    const unknown = await call('/agents/nobody/tools', { key: 'R' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).error.code).toBe('SWS_NOT_FOUND');
    expect((await call('/agents/tools-1/tools')).status).toBe(401);
  });

  it("answers one agent's neighbourhood of the interaction graph", async () => {
    const at = Date.now();
    const interactions = [
      { from: 'ab-1', to: 'ab-2', kind: 'delegation', outcome: 'success', latencySeconds: 1, timestamp: at },
      { from: 'ab-3', to: 'ab-1', kind: 'message', outcome: 'error', latencySeconds: 2, timestamp: at },
      { from: 'ac-1', to: 'b-1', kind: 'delegation', outcome: 'success', latencySeconds: 1, timestamp: at },
    ];
    expect((await call('/v1/interactions', { key: 'I', method: 'POST', body: { interactions } })).status).toBe(200);
    const graph = (await (await call('/graph?agent=ab-1', { key: 'R' })).json()) as any;
    expect(graph.nodes.map((n: any) => n.id)).toEqual(['ab-1', 'ab-2', 'ab-3']);
    expect(graph.edges).toHaveLength(2);
    expect((await call('/graph?agent=no%20spaces', { key: 'R' })).status).toBe(400);
  });
});
