import type { FleetSummary } from '@swarmscope/health-monitor';

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** One line: agents by status, samples/s, rejected, p95 latency (and what the demo fleet's SDK dropped). */
export function formatSummaryLine(summary: FleetSummary, dropped?: number): string {
  const s = summary.agents.byStatus;
  const parts = [
    `agents ${number.format(summary.agents.total)} (healthy ${s.healthy} · degraded ${s.degraded} · unhealthy ${s.unhealthy} · unresponsive ${s.unresponsive})`,
    `${number.format(summary.ingest.samplesPerSecond)} samples/s`,
    `rejected ${number.format(summary.ingest.rejectedReports)}`,
    `p95 ${summary.latencySeconds.samples > 0 ? `${summary.latencySeconds.p95.toFixed(2)} s` : '–'}`,
  ];
  if (dropped !== undefined) parts.push(`sdk dropped ${number.format(dropped)}`);
  return parts.join(' · ');
}
