/**
 * @swarmscope/protocol: the wire contract, once. Types, limits and enums of reports and interactions; no runtime
 * dependencies. The SDK imports it type-only; the ingest schema and the bus topics derive from it.
 */
export { AGENT_STATUSES } from './agent';
export { AGENT_ID_PATTERN, INGEST_LIMITS, NAME_PATTERN, REPORT_LIMITS } from './limits';
export {
  AMOUNT_METRICS,
  COUNT_METRICS,
  INTERACTION_KINDS,
  INTERACTION_OUTCOMES,
  QUALITY_SCORES,
  REPORT_DEFAULTS,
} from './enums';

export type { AgentRecord, AgentStatus } from './agent';
export type {
  CapacityFigures,
  DecidingStrategy,
  Decision,
  Direction,
  EvidenceVerdict,
  FleetSummary,
  GraphEdge,
  GraphNode,
  InteractionGraphAnswer,
  StrategyName,
} from './answers';
export type { IngestLimits, ReportLimits } from './limits';
export type { InteractionKind, InteractionOutcome } from './enums';
export type {
  AcceptedInteraction,
  AcceptedReport,
  Interaction,
  Report,
  ReportMetrics,
  ReportQuality,
  ToolUsage,
} from './report';
