import type { ServiceRegistry } from '@swarmscope/core';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { AnomalyEngine } from './engine-port';
import type { AnomalyLog } from './anomaly-log';

/** anomaly-detector's Prometheus metrics; labels are bounded (types, severities, pools), never agents. */
export function createDetectorMetrics(registry: ServiceRegistry, engine: AnomalyEngine, log: AnomalyLog) {
  const registers = [registry];
  return {
    anomalies: new Counter({
      name: 'swarmscope_anomalies_total',
      help: 'Anomalies opened, by type, severity and pool.',
      labelNames: ['type', 'severity', 'pool'] as const,
      registers,
    }),
    openAnomalies: new Gauge({
      name: 'swarmscope_anomalies_open',
      help: 'Anomalies open now.',
      registers,
      collect() {
        this.set(log.counts().open);
      },
    }),
    detectionLatency: new Histogram({
      name: 'swarmscope_detection_latency_seconds',
      help: 'From a sample accepted by health-monitor to its verdict here (includes the bus); exemplars carry the trace_id of the ingest request.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      enableExemplars: true,
      registers,
    }),
    reports: new Counter({ name: 'swarmscope_detector_reports_total', help: 'Reports scored.', registers }),
    stateBytes: new Gauge({
      name: 'swarmscope_detector_state_bytes',
      help: 'Bytes of detector state held (every tracked agent and its streams).',
      registers,
      collect() {
        this.set(engine.stateBytes());
      },
    }),
    agents: new Gauge({
      name: 'swarmscope_detector_agents',
      help: 'Agents tracked.',
      registers,
      collect() {
        this.set(engine.agents());
      },
    }),
  };
}
export type DetectorMetrics = ReturnType<typeof createDetectorMetrics>;
