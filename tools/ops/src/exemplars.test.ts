import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { parse, stringify } from 'yaml';
import { loadDashboards, substitute } from './dashboards';
import { startPrometheus, type LocalPrometheus } from './local-prometheus';
import { startOtlpReceiver } from './otlp-receiver';
import { renderScrapeConfig } from './render-scrape-config';
import { readYaml } from './repo';
import { startPlatform, type RunningPlatform } from './running-platform';
import { waitFor } from './wait-for';
import { freePort } from '@swarmscope/testkit';

// Exemplars end to end: `swarmscope start` traced over OTLP/HTTP, a real Prometheus (exemplar storage on) scraping it
// through prometheus/prometheus.yml, which negotiates OpenMetrics. Each ingest request's trace id must come back as the
// trace_id exemplar of the response time it carried, and of the detection latency of its samples, and the trace must
// be one the platform exported (what Grafana's link opens in Jaeger).

interface Exemplar {
  labels: Record<string, string>;
  value: string;
  timestamp: number;
}
interface ExemplarAnswer {
  status: string;
  error?: string;
  data: Array<{ seriesLabels: Record<string, string>; exemplars: Exemplar[] }>;
}
interface DatasourceProvisioning {
  datasources: Array<{
    uid: string;
    type: string;
    jsonData?: { exemplarTraceIdDestinations?: Array<{ name: string; datasourceUid: string }> };
  }>;
}

const MODEL = 'exemplar-probe';
/** One value per histogram bucket (le 0.1, 0.5, 1, 5): prom-client keeps the newest exemplar of each bucket. */
const TRACED = [0.07, 0.3, 0.7, 3].map((seconds) => ({ seconds, traceId: randomBytes(16).toString('hex') }));
/** Sent without a traceparent: the platform starts the trace itself (le 30). */
const UNTRACED_SECONDS = 20;

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let platform: RunningPlatform;
let prometheus: LocalPrometheus;
let textOnly: { address: string; server: Server };
const startedAt = Date.now() / 1000;

async function exemplars(query: string): Promise<Exemplar[]> {
  const params = new URLSearchParams({ query, start: String(startedAt - 60), end: String(Date.now() / 1000 + 60) });
  const answer = (await (await fetch(`${prometheus.url}/api/v1/query_exemplars?${params}`)).json()) as ExemplarAnswer;
  if (answer.status !== 'success') throw new Error(`query_exemplars ${query}: ${answer.error}`);
  return answer.data.flatMap((series) => series.exemplars);
}

/** A scrape target that forwards to `upstream`'s /metrics asking only for the text format, as an older scraper would. */
async function textOnlyScraper(upstream: string) {
  const server = createServer((request, response) => {
    fetch(`http://${upstream}${request.url}`, { headers: { accept: 'text/plain;version=0.0.4' } }).then(
      async (answer) =>
        response
          .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' })
          .end(await answer.text()),
      () => response.writeHead(502).end(),
    );
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${port}`, server };
}

/** Ids of the traces the platform exported that hold its handling of POST /v1/ingest. */
const ingestTraces = () =>
  new Set(
    receiver.spans.filter((s) => s.serviceName === 'swarmscope' && s.name.includes('/v1/ingest')).map((s) => s.traceId),
  );

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  platform = await startPlatform(0, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' });
  textOnly = await textOnlyScraper(platform.addresses['health-monitor']);
  const config = parse(renderScrapeConfig('prometheus/prometheus.yml', platform.addresses).yaml) as {
    scrape_configs: object[];
  };
  config.scrape_configs.push({ job_name: 'health-monitor-text', static_configs: [{ targets: [textOnly.address] }] });
  prometheus = await startPrometheus(stringify(config));
  const health = `http://${platform.addresses['health-monitor']}`;
  const send = async (i: number, seconds: number, traceId?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (traceId) headers.traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    const body = JSON.stringify({
      reports: [
        { agentId: `probe-${i}`, model: MODEL, pool: 'ops', metrics: { response_time_seconds: seconds, requests: 1 } },
      ],
    });
    const answer = await fetch(`${health}/v1/ingest`, { method: 'POST', headers, body });
    if (answer.status !== 200) throw new Error(`POST /v1/ingest answered ${answer.status}: ${await answer.text()}`);
  };
  for (const [i, { seconds, traceId }] of TRACED.entries()) await send(i, seconds, traceId);
  await send(TRACED.length, UNTRACED_SECONDS);
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await platform?.stop();
  await receiver?.close();
  await new Promise((resolve) => textOnly?.server.close(resolve));
});

describe('exemplars through a real Prometheus', () => {
  it('the response-time histogram’s exemplars carry each ingest request’s trace id, and those traces were exported', async () => {
    const found = await waitFor(
      'an exemplar for every request',
      async () => {
        const list = await exemplars(`swarmscope_agent_response_time_seconds_bucket{model="${MODEL}"}`);
        return list.length >= TRACED.length + 1 ? list : undefined;
      },
      { timeoutMs: 30_000 },
    );
    const byValue = new Map(found.map((e) => [Number(e.value), e.labels]));
    for (const { seconds, traceId } of TRACED) expect(byValue.get(seconds)).toEqual({ trace_id: traceId });
    const started = byValue.get(UNTRACED_SECONDS)?.trace_id;
    expect(started).toMatch(/^[0-9a-f]{32}$/);
    expect(TRACED.map((t) => t.traceId)).not.toContain(started);
    // Every exemplar points at a trace the platform exported, with its handling of the ingest request in it.
    const exported = await waitFor(
      'the ingest traces exported',
      async () => {
        const traces = ingestTraces();
        return found.every((e) => traces.has(e.labels.trace_id!)) ? traces : undefined;
      },
      { detail: () => JSON.stringify([...ingestTraces()]) },
    );
    expect(exported.size).toBeGreaterThanOrEqual(TRACED.length + 1);
  });

  it('the detection-latency histogram’s exemplars carry the trace of the ingest request that brought the sample', async () => {
    const found = await waitFor(
      'a detection-latency exemplar',
      async () => {
        const list = await exemplars('swarmscope_detection_latency_seconds_bucket');
        return list.length > 0 ? list : undefined;
      },
      { timeoutMs: 30_000 },
    );
    const sent = new Set([...TRACED.map((t) => t.traceId), ...ingestTraces()]);
    for (const exemplar of found) {
      expect(Object.keys(exemplar.labels)).toEqual(['trace_id']);
      expect(sent.has(exemplar.labels.trace_id!)).toBe(true);
    }
  });

  it('every panel query that shows exemplars gets them from Prometheus as Grafana asks, under the label its data source links to Jaeger', async () => {
    const { datasources } = readYaml<DatasourceProvisioning>('grafana/provisioning/datasources/swarmscope.yaml');
    const panels = loadDashboards().flatMap(({ dashboard }) =>
      dashboard.panels.flatMap((panel) =>
        (panel.targets ?? [])
          .filter((t) => t.exemplar)
          .map((t) => ({
            panel: `${dashboard.title} · ${panel.title} ${t.refId}`,
            uid: t.datasource?.uid,
            expr: t.expr!,
          })),
      ),
    );
    expect(panels.length).toBeGreaterThanOrEqual(5);
    const all = Object.fromEntries(
      loadDashboards()
        .flatMap((d) => d.dashboard.templating.list)
        .map((v) => [v.name, '.*']),
    );
    for (const { panel, uid, expr } of panels) {
      const source = datasources.find((d) => d.uid === uid);
      const destination = source?.jsonData?.exemplarTraceIdDestinations?.[0];
      expect({ panel, destination }).toEqual({
        panel,
        destination: expect.objectContaining({
          name: 'trace_id',
          datasourceUid: datasources.find((d) => d.type === 'jaeger')!.uid,
        }),
      });
      const found = await exemplars(substitute(expr, all));
      expect({
        panel,
        withTrace: found.filter((e) => /^[0-9a-f]{32}$/.test(e.labels[destination!.name] ?? '')).length > 0,
      }).toEqual({ panel, withTrace: true });
    }
  });

  it('Prometheus scraped every service, and the text-only stand-in, without an error', async () => {
    type Targets = { data: { activeTargets: Array<{ labels: { job: string }; health: string; lastError: string }> } };
    // Scraped at least once each ('unknown' until then).
    const jobs = await waitFor('every target scraped', async () => {
      const targets = (await (await fetch(`${prometheus.url}/api/v1/targets`)).json()) as Targets;
      const list = targets.data.activeTargets.filter((t) => t.labels.job !== 'prometheus');
      return list.every((t) => t.health !== 'unknown') ? list : undefined;
    });
    expect(jobs.map((t) => t.labels.job).sort()).toEqual([
      'anomaly-detector',
      'autoscaler',
      'emergence-detector',
      'health-monitor',
      'health-monitor-text',
      'incidents',
    ]);
    for (const target of jobs)
      expect({ job: target.labels.job, health: target.health, lastError: target.lastError }).toEqual({
        job: target.labels.job,
        health: 'up',
        lastError: '',
      });
  });

  it('the same series arrive whether health-monitor is scraped as OpenMetrics or as text; only OpenMetrics brings exemplars', async () => {
    const value = async (expr: string) => (await prometheus.query(expr)).data?.result[0]?.value?.[1];
    for (const job of ['health-monitor', 'health-monitor-text']) {
      const requests = await waitFor(`requests scraped by ${job}`, () =>
        value(`sum(swarmscope_agent_requests_total{job="${job}",model="${MODEL}"})`),
      );
      expect({ job, requests }).toEqual({ job, requests: String(TRACED.length + 1) });
      expect({
        job,
        count: await value(`sum(swarmscope_agent_response_time_seconds_count{job="${job}",model="${MODEL}"})`),
      }).toEqual({ job, count: String(TRACED.length + 1) });
      expect({ job, cpu: Number(await value(`sum(process_cpu_seconds_total{job="${job}"})`)) > 0 }).toEqual({
        job,
        cpu: true,
      });
    }
    expect(
      (await exemplars(`swarmscope_agent_response_time_seconds_bucket{job="health-monitor",model="${MODEL}"}`)).length,
    ).toBeGreaterThan(0);
    expect(
      await exemplars(`swarmscope_agent_response_time_seconds_bucket{job="health-monitor-text",model="${MODEL}"}`),
    ).toEqual([]);
  });
});
