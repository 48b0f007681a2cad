import { FUZZ_KEYS, type FuzzService } from './payloads';

/**
 * Requests with one known answer each: every row of issue 21's table (bodies answered 200 and silently dropped or
 * mis-scored), on every service that takes that shape. The fuzz test and `swarmscope bench fuzz` both send them.
 */
export interface EdgeCase {
  /** What the row is, in words. */
  row: string;
  service: FuzzService;
  path: string;
  scope: 'ingest' | 'admin';
  /** Default application/json. */
  contentType?: string;
  /** Raw text: `__proto__` must reach the server as a key, as JSON.parse makes it. */
  body: string;
  status: number;
  code?: string;
  /** What the answer must name: a field path of its issues, or `application/json` for a media type. */
  names: string;
}

/** Run once before the cases: the agent the per-agent routes name. */
export const EDGE_SETUP: ReadonlyArray<Pick<EdgeCase, 'service' | 'path' | 'scope' | 'body'>> = [
  {
    service: 'health-monitor',
    path: '/agents/edge-agent/register',
    scope: 'ingest',
    body: '{"model":"gpt-4o","pool":"support"}',
  },
];

const report = '{"metrics":{"cpu_percent":5,"requests":2,"errors":0}}';
const TEXT = 'text/plain';
const XML = 'application/xml';
const FORM = 'application/x-www-form-urlencoded'; // curl -d's default
const notJson = (
  service: FuzzService,
  path: string,
  scope: 'ingest' | 'admin',
  type: string,
  body = report,
): EdgeCase => ({
  row: `${type} body`,
  service,
  path,
  scope,
  contentType: type,
  body,
  status: 415,
  code: 'SWS_UNSUPPORTED_MEDIA_TYPE',
  names: 'application/json',
});
const invalid = (
  row: string,
  service: FuzzService,
  path: string,
  scope: 'ingest' | 'admin',
  body: string,
  names: string,
): EdgeCase => ({ row, service, path, scope, body, status: 400, code: 'SWS_INVALID_FIELD', names });

export const EDGE_CASES: readonly EdgeCase[] = [
  // health-monitor: the seed path, the batch paths, register.
  ...[TEXT, XML, FORM].map((type) => notJson('health-monitor', '/agents/edge-agent/metrics', 'ingest', type)),
  notJson('health-monitor', '/v1/ingest', 'ingest', TEXT, '{"reports":[{"agentId":"edge-agent"}]}'),
  notJson('health-monitor', '/v1/interactions', 'ingest', FORM, '{"interactions":[]}'),
  notJson('health-monitor', '/agents/edge-agent/register', 'ingest', TEXT, '{"model":"gpt-4o"}'),
  invalid(
    'a typo of metrics',
    'health-monitor',
    '/agents/edge-agent/metrics',
    'ingest',
    '{"metric":{"cpu_percent":5}}',
    'metric',
  ),
  invalid(
    'a metric named __proto__',
    'health-monitor',
    '/agents/edge-agent/metrics',
    'ingest',
    '{"metrics":{"__proto__":5}}',
    'metrics.__proto__',
  ),
  invalid(
    'a quality named __proto__',
    'health-monitor',
    '/agents/edge-agent/metrics',
    'ingest',
    '{"quality":{"__proto__":0.5}}',
    'quality.__proto__',
  ),
  invalid(
    'an unknown register field',
    'health-monitor',
    '/agents/edge-agent/register',
    'ingest',
    '{"model":"gpt-4o","label":{"a":"b"}}',
    'label',
  ),
  invalid(
    'a negative cpu',
    'health-monitor',
    '/agents/edge-agent/metrics',
    'ingest',
    '{"metrics":{"cpu_percent":-5}}',
    'metrics.cpu_percent',
  ),
  // A batch of which no report is kept: a 400 naming the item's key (with a good report beside it: partial success).
  invalid(
    'a typo of metrics in a batch',
    'health-monitor',
    '/v1/ingest',
    'ingest',
    '{"reports":[{"agentId":"edge-agent","metric":{"cpu_percent":5}}]}',
    'reports.0.metric',
  ),
  // anomaly-detector's /detect: the ingest report's limits.
  invalid(
    'a negative cpu',
    'anomaly-detector',
    '/detect/edge-agent',
    'ingest',
    '{"metrics":{"cpu_percent":-5}}',
    'metrics.cpu_percent',
  ),
  invalid(
    'a fractional request count',
    'anomaly-detector',
    '/detect/edge-agent',
    'ingest',
    '{"metrics":{"requests":1.5}}',
    'metrics.requests',
  ),
  invalid(
    'more errors than requests',
    'anomaly-detector',
    '/detect/edge-agent',
    'ingest',
    '{"metrics":{"requests":2,"errors":9}}',
    'metrics.errors',
  ),
  invalid(
    'a typo of metrics',
    'anomaly-detector',
    '/detect/edge-agent',
    'ingest',
    '{"metric":{"cpu_percent":5}}',
    'metric',
  ),
  invalid(
    'a metric named __proto__',
    'anomaly-detector',
    '/detect/edge-agent',
    'ingest',
    '{"metrics":{"__proto__":5}}',
    'metrics.__proto__',
  ),
  ...[TEXT, XML, FORM].map((type) => notJson('anomaly-detector', '/detect/edge-agent', 'ingest', type)),
  // emergence-detector's /analyze: the same report schema.
  invalid(
    'a negative request count',
    'emergence-detector',
    '/analyze',
    'admin',
    `{"samples":[{"agentId":"edge-agent","timestamp":${Date.UTC(2026, 0, 1)},"metrics":{"requests":-1}}]}`,
    'samples.0.metrics.requests',
  ),
  invalid('an unknown key', 'emergence-detector', '/analyze', 'admin', '{"sample":[]}', 'sample'),
  invalid(
    'an unknown key in a sample',
    'emergence-detector',
    '/analyze',
    'admin',
    `{"samples":[{"agentId":"edge-agent","timestamp":${Date.UTC(2026, 0, 1)},"colour":"red"}]}`,
    'samples.0.colour',
  ),
  notJson('emergence-detector', '/analyze', 'admin', TEXT, '{}'),
  // autoscaler.
  notJson('autoscaler', '/policies', 'admin', TEXT, '{"pool":"support","minReplicas":3}'),
  notJson('autoscaler', '/analyze', 'admin', FORM, '{}'),
  invalid(
    'an unknown policy field',
    'autoscaler',
    '/policies',
    'admin',
    '{"pool":"support","minReplica":3}',
    'minReplica',
  ),
  // incidents (its body is read before the incident is looked up).
  notJson('incidents', '/incidents/inc-1/ack', 'admin', TEXT, '{"by":"me"}'),
  invalid(
    'an unknown resolve field',
    'incidents',
    '/incidents/inc-1/resolve',
    'admin',
    '{"by":"me","reason":"fixed"}',
    'reason',
  ),
];

export interface EdgeMismatch {
  row: string;
  service: FuzzService;
  path: string;
  expected: string;
  got: string;
}

/** Sends the setup, then every case; resolves to the cases whose answer was not the expected one (none: all good). */
export async function runEdgeCases(
  urls: Record<FuzzService, string>,
): Promise<{ sent: number; mismatches: EdgeMismatch[] }> {
  const send = (c: Pick<EdgeCase, 'service' | 'path' | 'scope' | 'body' | 'contentType'>) =>
    fetch(urls[c.service] + c.path, {
      method: 'POST',
      headers: { 'content-type': c.contentType ?? 'application/json', authorization: `Bearer ${FUZZ_KEYS[c.scope]}` },
      body: c.body,
    });
  for (const setup of EDGE_SETUP) {
    const answer = await send(setup);
    if (!answer.ok) throw new Error(`edge-case setup ${setup.path}: ${answer.status} ${await answer.text()}`);
  }
  const mismatches: EdgeMismatch[] = [];
  for (const c of EDGE_CASES) {
    const answer = await send(c);
    const text = await answer.text();
    const code = answer.status >= 400 ? (JSON.parse(text) as { error?: { code?: string } }).error?.code : undefined;
    if (answer.status !== c.status || code !== c.code || !text.includes(JSON.stringify(c.names).slice(1, -1))) {
      mismatches.push({
        row: c.row,
        service: c.service,
        path: c.path,
        expected: `${c.status} ${c.code ?? ''} naming ${c.names}`,
        got: `${answer.status} ${text.slice(0, 300)}`,
      });
    }
  }
  return { sent: EDGE_CASES.length, mismatches };
}
