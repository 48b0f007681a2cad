export { HealthMonitor, SERVICE_NAME } from './health-monitor';
export { backendsFor, healthMonitorInstance, runHealthMonitor } from './run';
export { healthMonitorService } from './service';
export { fleetSummary } from './fleet-summary';
export { healthMonitorEnv } from './env';
export { assessHealth } from './health-score';

export type { HealthMonitorDeps } from './health-monitor';
export type { FleetSummary } from './fleet-summary';
export type { RunningHealthMonitor } from './run';
export type { HealthMonitorEnv } from './env';
export type { HealthAssessment, HealthPolicy, HealthSignals } from './health-score';

// OTLP/HTTP in: the receiver, its span-id index and the official messages (for clients, tests and benchmarks).
export { mountOtlpRoutes, OtlpReceiver, OTLP_PATHS } from './otlp/otlp-receiver';
export { SpanIndex } from './otlp/span-index';
export {
  ExportMetricsServiceRequest,
  ExportMetricsServiceResponse,
  ExportTraceServiceRequest,
  ExportTraceServiceResponse,
} from './otlp/otlp-proto';
export type { IndexedSpan } from './otlp/span-index';
export type { MessageType } from './otlp/otlp-proto';
