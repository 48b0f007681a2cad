import { ApiError } from './errors';
import { quickRegisterAgent, quickUpdateMetrics } from './quick';
import { IngestServer } from './test-support/ingest-server';

let server: IngestServer;

beforeEach(async () => {
  server = await new IngestServer().start();
});

afterEach(async () => {
  await server.stop();
});

/** The rejection of `promise`, which must reject. */
async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(ApiError);
  return outcome as ApiError;
}

describe('quickRegisterAgent', () => {
  it('registers and resolves to the server record: 201 when new, 200 when updated', async () => {
    const created = await quickRegisterAgent(
      server.url,
      'support-7',
      { model: 'gpt-4o', pool: 'support', labels: { team: 'eu' } },
      { apiKey: 'k' },
    );
    expect(created).toMatchObject({
      id: 'support-7',
      model: 'gpt-4o',
      pool: 'support',
      type: 'general',
      labels: { team: 'eu' },
      status: 'healthy',
    });
    const updated = await quickRegisterAgent(server.url, 'support-7', { model: 'gpt-4o-mini' });
    expect(updated.model).toBe('gpt-4o-mini');
    expect(server.requests.map((r) => [r.method, r.path, r.status, r.authorization])).toEqual([
      ['POST', '/agents/support-7/register', 201, 'Bearer k'],
      ['POST', '/agents/support-7/register', 200, undefined],
    ]);
    expect(server.requests[0]?.body).toEqual({ model: 'gpt-4o', pool: 'support', labels: { team: 'eu' } });
  });

  it('keeps the endpoint path as a prefix and escapes the id', async () => {
    await failure(quickRegisterAgent(`${server.url}/base/`, 'a/b', { model: 'm' }));
    expect(server.requests[0]?.path).toBe('/base/agents/a%2Fb/register');
  });

  it('throws the server error code, status, message and issues', async () => {
    const error = await failure(quickRegisterAgent(server.url, 'a-1', { model: '' }));
    expect(error).toMatchObject({
      name: 'ApiError',
      code: 'SWS_INVALID_FIELD',
      status: 400,
      message: 'model: must be a string',
    });
    expect(error.issues).toEqual([{ path: 'model', message: 'must be a string' }]);
  });
});

describe('quickUpdateMetrics', () => {
  it('posts one report of a registered agent', async () => {
    await quickRegisterAgent(server.url, 'a-1', { model: 'gpt-4o' });
    const answer = await quickUpdateMetrics(
      server.url,
      'a-1',
      { response_time_seconds: 0.4, requests: 1 },
      { accuracy: 0.9 },
      { timestamp: 1732350000000 },
    );
    expect(answer).toEqual({ accepted: 1, samples: 3 });
    expect(server.requests[1]?.body).toEqual({
      timestamp: 1732350000000,
      metrics: { response_time_seconds: 0.4, requests: 1 },
      quality: { accuracy: 0.9 },
    });
    expect(server.agentMetrics).toHaveLength(1);
  });

  it('throws SWS_NOT_FOUND for an unknown agent', async () => {
    const error = await failure(quickUpdateMetrics(server.url, 'ghost', { requests: 1 }));
    expect(error).toMatchObject({ code: 'SWS_NOT_FOUND', status: 404, message: 'agent "ghost" is not registered' });
  });

  it('names an error answer that is not the API JSON', async () => {
    server.script.push({ kind: 'status', status: 502, body: '<html>bad gateway</html>' });
    const error = await failure(quickUpdateMetrics(server.url, 'a-1', { requests: 1 }));
    expect(error).toMatchObject({ code: 'SWS_CLIENT_BAD_RESPONSE', status: 502 });
    expect(error.message).toMatch(/HTTP 502: <html>bad gateway/);
  });

  it('throws SWS_CLIENT_TIMEOUT when the answer does not come in time', async () => {
    server.script.push({ kind: 'slow', ms: 1000 });
    const error = await failure(quickUpdateMetrics(server.url, 'a-1', { requests: 1 }, undefined, { timeoutMs: 50 }));
    expect(error).toMatchObject({ code: 'SWS_CLIENT_TIMEOUT', status: undefined });
  });

  it('throws SWS_CLIENT_UNREACHABLE when nothing listens', async () => {
    await server.stop();
    const error = await failure(quickUpdateMetrics(server.url, 'a-1', { requests: 1 }));
    expect(error).toMatchObject({ code: 'SWS_CLIENT_UNREACHABLE', status: undefined });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('rejects a bad endpoint with a TypeError', async () => {
    await expect(quickUpdateMetrics('not a url', 'a-1', {})).rejects.toThrow(TypeError);
  });
});
