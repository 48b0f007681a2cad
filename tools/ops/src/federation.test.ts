import { startPrometheus, type LocalPrometheus } from './local-prometheus';
import { renderScrapeConfig } from './render-scrape-config';
import { startStaticMetrics } from './static-metrics-server';
import { waitFor } from './wait-for';

// What a health-monitor exposes, trimmed: two pools, one of them half unresponsive.
const EXPOSITION = `# TYPE swarmscope_agents gauge
swarmscope_agents{status="healthy",model="gpt-4o",pool="support",agent_id="leaks-a-per-agent-label"} 6
swarmscope_agents{status="unresponsive",model="gpt-4o",pool="support"} 4
swarmscope_agents{status="healthy",model="claude-sonnet-4",pool="coding"} 10
# TYPE swarmscope_ingest_reports_total counter
swarmscope_ingest_reports_total 1000
`;

describe('federation.yml: a global Prometheus federating a datacenter one', () => {
  let metrics: Awaited<ReturnType<typeof startStaticMetrics>>;
  let datacenter: LocalPrometheus;
  let global: LocalPrometheus;

  beforeAll(async () => {
    metrics = await startStaticMetrics(EXPOSITION);
    datacenter = await startPrometheus(
      renderScrapeConfig('prometheus/prometheus.yml', { 'health-monitor': metrics.address }).yaml,
    );
    global = await startPrometheus(
      renderScrapeConfig('prometheus/federation.yml', { federate: new URL(datacenter.url).host }).yaml,
    );
  }, 60_000);

  afterAll(async () => {
    await global?.stop();
    await datacenter?.stop();
    await metrics?.close();
  });

  it('the datacenter drops per-agent labels when it scrapes', async () => {
    const answer = await waitFor('swarmscope_agents scraped', async () => {
      const a = await datacenter.query('swarmscope_agents');
      return a.data?.result.length ? a : undefined;
    });
    expect(answer.data!.result.every((s) => !('agent_id' in s.metric))).toBe(true);
  });

  it('pulls the aggregated recording rules, labelled with their datacenter, and no raw series', async () => {
    const failing = await waitFor(
      'swarmscope:pool_agents_failing:ratio federated',
      async () => {
        const a = await global.query('swarmscope:pool_agents_failing:ratio');
        return a.data && a.data.result.length === 2 ? a.data.result : undefined;
      },
      { timeoutMs: 45_000 },
    );
    const byPool = Object.fromEntries(failing.map((s) => [s.metric.pool, Number(s.value![1])]));
    expect(byPool).toEqual({ support: 0.4, coding: 0 });
    expect(failing.every((s) => s.metric.datacenter === 'local' && s.metric.federated_from === 'local')).toBe(true);

    const total = await global.query('swarmscope:agents:sum');
    expect(total.data?.result.map((s) => Number(s.value![1]))).toEqual([20]);
    const raw = await global.query('{__name__=~"swarmscope_.+"}');
    expect(raw).toMatchObject({ status: 'success', data: { result: [] } });
  });
});
