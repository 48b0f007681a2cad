import { getJson, query } from '../api';
import { Chart } from '../chart';
import { fmt } from '../format';
import { html } from '../html';
import { usePoll } from '../poll';
import { PALETTE } from '../palette';
import type { Anomaly, FleetSummary, Page, ToolUsage, Trends, WindowSummary } from '../types';
import { Panel } from '../widgets';

const HOUR = 3_600_000;

interface ModelUsage {
  model: string;
  agents: number;
  windows: WindowSummary[];
}

const total = (windows: readonly WindowSummary[], pick: (w: WindowSummary) => number) =>
  windows.reduce((sum, w) => sum + pick(w), 0);

/** How the fleet uses AI: model usage, token trends, error analysis, function (tool) usage. */
export function UsageView() {
  const models = usePoll(
    async (): Promise<ModelUsage[]> => {
      const summary = await getJson<FleetSummary>('health', '/fleet/summary');
      const from = Date.now() - 6 * HOUR;
      return Promise.all(
        Object.entries(summary.agents.byModel).map(async ([model, agents]) => ({
          model,
          agents,
          windows: (await getJson<Trends>('health', `/windows/model/${encodeURIComponent(model)}${query({ from })}`))
            .windows,
        })),
      );
    },
    [],
    30_000,
  );
  const tools = usePoll(() => getJson<ToolUsage>('health', '/tools'), [], 15_000);
  const anomalies = usePoll(() => getJson<Page<Anomaly>>('anomaly', `/anomalies${query({ limit: 1000 })}`), [], 15_000);
  const list = models.data ?? [];
  const times = [...new Set(list.flatMap((m) => m.windows.map((w) => w.start)))].sort((a, b) => a - b);
  const byTime = (m: ModelUsage, pick: (w: WindowSummary) => number) => {
    const at = new Map(m.windows.map((w) => [w.start, pick(w)]));
    return times.map((t) => at.get(t) ?? null);
  };
  const byType = new Map<string, number>();
  for (const a of anomalies.data?.items ?? []) byType.set(a.type, (byType.get(a.type) ?? 0) + 1);
  const toolRows = [...(tools.data?.tools ?? [])].sort((a, b) => b.calls - a.calls);
  const byTool = new Map<string, { tool: string; calls: number; errors: number }>();
  for (const t of toolRows) {
    const entry = byTool.get(t.tool) ?? { tool: t.tool, calls: 0, errors: 0 };
    entry.calls += t.calls;
    entry.errors += t.errors;
    byTool.set(t.tool, entry);
  }
  const failingTools = [...byTool.values()]
    .filter((t) => t.errors > 0)
    .sort((a, b) => b.errors - a.errors)
    .slice(0, 10);
  // Reports carry a tool_calls count (a metric) beside the per-tool breakdown: its window means draw a trend.
  const toolTrend = list.some((m) => m.windows.some((w) => w.means.tool_calls !== undefined));

  return html`<div class="view" data-view="usage">
    <${Panel} title="Model usage (last 6 h)" error=${models.error} loading=${!models.data}>
      <table class="table" data-table="models">
        <thead><tr><th>model</th><th>agents</th><th>requests</th><th>error rate</th><th>input tokens</th><th>output tokens</th><th>cost</th><th>p95 (last window)</th></tr></thead>
        <tbody>
          ${list.map((m) => {
            const requests = total(m.windows, (w) => w.count);
            const last = m.windows[m.windows.length - 1];
            return html`<tr>
              <td>${m.model}</td>
              <td>${fmt.int(m.agents)}</td>
              <td>${fmt.int(requests)}</td>
              <td>${fmt.pct(requests ? total(m.windows, (w) => w.errors) / requests : 0)}</td>
              <td>${fmt.int(total(m.windows, (w) => w.inputTokens))}</td>
              <td>${fmt.int(total(m.windows, (w) => w.outputTokens))}</td>
              <td>${fmt.usd(total(m.windows, (w) => w.costUsd))}</td>
              <td>${last ? fmt.seconds(last.latency.p95) : '–'}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </${Panel}>
    <${Panel} title="Model usage over time" loading=${!models.data}>
      <div class="grid2">
        <${Chart} title="Requests per window, by model" times=${times} series=${list.map((m, i) => ({ label: m.model, color: PALETTE[i % PALETTE.length], values: byTime(m, (w) => w.count) }))} />
        <${Chart} title="Latency p95 per window (s), by model" times=${times} series=${list.map((m, i) => ({ label: m.model, color: PALETTE[i % PALETTE.length], values: byTime(m, (w) => w.latency.p95) }))} />
      </div>
    </${Panel}>
    <${Panel} title="Token usage trends" loading=${!models.data}>
      <div class="grid2">
        <${Chart} title="Input tokens per window, by model" times=${times} series=${list.map((m, i) => ({ label: m.model, color: PALETTE[i % PALETTE.length], values: byTime(m, (w) => w.inputTokens) }))} />
        <${Chart} title="Output tokens per window, by model" times=${times} series=${list.map((m, i) => ({ label: m.model, color: PALETTE[i % PALETTE.length], values: byTime(m, (w) => w.outputTokens) }))} />
        <${Chart} title="Cost per window (USD), by model" times=${times} series=${list.map((m, i) => ({ label: m.model, color: PALETTE[i % PALETTE.length], values: byTime(m, (w) => w.costUsd) }))} />
      </div>
    </${Panel}>
    <${Panel} title="Error analysis" error=${anomalies.error} loading=${!models.data}>
      <div class="grid2">
        <${Chart} title="Error rate per window, by model" times=${times} format=${(v: number) => `${(v * 100).toFixed(1)}%`} series=${list.map((m, i) => ({ label: m.model, color: PALETTE[i % PALETTE.length], values: byTime(m, (w) => w.errorRate) }))} />
        <div>
          <h3>Anomalies by type (newest 1,000)</h3>
          <table class="table" data-table="anomaly-types"><tbody>${[...byType]
            .sort((a, b) => b[1] - a[1])
            .map(
              ([type, n]) =>
                html`<tr>
                  <td>${type}</td>
                  <td>${fmt.int(n)}</td>
                </tr>`,
            )}</tbody></table>
          ${byType.size === 0 ? html`<p class="muted">No anomaly.</p>` : null}
          <h3>Failing tools (all pools, since start)</h3>
          <table class="table" data-table="tool-errors">
            <thead><tr><th>tool</th><th>errors</th><th>error rate</th></tr></thead>
            <tbody>${failingTools.map(
              (t) =>
                html`<tr>
                  <td>${t.tool}</td>
                  <td>${fmt.int(t.errors)}</td>
                  <td>${fmt.pct(t.errors / t.calls)}</td>
                </tr>`,
            )}</tbody>
          </table>
          ${failingTools.length === 0 ? html`<p class="muted">No tool error.</p>` : null}
        </div>
      </div>
    </${Panel}>
    <${Panel} title="Function (tool) usage since start" error=${tools.error} loading=${!tools.data}>
      ${
        toolTrend
          ? html`<${Chart}
              title="Tool calls per report, per window, by model"
              times=${times}
              series=${list.map((m, i) => ({ label: m.model, color: PALETTE[i % PALETTE.length], values: byTime(m, (w) => w.means.tool_calls ?? 0) }))}
            />`
          : null
      }
      <table class="table" data-table="tools">
        <thead><tr><th>tool</th><th>pool</th><th>calls</th><th>errors</th><th>error rate</th><th>mean duration</th></tr></thead>
        <tbody>
          ${toolRows.slice(0, 100).map(
            (t) =>
              html`<tr>
                <td>${t.tool}</td>
                <td>${t.pool}</td>
                <td>${fmt.int(t.calls)}</td>
                <td>${fmt.int(t.errors)}</td>
                <td>${fmt.pct(t.calls ? t.errors / t.calls : 0)}</td>
                <td>${fmt.seconds(t.calls ? t.durationSeconds / t.calls : 0)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${tools.data?.tools.length === 0 ? html`<p class="muted">No tool call reported.</p>` : null}
    </${Panel}>
  </div>`;
}
