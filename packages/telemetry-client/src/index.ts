/** @swarmscope/telemetry-client: what agent code imports to report to Swarmscope's health-monitor. */
export { AgentMonitor } from './agent-monitor';
export { Fleet } from './fleet';
export { FleetError } from './errors';
export { backoffDelay, parseRetryAfter } from './backoff';
export { MAX_BODY_BYTES, MAX_REPORTS_PER_BODY } from './encode';

export type { FleetErrorDetails, FleetErrorKind } from './errors';
export type {
  AgentMonitorOptions,
  BackoffOptions,
  CloseOptions,
  FleetOptions,
  FleetStats,
  IngestError,
  IngestResponse,
  QualityScores,
  Report,
  ReportMetrics,
  ReportQuality,
  RequestSample,
  ResourceSample,
} from './types';
