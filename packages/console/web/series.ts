import type { ChartSeries } from './chart';
import { PALETTE } from './palette';
import type { WindowSummary } from './types';

/** Charts of a run of closed windows: latency percentiles, requests and errors, tokens, cost. */
export function windowCharts(
  windows: readonly WindowSummary[],
): Array<{ title: string; series: ChartSeries[]; format?: (v: number) => string }> {
  const pick = (f: (w: WindowSummary) => number) => windows.map(f);
  return [
    {
      title: 'Latency (s)',
      series: [
        { label: 'p50', color: PALETTE[0]!, values: pick((w) => w.latency.p50) },
        { label: 'p95', color: PALETTE[1]!, values: pick((w) => w.latency.p95) },
        { label: 'p99', color: PALETTE[3]!, values: pick((w) => w.latency.p99) },
      ],
    },
    {
      title: 'Requests and errors per window',
      series: [
        { label: 'requests', color: PALETTE[0]!, values: pick((w) => w.count) },
        { label: 'errors', color: PALETTE[3]!, values: pick((w) => w.errors) },
      ],
    },
    {
      title: 'Tokens per window',
      series: [
        { label: 'input', color: PALETTE[2]!, values: pick((w) => w.inputTokens) },
        { label: 'output', color: PALETTE[4]!, values: pick((w) => w.outputTokens) },
      ],
    },
    {
      title: 'Cost per window (USD)',
      series: [{ label: 'cost', color: PALETTE[1]!, values: pick((w) => w.costUsd) }],
      format: (v) => `$${v.toPrecision(3)}`,
    },
  ];
}

/** The quality scores (and other means) a run of windows carries, one series each. */
export function meanCharts(windows: readonly WindowSummary[], names: readonly string[]): ChartSeries[] {
  return names.map((name, i) => ({
    label: name,
    color: PALETTE[i % PALETTE.length]!,
    values: windows.map((w) => w.means[name] ?? null),
  }));
}
