/** @swarmscope/telemetry-client: what agent code imports to report to Swarmscope's health-monitor. */
export { AgentMonitor } from './agent-monitor';
export { DEFAULT_BATCH_SIZE, Fleet, INGEST_PATH, INTERACTIONS_PATH } from './fleet';
export { ApiError, CLIENT_ERROR_CODES, FleetError } from './errors';
export { backoffDelay, parseRetryAfter } from './backoff';
export { MAX_BODY_BYTES, MAX_REPORTS_PER_BODY } from './encode';
export { costOfUsage, DEFAULT_PRICES, Pricing } from './pricing';
export { extract, inject } from './propagation';
export { quickRegisterAgent, quickUpdateMetrics } from './quick';
export {
  ATTR_AGENT_ID,
  ATTR_AGENT_NAME,
  ATTR_ERROR_TYPE,
  ATTR_CALLER_AGENT_ID,
  ATTR_CONVERSATION_ID,
  ATTR_INTERACTION_KIND,
  ATTR_OPERATION_NAME,
  ATTR_PROVIDER_NAME,
  ATTR_REQUEST_MODEL,
  ATTR_RESPONSE_MODEL,
  ATTR_TOKEN_TYPE,
  ATTR_TOOL_NAME,
  ATTR_USAGE_INPUT_TOKENS,
  ATTR_USAGE_CACHE_CREATION_TOKENS,
  ATTR_USAGE_CACHE_READ_TOKENS,
  ATTR_USAGE_OUTPUT_TOKENS,
  ATTR_USAGE_REASONING_TOKENS,
  GEN_AI_OPERATIONS,
  INSTRUMENTATION_SCOPE,
  METRIC_EXECUTE_TOOL_DURATION,
  METRIC_INVOKE_AGENT_DURATION,
  METRIC_OPERATION_DURATION,
  METRIC_TOKEN_USAGE,
  MODEL_CALL_OPERATIONS,
  TOKEN_METRIC_NAMES,
} from './gen-ai-telemetry';
export { VERSION } from './version';

export type { ApiIssue, ClientErrorCode, FleetChannel, FleetErrorDetails, FleetErrorKind } from './errors';
export type { GenAiOperationName } from './gen-ai-telemetry';
export type { CallUsage, ModelPrice, PriceTable } from './pricing';
export type { HeaderCarrier, TraceHeaders } from './propagation';
export type { AgentMonitorOptions, AgentMonitorStartOptions } from './agent-monitor-options';
export type {
  AgentIdentity,
  AgentRecord,
  BackoffOptions,
  CloseOptions,
  DeliveryStats,
  FleetOptions,
  FleetStats,
  FlushOptions,
  IngestError,
  IngestResponse,
  Interaction,
  InteractionKind,
  InteractionOutcome,
  InteractionResponse,
  InteractionSample,
  MetricsResponse,
  QualityScores,
  QuickCallOptions,
  Report,
  ReportMetrics,
  ReportQuality,
  RequestSample,
  RequestScope,
  ResourceSample,
  TokenUsage,
  ToolCallSample,
  ToolUsage,
  TrackRequestOptions,
} from './types';
