import { dashboardQueries, loadDashboards, substitute, variableQuery, type DashboardQuery } from './dashboards';
import { startPrometheus, type LocalPrometheus } from './local-prometheus';
import { renderScrapeConfig } from './render-scrape-config';
import { startPlatform, type RunningPlatform } from './running-platform';

// Every query of every panel (and annotation) of every dashboard, evaluated by a real Prometheus that scrapes the
// running platform (`swarmscope start` with a simulated fleet) through prometheus/prometheus.yml and its rules.
// Panels must return data; annotations mark events (an emergence event, an early warning) and answer only while one
// happened, so theirs must parse and run. Every service embedded in `swarmscope start` (incidents too) is scraped
// through its job; a panel whose metric is missing is reported by name.

const dashboards = loadDashboards();
const queries = dashboards.flatMap((d) => dashboardQueries(d.dashboard));

let platform: RunningPlatform;
let prometheus: LocalPrometheus;

/** Things a fleet does not do by itself within seconds, done for real through the services' APIs. */
async function provokeErrorsAndAnAnomaly(health: string, detector: string): Promise<void> {
  // A 404, a partly invalid batch (one report refused) and a body that is not a batch (the whole batch refused).
  await fetch(`${health}/agents/no-such-agent`);
  const json = { 'content-type': 'application/json' };
  await fetch(`${health}/v1/ingest`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ reports: [{ agentId: 'bad', metrics: { cpu_percent: -1 } }] }),
  });
  await fetch(`${health}/v1/ingest`, { method: 'POST', headers: json, body: '{"reports": "none"}' });
  // An agent of pool support whose latency jumps from half a second to 30 s: the detector opens an anomaly.
  const t0 = Date.now() - 400_000;
  for (let i = 0; i < 306; i++) {
    const slow = i >= 300;
    const metrics = {
      response_time_seconds: slow ? 30 : 0.5 + ((i * 37) % 11) / 100,
      requests: 1,
      errors: 0,
      input_tokens: 500 + ((i * 13) % 7),
      output_tokens: 120 + ((i * 7) % 5),
    };
    const answer = await fetch(`${detector}/detect/ops-probe`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ timestamp: t0 + i * 1000, model: 'gpt-4o', pool: 'support', metrics }),
    });
    if (!answer.ok) throw new Error(`POST /detect answered ${answer.status}: ${await answer.text()}`);
  }
}

/** A query's problem with the dashboards' default selection (All), or undefined when it parses and returns data. */
async function problem(
  query: DashboardQuery,
  values: Record<string, string>,
  needData: boolean,
): Promise<string | undefined> {
  const expr = substitute(query.expr, values);
  const answer = await prometheus.query(expr);
  if (answer.status !== 'success')
    return `${query.dashboard} · ${query.where}: ${answer.errorType}: ${answer.error}\n    ${expr}`;
  if (needData && !answer.data?.result.length) return `${query.dashboard} · ${query.where}: no data\n    ${expr}`;
  return undefined;
}

beforeAll(async () => {
  // No 2-minute hold on latency shifts: the burst test watches the panel, not the hold (its own known-answer tests).
  platform = await startPlatform(200, { ANOMALY_HOLD_SECONDS: '0' });
  // The simulator job is left out: `start` runs the fleet inside the platform's process, without its own endpoint.
  prometheus = await startPrometheus(renderScrapeConfig('prometheus/prometheus.yml', platform.addresses).yaml);
  await provokeErrorsAndAnAnomaly(
    `http://${platform.addresses['health-monitor']}`,
    `http://${platform.addresses['anomaly-detector']}`,
  );
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await platform?.stop();
});

describe('dashboards against a real Prometheus scraping the running platform', () => {
  it('has queries to check', () => {
    expect(queries.length).toBeGreaterThan(40);
  });

  it('every panel query returns data, every annotation query runs, with every pool and model (All)', async () => {
    const all = Object.fromEntries(dashboards.flatMap((d) => d.dashboard.templating.list).map((v) => [v.name, '.*']));
    const deadline = Date.now() + 60_000;
    let problems: string[] = [];
    for (;;) {
      problems = (await Promise.all(queries.map((q) => problem(q, all, q.kind === 'panel')))).filter(
        (p): p is string => p !== undefined,
      );
      if (problems.length === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    expect(problems).toEqual([]);
  }, 90_000);

  it("a pool's first burst of anomalies shows on the anomalies-by-type panel (its series exist at 0 before it)", async () => {
    const detector = `http://${platform.addresses['anomaly-detector']}`;
    const panel = queries.find((q) => q.where.startsWith('panel "Error analysis: anomalies by type"'))!;
    expect(panel).toBeDefined();
    const json = { 'content-type': 'application/json' };
    // Five minutes of warm-up back-dated to end now; then the agents report in real time (a pause of theirs while the
    // test waits for a scrape would be a stop, and is reported as one).
    const t0 = Date.now() - 300_000;
    let last = t0 + 299_000;
    const post = async (agent: string, i: number, slow: boolean, at: number) => {
      const metrics = {
        response_time_seconds: slow ? 30 : 0.5 + ((i * 37) % 11) / 100,
        requests: 1,
        errors: 0,
        input_tokens: 500 + ((i * 13) % 7),
        output_tokens: 120 + ((i * 7) % 5),
      };
      const answer = await fetch(`${detector}/detect/${agent}`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ timestamp: at, model: 'gpt-4o', pool: 'burst', metrics }),
      });
      if (!answer.ok) throw new Error(`POST /detect answered ${answer.status}: ${await answer.text()}`);
    };
    let i = 300;
    const reportNow = async (slow: boolean) => {
      // A second of data time a report, never behind the clock (at most the burst's few seconds ahead of it).
      const at = (last = Math.max(last + 1000, Date.now()));
      for (const agent of agents) await post(agent, i, slow, at);
      i++;
    };
    const agents = ['burst-1', 'burst-2', 'burst-3'];
    // Warm-up only: pool "burst" has reported but had no anomaly. Prometheus must see its series at 0 first.
    for (const agent of agents) for (let k = 0; k < 300; k++) await post(agent, k, false, t0 + k * 1000);
    // The burst is one of latency: its series must be there at 0 (other types, e.g. a slow run's stop, are not the point).
    const zeroSeen = async () =>
      (await prometheus.query('sum(swarmscope_anomalies_total{pool="burst",type=~"latency.*"})')).data?.result[0]
        ?.value?.[1] === '0'
        ? true
        : undefined;
    for (let deadline = Date.now() + 20_000; !(await zeroSeen());) {
      if (Date.now() > deadline) throw new Error("Prometheus never scraped the pool's series at 0");
      await reportNow(false);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    // The burst: every agent's latency jumps within the same scrape interval, and stays up.
    for (let k = 0; k < 6; k++) await reportNow(true);
    const expr = substitute(panel.expr, { pool: 'burst', model: '.*' });
    let shown = 0;
    for (let deadline = Date.now() + 20_000; shown === 0 && Date.now() < deadline;) {
      const series = (await prometheus.query(expr)).data?.result ?? [];
      shown = series
        .filter((one) => /^latency/.test(one.metric['type'] ?? ''))
        .reduce((sum, one) => sum + Number(one.value?.[1] ?? 0), 0);
      if (shown === 0) {
        await reportNow(true);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    expect(shown).toBeGreaterThan(0);
  }, 90_000);

  it('the template variables list the fleet’s pools and models, and every query runs with one of each selected', async () => {
    const values: Record<string, string> = {};
    for (const variable of dashboards[0]!.dashboard.templating.list) {
      const { metric, label } = variableQuery(variable);
      const answer = (await (
        await fetch(`${prometheus.url}/api/v1/label/${label}/values?${new URLSearchParams({ 'match[]': metric })}`)
      ).json()) as { data: string[] };
      expect(answer.data.length).toBeGreaterThan(1);
      // Grafana escapes a selected value for =~ (gpt-4o-mini has no regex metacharacters but a dot would).
      values[variable.name] = answer.data[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&');
    }
    expect(Object.keys(values).sort()).toEqual(['model', 'pool']);
    const problems = (await Promise.all(queries.map((q) => problem(q, values, false)))).filter(Boolean);
    expect(problems).toEqual([]);
  });
});
