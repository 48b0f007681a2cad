import type { FleetSummary } from '@swarmscope/protocol';
import type { HealthMonitorPort } from './monitor-port';

export type { FleetSummary } from '@swarmscope/protocol';

/** The fleet at a glance: what `swarmscope start` prints and `/fleet/summary` serves. */
export function fleetSummary(monitor: HealthMonitorPort): FleetSummary {
  const counts = monitor.fleet.countBy();
  const recent = monitor.fleet.recentFleetWindow().summarize(monitor.deps.env.WINDOW_SECONDS * 1000);
  return {
    agents: { total: monitor.fleet.agents.size, byStatus: counts.status, byModel: counts.model, byPool: counts.pool },
    latencySeconds: {
      p50: recent.latency.p50,
      p95: recent.latency.p95,
      p99: recent.latency.p99,
      samples: recent.latency.samples,
    },
    errorRate: recent.errorRate,
    ingest: {
      samplesPerSecond: monitor.rate.samplesPerSecond,
      reportsPerSecond: monitor.rate.reportsPerSecond,
      rejectedReports: monitor.rejectedReports,
      lateReports: monitor.fleet.lateReports,
    },
  };
}
