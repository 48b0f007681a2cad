import { readYaml } from './repo';
import { dashboardQueries, loadDashboards, overlaps, substitute, variableQuery } from './dashboards';

const dashboards = loadDashboards();

interface DatasourceProvisioning {
  datasources: Array<{
    uid: string;
    type: string;
    url: string;
    jsonData?: { exemplarTraceIdDestinations?: Array<{ name: string; datasourceUid: string }> };
  }>;
}
const provisioned = readYaml<DatasourceProvisioning>('grafana/provisioning/datasources/swarmscope.yaml').datasources;

describe('grafana dashboards', () => {
  it('are the three an operator asked for, with unique uids', () => {
    expect(dashboards.map((d) => d.dashboard.title).sort()).toEqual([
      'AI Agents Overview',
      'Emergence Monitoring',
      'System Performance',
    ]);
    const uids = dashboards.map((d) => d.dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  describe.each(dashboards.map((d) => [d.file, d.dashboard] as const))('%s', (_file, dashboard) => {
    it('has the fields Grafana needs: uid, title, schemaVersion, panels with id, type, title, datasource, targets and gridPos', () => {
      expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
      expect(dashboard.title.length).toBeGreaterThan(0);
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
      expect(dashboard.panels.length).toBeGreaterThan(5);
      const ids = dashboard.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const panel of dashboard.panels) {
        expect(panel.title.length).toBeGreaterThan(0);
        expect(['timeseries', 'stat', 'bargauge', 'piechart', 'table', 'gauge']).toContain(panel.type);
        expect(provisioned.map((d) => d.uid)).toContain(panel.datasource?.uid);
        expect(panel.targets?.length ?? 0).toBeGreaterThan(0);
        for (const target of panel.targets!) {
          expect(target.expr?.trim().length ?? 0).toBeGreaterThan(0);
          expect(target.datasource?.uid).toBe(panel.datasource?.uid);
        }
        const { x, y, w, h } = panel.gridPos;
        for (const n of [x, y, w, h]) expect(Number.isInteger(n)).toBe(true);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(w).toBeGreaterThan(0);
        expect(h).toBeGreaterThan(0);
        expect(x + w).toBeLessThanOrEqual(24);
      }
      const refIds = dashboard.panels.map((p) => p.targets!.map((t) => t.refId));
      for (const ids of refIds) expect(new Set(ids).size).toBe(ids.length);
    });

    it('no two panels overlap', () => {
      const clashes: string[] = [];
      dashboard.panels.forEach((a, i) =>
        dashboard.panels.slice(i + 1).forEach((b) => {
          if (overlaps(a.gridPos, b.gridPos)) clashes.push(`"${a.title}" and "${b.title}"`);
        }),
      );
      expect(clashes).toEqual([]);
    });

    it('has the pool and model template variables, answered by label_values queries', () => {
      const names = dashboard.templating.list.map((v) => v.name);
      expect(names).toEqual(expect.arrayContaining(['pool', 'model']));
      for (const variable of dashboard.templating.list) {
        expect(variableQuery(variable)).toEqual({ metric: 'swarmscope_agents', label: variable.name });
        expect(variable).toMatchObject({ type: 'query', includeAll: true, allValue: '.*' });
      }
    });

    it('uses only variables it defines', () => {
      const values = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, '.*']));
      for (const query of dashboardQueries(dashboard)) expect(() => substitute(query.expr, values)).not.toThrow();
    });
  });

  it('the overview and system dashboards use the template variables in their queries', () => {
    for (const title of ['AI Agents Overview', 'System Performance']) {
      const exprs = dashboardQueries(dashboards.find((d) => d.dashboard.title === title)!.dashboard).map((q) => q.expr);
      expect(exprs.some((e) => e.includes('$pool'))).toBe(true);
    }
    const overview = dashboardQueries(
      dashboards.find((d) => d.dashboard.title === 'AI Agents Overview')!.dashboard,
    ).map((q) => q.expr);
    expect(overview.some((e) => e.includes('$model'))).toBe(true);
  });

  it('latency histograms show exemplars, and the Prometheus data source links their trace_id to Jaeger', () => {
    const latency = dashboards
      .flatMap((d) => d.dashboard.panels)
      .flatMap((p) => p.targets ?? [])
      .filter((t) =>
        /swarmscope_agent_response_time_seconds_bucket|swarmscope_detection_latency_seconds_bucket/.test(t.expr ?? ''),
      );
    expect(latency.length).toBeGreaterThan(0);
    for (const target of latency) expect(target.exemplar).toBe(true);
    const prometheus = provisioned.find((d) => d.uid === 'prometheus')!;
    const jaeger = provisioned.find((d) => d.type === 'jaeger')!;
    expect(prometheus.jsonData?.exemplarTraceIdDestinations).toEqual([
      expect.objectContaining({ name: 'trace_id', datasourceUid: jaeger.uid }),
    ]);
  });

  it("the overview has the seed's four views of the fleet's AI: model usage, token usage, error analysis, function usage", () => {
    const overview = dashboards.find((d) => d.dashboard.title === 'AI Agents Overview')!.dashboard;
    const panelWith = (pattern: RegExp) =>
      overview.panels.filter((p) => (p.targets ?? []).some((t) => pattern.test(t.expr ?? ''))).map((p) => p.title);
    expect(panelWith(/sum by \(model\) \(swarmscope_agents\b/)).toContain('Model usage');
    expect(panelWith(/swarmscope_gen_ai_tokens_total/)).toContain('Token usage by model');
    expect(panelWith(/swarmscope_agent_errors_total/)).toContain('Error ratio by model');
    const functionUsage = overview.panels.find((p) => p.title.startsWith('Function usage'))!;
    expect(functionUsage.targets!.map((t) => t.expr)).toEqual([
      expect.stringMatching(/^sum by \(tool\) \(rate\(swarmscope_agent_tool_calls_total\{pool=~"\$pool"\}/),
      expect.stringMatching(
        /^sum by \(tool\) \(rate\(swarmscope_agent_tool_errors_total\{pool=~"\$pool"\}.*\/ \(sum by \(tool\) \(rate\(swarmscope_agent_tool_calls_total/,
      ),
    ]);
  });

  it('the emergence dashboard draws every order parameter and marks events and early warnings', () => {
    const emergence = dashboards.find((d) => d.dashboard.title === 'Emergence Monitoring')!.dashboard;
    const exprs = dashboardQueries(emergence)
      .map((q) => q.expr)
      .join('\n');
    for (const parameter of [
      'synchronization',
      'kuramoto_order',
      'state_entropy',
      'load_variance',
      'load_autocorrelation',
      'variance_trend_tau',
      'autocorrelation_trend_tau',
      'collective_learning',
      'swarm_intelligence',
    ]) {
      expect(exprs).toContain(parameter);
    }
    expect(emergence.annotations.list.filter((a) => a.expr).map((a) => a.name)).toEqual([
      'Emergence events',
      'Early warnings',
    ]);
  });
});
