export {
  busConsumerVar,
  ConfigError,
  commonEnv,
  intVar,
  listVar,
  maxFutureSkewVar,
  numberVar,
  parseEnv,
  urlVar,
} from './config/env';
export { listenFailure, STARTUP_EXIT_CODE, StartupError, startupFailureLine } from './startup-error';
export { ERROR_CODES, HttpError, invalidFields } from './errors';
export { limitQuery, MAX_METRIC_MAGNITUDE, metricValue, parseOrThrow, sinceQuery, toFieldIssues } from './validation';
export {
  agentIdSchema,
  agentMetricsSchema,
  analyzeInteractionSchema,
  analyzeReportSchema,
  detectReportSchema,
  interactionInputSchema,
  isPlainValidReport,
  labelsSchema,
  metricsSchema,
  qualitySchema,
  registerSchema,
  REPORT_DEFAULTS,
  REPORT_LIMITS,
  reportSchema,
  STANDARD_NAMES,
  toolsSchema,
} from './report-schema';
export type { ReportInput } from './report-schema';
export { INGEST_LIMITS } from '@swarmscope/protocol';
export { createLogger } from './logger';
export { createServiceMetrics, exemplarOf, scrapedGauge } from './telemetry/metrics';
export { BusConsumers, publishByKey } from './bus/consume';
export { defineService, listenService, portVariableOf, startService } from './service/kit';
export { createServiceApp } from './http/service-app';
export { activeTraceId } from './telemetry/trace-context';
export { createHttpApp, toHttpError } from './http/app';
export { listen } from './http/server';
export { jsonBodiesOnly, OTLP_BODY_TYPES } from './http/json-only';
export type { OtherBodyTypes } from './http/json-only';
export { requireScope } from './http/auth';
export { parseApiKeys, SCOPES, secretFor } from './http/api-keys';
export { TokenBuckets } from './http/token-bucket';
export { rateLimitsFrom } from './config/env';
export { createBackends, openBackends } from './backends';
export { connectRedis, pingRedis } from './redis-client';
export { onShutdownSignal, runServiceProcess } from './shutdown';
export { boundHeapGrowth } from './heap-growth';
export type { ServiceProcess } from './shutdown';
export type { RunningService, ServiceContext, ServiceDefinition, ServiceDeps, ServiceInstance } from './service/kit';
export type { ServiceAppOptions } from './http/service-app';
export { AGENT_STATUSES } from './store/types';
export { MemoryStore } from './store/memory-store';
export { RedisStore } from './store/redis-store';
export { MemoryBus } from './bus/memory-bus';
export { RedisBus } from './bus/redis-bus';
export { shardOf } from './bus/shard';
export {
  decodeReportColumns,
  encodeReportColumns,
  reportColumnsTransfer,
  type ReportColumns,
} from './bus/report-columns';
export { MemoryShardLeases, RedisShardLeases } from './leases/shard-leases';
export {
  anomalyEventSchema,
  EMERGENCE_TYPES,
  INCIDENT_STATUSES,
  incidentChangeSchema,
  incidentSchema,
  NARRATION_SOURCES,
  emergenceEventSchema,
  INTERACTION_KINDS,
  INTERACTION_OUTCOMES,
  interactionSchema,
  RISK_CLASSES,
  SEVERITIES,
  sampleReportSchema,
  topics,
  windowEventSchema,
  windowSummarySchema,
} from './bus/topics';

export type { CommonEnv } from './config/env';
export type { ErrorCode, FieldIssue } from './errors';
export type { Logger } from './logger';
export type { MetricsFormat, ServiceMetrics, ServiceRegistry } from './telemetry/metrics';
export type { HttpAppOptions, ReadinessCheck } from './http/app';
export type { RunningServer } from './http/server';
export type { ApiKey, Scope } from './http/api-keys';
export type { RateLimits } from './http/auth';
export type { BucketRate } from './http/token-bucket';
export type { BackendEnv, Backends, BackendOptions } from './backends';
export type { RedisClient, RedisConnectOptions } from './redis-client';
export type {
  AgentFilter,
  AgentRecord,
  AgentStatus,
  AgentStore,
  DocumentStore,
  EdgeSummary,
  LogStore,
  GraphWindow,
  IncidentFilter,
  IncidentStore,
  Page,
  PageRequest,
  Store,
  RangePercentiles,
  WindowHistory,
  ToolUsageRow,
  ToolUsageQuery,
  WindowStore,
  WindowSummary,
} from './store/types';
export type { ShardLeases } from './leases/shard-leases';
export type { Bus, BusMessage, PayloadOf, SubscribeOptions, Subscription, Topic } from './bus/types';
export type {
  AnomalyEvent,
  EmergenceEvent,
  Incident,
  IncidentAnomaly,
  IncidentChange,
  IncidentEmergence,
  IncidentStatus,
  Interaction,
  Narrative,
  SampleReport,
  TimelineEntry,
  WindowEvent,
} from './bus/topics';
