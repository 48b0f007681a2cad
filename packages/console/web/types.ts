import type { AgentRecord, AnomalyEvent, SEVERITIES, WindowSummary } from '@swarmscope/core';

/**
 * The shapes of the public API answers the console reads. Those core declares are its own types (a type-only import:
 * nothing of core is bundled); the services' own answers are stated here (a subset of each; see docs/api/).
 */
export type { EmergenceEvent, Incident, Page, WindowSummary } from '@swarmscope/core';
export type Severity = (typeof SEVERITIES)[number];

export interface FleetSummary {
  agents: {
    total: number;
    byStatus: Record<string, number>;
    byModel: Record<string, number>;
    byPool: Record<string, number>;
  };
  latencySeconds: { p50: number; p95: number; p99: number; samples: number };
  errorRate: number;
  ingest: { samplesPerSecond: number; reportsPerSecond: number; rejectedReports: number; lateReports: number };
}

export interface Trends {
  key: string;
  windows: WindowSummary[];
  trend: { latencyP95SecondsPerHour: number; errorRatePerHour: number; requestsPerHour: number };
}

/** health-monitor's agent: the registry's record and why its health score is what it is. */
export type Agent = AgentRecord & { healthReasons?: string[] };

/** anomaly-detector's anomaly: the latest state of its events, and whether it is still open. */
export type Anomaly = AnomalyEvent & { status: 'open' | 'resolved'; updates: number };

export interface GraphAnswer {
  nodes: Array<{ id: string; inDegree: number; outDegree: number; interactions: number }>;
  edges: Array<{
    from: string;
    to: string;
    kind: string;
    count: number;
    errors: number;
    errorRate: number;
    meanLatencySeconds: number;
  }>;
}

export interface FleetState {
  now?: { time: number; agents: number; parameters: Record<string, number> };
  history: Array<{ time: number; agents: number; parameters: Record<string, number> }>;
}

export interface Decision {
  id: string;
  pool: string;
  at: number;
  current: number;
  desired: number;
  direction: string;
  strategy: string;
  inputs: { loadRps: number; latencyP95Seconds?: number; cpuPercent?: number };
  reason: string;
}

export type Policy = { pool: string; minReplicas: number; maxReplicas: number } & Record<string, unknown>;

export interface ToolUsage {
  tools: Array<{ pool: string; tool: string; calls: number; errors: number; durationSeconds: number }>;
}

export interface AgentTools {
  agentId: string;
  tools: Array<{ tool: string; calls: number; errors: number; durationSeconds: number }>;
}
