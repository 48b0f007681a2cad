export { HealthMonitor, SERVICE_NAME } from './health-monitor';
export { backendsFor, runHealthMonitor } from './run';
export { fleetSummary } from './fleet-summary';
export { healthMonitorEnv } from './env';
export { assessHealth } from './health-score';

export type { HealthMonitorDeps } from './health-monitor';
export type { FleetSummary } from './fleet-summary';
export type { RunningHealthMonitor } from './run';
export type { HealthMonitorEnv } from './env';
export type { HealthAssessment, HealthPolicy, HealthSignals } from './health-score';
