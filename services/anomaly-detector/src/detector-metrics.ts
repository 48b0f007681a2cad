import { RISK_CLASSES, SEVERITIES, scrapedGauge, type ServiceRegistry } from '@swarmscope/core';
import { Counter, Histogram } from 'prom-client';
import type { AnomalyEngine } from './engine/engine-port';
import { ANOMALY_TYPES } from './detectors/agent/signal';

/** anomaly-detector's Prometheus metrics; labels are bounded (types, severities, pools), never agents. */
/** `openAnomalies` counts this replica's own open anomalies (its shards' agents), so sums over replicas hold. */
export function createDetectorMetrics(registry: ServiceRegistry, engine: AnomalyEngine, openAnomalies: () => number) {
  const registers = [registry];
  return {
    anomalies: new Counter({
      name: 'swarmscope_anomalies_total',
      help: 'Anomalies opened, by type, severity, risk class and pool.',
      labelNames: ['type', 'severity', 'risk', 'pool'] as const,
      registers,
    }),
    openAnomalies: scrapedGauge(
      registry,
      'swarmscope_anomalies_open',
      'Anomalies open now among the agents of the shards this replica owns.',
      () => openAnomalies(),
    ),
    detectionLatency: new Histogram({
      name: 'swarmscope_detection_latency_seconds',
      help: 'From a sample accepted by health-monitor to its verdict here (includes the bus); exemplars carry the trace_id of the ingest request.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2, 3, 5],
      enableExemplars: true,
      registers,
    }),
    reports: new Counter({ name: 'swarmscope_detector_reports_total', help: 'Reports scored.', registers }),
    stateBytes: scrapedGauge(
      registry,
      'swarmscope_detector_state_bytes',
      'Bytes of detector state held (every tracked agent and its streams).',
      () => engine.stateBytes(),
    ),
    agents: scrapedGauge(registry, 'swarmscope_detector_agents', 'Agents tracked.', () => engine.agents()),
  };
}
export type DetectorMetrics = ReturnType<typeof createDetectorMetrics>;

/**
 * Creates every (type, severity, risk) series of a pool at 0 the first time the pool is seen — on its first report,
 * before any anomaly — so `increase()` over a window sees a pool's first burst as a rise, not as series that appear.
 */
export function initPool(metrics: DetectorMetrics, seenPools: Set<string>, pool: string): void {
  if (seenPools.has(pool)) return;
  seenPools.add(pool);
  for (const type of ANOMALY_TYPES)
    for (const severity of SEVERITIES)
      for (const risk of RISK_CLASSES) metrics.anomalies.inc({ type, severity, risk, pool }, 0);
}

/** Counts an opened anomaly (its pool's series created first if it was never seen). */
export function countOpened(
  metrics: DetectorMetrics,
  seenPools: Set<string>,
  labels: { type: string; severity: string; risk: string; pool: string },
): void {
  initPool(metrics, seenPools, labels.pool);
  metrics.anomalies.inc(labels);
}
