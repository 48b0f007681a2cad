/** @swarmscope/emergence-detector: what the fleet does as a whole. */
export { EmergenceEngine, DEFAULT_ENGINE_OPTIONS, ORDER_PARAMETERS } from './engine';
export { DEFAULT_THRESHOLDS, EMERGENCE_TYPES } from './types';

export type { EngineOptions, FleetSnapshot, OrderParameterName, OrderParameters, TickAnalysis } from './engine';
export type { EmergenceType, Finding, PathStep, Thresholds } from './types';
export type { WarningRecord } from './warning-record';

// The service edge.
export { EmergenceDetector, CONSUMER_GROUP, SERVICE_NAME } from './emergence-detector';
export { EventLog } from './event-log';
export { EngineThread } from './engine-thread';
export { emergenceDetectorEnv } from './env';
export { emergenceDetectorInstance, runEmergenceDetector } from './run';
export { emergenceDetectorService } from './service';
export type { EmergenceDetectorDeps } from './emergence-detector';
export type { AdvanceResult } from './engine-thread';
export type { TickResult } from './engine-protocol';
export type { EmergenceDetectorEnv } from './env';
export type { EventQuery } from './event-log';
export type { RunningEmergenceDetector } from './run';
