import type { SampleReport } from '@swarmscope/core';
import type { Report } from '@swarmscope/telemetry-client';

/** A generated report as health-monitor publishes it on the bus (the generator fills every field it sends). */
export function asSample(report: Report): SampleReport {
  return {
    agentId: report.agentId,
    timestamp: report.timestamp ?? 0,
    model: report.model ?? '',
    pool: report.pool ?? '',
    type: report.type ?? '',
    metrics: definedNumbers(report.metrics),
    quality: definedNumbers(report.quality),
  };
}

function definedNumbers(values: Readonly<Record<string, number | undefined>> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (values) for (const key in values) if (values[key] !== undefined) out[key] = values[key];
  return out;
}
