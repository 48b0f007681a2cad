import type { InteractionKind, InteractionOutcome } from './enums';

/**
 * Metric samples of one report. Names are snake_case in base units (seconds, bytes, percent, USD); every number is
 * one sample. Names beyond the well-known ones are allowed.
 */
export interface ReportMetrics {
  response_time_seconds?: number;
  cpu_percent?: number;
  memory_bytes?: number;
  input_tokens?: number;
  output_tokens?: number;
  requests?: number;
  errors?: number;
  cost_usd?: number;
  tool_calls?: number;
  [name: string]: number | undefined;
}

/** Quality scores of one report, each in [0, 1]. Names beyond the well-known ones are allowed. */
export interface ReportQuality {
  accuracy?: number;
  coherence?: number;
  efficiency?: number;
  adaptability?: number;
  [name: string]: number | undefined;
}

/**
 * Usage of one tool (function) within one report: the per-name breakdown of `metrics.tool_calls`. The
 * health-monitor turns it into `swarmscope_agent_tool_*_total{tool,pool}`; it is not a sample of the agent.
 */
export interface ToolUsage {
  /** Calls, a whole number ≥ 0. */
  calls: number;
  /** Failed calls, whole, ≤ calls; default 0. */
  errors?: number;
  /** Total time of these calls in seconds, ≥ 0; leave it out when unknown. */
  durationSeconds?: number;
}

/** One entry of `POST /v1/ingest` `{"reports": [...]}`, as a client sends it. */
export interface Report {
  agentId: string;
  /** Epoch milliseconds; the server uses its own clock when absent. */
  timestamp?: number;
  /** model/pool/type register an agent the server has not seen yet. */
  model?: string;
  pool?: string;
  type?: string;
  /** Free-form agent labels (sent only when the agent has some). */
  labels?: Readonly<Record<string, string>>;
  metrics?: ReportMetrics;
  quality?: ReportQuality;
  /** Tool usage by tool name (1..256 characters), at most 32 tools a report. */
  tools?: Readonly<Record<string, ToolUsage>>;
}

/** One agent-to-agent edge: an entry of `POST /v1/interactions` `{"interactions": [...]}`, as a client sends it. */
export interface Interaction {
  /** Agent ids, each 1..128 characters of [A-Za-z0-9._:-]. */
  from: string;
  to: string;
  kind: InteractionKind;
  outcome: InteractionOutcome;
  /** ≥ 0. */
  latencySeconds: number;
  /** Epoch milliseconds; the server uses its own clock when absent. */
  timestamp?: number;
  /** W3C trace id (32 lowercase hex digits) of the span that carried the interaction. */
  traceId?: string;
  /** W3C span id (16 lowercase hex digits). */
  spanId?: string;
}

/** A report once accepted (the bus's `samples`): its time and identity filled in, every number a sample. */
export interface AcceptedReport {
  agentId: string;
  timestamp: number;
  model: string;
  pool: string;
  type: string;
  metrics: Record<string, number>;
  quality: Record<string, number>;
  /** When health-monitor accepted it (its clock, epoch ms). */
  receivedAt?: number;
  /** The trace of the ingest request that carried it. */
  traceId?: string;
  labels?: Record<string, string>;
  tools?: Record<string, ToolUsage>;
}

/** An interaction once accepted (the bus's `interactions`): its time filled in. */
export type AcceptedInteraction = Omit<Interaction, 'timestamp'> & { timestamp: number };
