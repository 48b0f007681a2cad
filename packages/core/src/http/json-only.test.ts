import { request as httpRequest } from 'node:http';
import { createLogger } from '../logger';
import { createServiceMetrics } from '../telemetry/metrics';
import { createHttpApp } from './app';
import { requireScope } from './auth';
import { OTLP_BODY_TYPES } from './json-only';
import { listen, type RunningServer } from './server';

const logger = createLogger({ name: 'test', level: 'silent' });

/** A raw request (fetch adds its own content type to string bodies; these tests need to send none at all). */
function send(
  url: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(url + path, { method: 'POST', headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    call.on('error', reject);
    call.end(body);
  });
}

describe('the JSON-only body guard of every service', () => {
  let server: RunningServer;
  const seen: unknown[] = [];

  beforeAll(async () => {
    const app = createHttpApp({
      service: 'test',
      logger,
      metrics: createServiceMetrics('test'),
      apiKeys: [],
      bodyLimitBytes: 1024,
      otherBodyTypes: OTLP_BODY_TYPES,
      readiness: [],
      routes: (express) => {
        express.post('/things', requireScope('ingest'), (request, response) => {
          seen.push(request.body);
          response.json({ body: request.body ?? null });
        });
        express.post('/v1/traces', requireScope('ingest'), (_request, response) => void response.json({ ok: true }));
      },
    });
    server = await listen(app, { port: 0, host: '127.0.0.1' });
  });
  afterAll(() => server.close());

  const json = '{"metrics":{"cpu_percent":5}}';
  it.each([
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['XML', 'application/xml'],
    ["curl -d's default form type", 'application/x-www-form-urlencoded'],
  ])(
    'refuses a %s body with 415 SWS_UNSUPPORTED_MEDIA_TYPE naming application/json, never reaching the route',
    async (_, type) => {
      const before = seen.length;
      const answer = await send(server.url, '/things', { 'content-type': type }, json);
      expect(answer.status).toBe(415);
      expect(answer.body.error.code).toBe('SWS_UNSUPPORTED_MEDIA_TYPE');
      expect(answer.body.error.message).toContain('application/json');
      expect(answer.body.error.message).toContain(type);
      expect(seen.length).toBe(before);
    },
  );

  it('refuses a body without any content type', async () => {
    const answer = await send(server.url, '/things', { 'content-length': String(json.length) }, json);
    expect(answer.status).toBe(415);
    expect(answer.body.error.message).toBe('Content-Type: must be application/json, got none');
  });

  it('reads JSON (with a charset parameter) and lets a request without a body through', async () => {
    expect(await send(server.url, '/things', { 'content-type': 'application/json; charset=utf-8' }, json)).toEqual({
      status: 200,
      body: { body: { metrics: { cpu_percent: 5 } } },
    });
    expect((await send(server.url, '/things', {})).status).toBe(200);
    expect((await send(server.url, '/things', { 'content-type': 'text/plain', 'content-length': '0' })).status).toBe(
      200,
    );
  });

  it("takes the other media types a path declares (OTLP's protobuf) on that path only", async () => {
    expect(
      (await send(server.url, '/v1/traces', { 'content-type': 'application/x-protobuf' }, '\x0a\x00')).status,
    ).toBe(200);
    const elsewhere = await send(server.url, '/things', { 'content-type': 'application/x-protobuf' }, '\x0a\x00');
    expect(elsewhere.status).toBe(415);
  });
});
