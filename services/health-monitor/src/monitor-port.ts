import type { Interaction, SampleReport, ServiceMetrics, Store } from '@swarmscope/core';
import type { HealthMonitorEnv } from './env';
import type { FleetState } from './fleet-state';
import type { IngestRate } from './ingest-rate';
import type { InteractionGraph } from './interaction-graph';
import type { MonitorMetrics } from './monitor-metrics';
import type { ToolUsageTable } from './tool-usage';

/**
 * What the HTTP routes, the OTLP receiver and the fleet summary use of the health-monitor: a narrow port that
 * `HealthMonitor` implements, so none of them imports the class (and the class's imports of them make no cycle).
 */
export interface HealthMonitorPort {
  readonly deps: { readonly env: HealthMonitorEnv; readonly store: Store };
  readonly fleet: FleetState;
  readonly graph: Pick<InteractionGraph, 'openWindows'>;
  readonly tools: Pick<ToolUsageTable, 'entries' | 'ofAgent'>;
  readonly metrics: Pick<ServiceMetrics, 'registry'>;
  readonly monitorMetrics: Pick<MonitorMetrics, 'rejectedBatches'>;
  readonly rate: Pick<IngestRate, 'samplesPerSecond' | 'reportsPerSecond'>;
  readonly rejectedReports: number;
  readonly now: () => number;
  accept(reports: SampleReport[]): Promise<number>;
  acceptInteractions(interactions: Interaction[]): Promise<void>;
  countRejected(byReason: Readonly<Record<string, number>>): number;
}
