import type { AgentRecord, AnomalyEvent, SEVERITIES, WindowSummary } from '@swarmscope/core';

/**
 * The shapes of the public API answers the console reads. Those core and the wire contract (packages/protocol) declare
 * are theirs (type-only imports: nothing of either is bundled); the rest are stated here (a subset of each; see docs/api/).
 */
export type { EmergenceEvent, Incident, Page, WindowSummary } from '@swarmscope/core';
export type { Decision, FleetSummary, InteractionGraphAnswer as GraphAnswer } from '@swarmscope/protocol';
export type Severity = (typeof SEVERITIES)[number];

export interface Trends {
  key: string;
  windows: WindowSummary[];
  trend: { latencyP95SecondsPerHour: number; errorRatePerHour: number; requestsPerHour: number };
}

/** health-monitor's agent: the registry's record and why its health score is what it is. */
export type Agent = AgentRecord & { healthReasons?: string[] };

/** anomaly-detector's anomaly: the latest state of its events, and whether it is still open. */
export type Anomaly = AnomalyEvent & { status: 'open' | 'resolved'; updates: number };

export interface FleetState {
  now?: { time: number; agents: number; parameters: Record<string, number> };
  history: Array<{ time: number; agents: number; parameters: Record<string, number> }>;
}

export type Policy = { pool: string; minReplicas: number; maxReplicas: number } & Record<string, unknown>;

export interface ToolUsage {
  tools: Array<{ pool: string; tool: string; calls: number; errors: number; durationSeconds: number }>;
}

export interface AgentTools {
  agentId: string;
  tools: Array<{ tool: string; calls: number; errors: number; durationSeconds: number }>;
}
