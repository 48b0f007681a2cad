/** The shapes of the public API answers the console reads (a subset of each; see docs/api/). */
export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface FleetSummary {
  agents: { total: number; byStatus: Record<string, number>; byModel: Record<string, number>; byPool: Record<string, number> };
  latencySeconds: { p50: number; p95: number; p99: number; samples: number };
  errorRate: number;
  ingest: { samplesPerSecond: number; reportsPerSecond: number; rejectedReports: number; lateReports: number };
}

export interface WindowSummary {
  start: number;
  durationMs: number;
  count: number;
  errors: number;
  errorRate: number;
  latency: { mean: number; p50: number; p95: number; p99: number; max: number; samples: number };
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  means: Record<string, number>;
}

export interface Trends {
  key: string;
  windows: WindowSummary[];
  trend: { latencyP95SecondsPerHour: number; errorRatePerHour: number; requestsPerHour: number };
}

export interface Agent {
  id: string;
  model: string;
  type: string;
  pool: string;
  status: string;
  healthScore: number;
  lastSeen: number;
  registeredAt: number;
  labels: Record<string, string>;
  healthReasons?: string[];
}

export interface Page<T> {
  items: T[];
  next?: string;
}

export interface Anomaly {
  id: string;
  agentId: string;
  pool: string;
  model: string;
  type: string;
  severity: Severity;
  risk?: string;
  score: number;
  status: 'open' | 'resolved';
  startedAt: number;
  endedAt?: number;
  explanation: string;
}

export interface Incident {
  id: string;
  status: string;
  severity: Severity;
  risk?: string;
  title: string;
  startedAt: number;
  updatedAt: number;
  resolvedAt?: number;
  pools: string[];
  models: string[];
  agents: string[];
  agentCount: number;
  anomalies: Array<{ id: string; agentId: string; type: string; severity: Severity; score: number; startedAt: number; endedAt?: number }>;
  anomalyCount: number;
  emergence: Array<{ id: string; type: string; scope: string; magnitude: number; agents: number; startedAt: number }>;
  reasons: string[];
  narrative: { source: string; what: string; where: string; since: string; cause: string; next: string; model?: string; fallbackReason?: string };
  timeline: Array<{ at: number; kind: string; detail: string; by?: string }>;
}

export interface GraphAnswer {
  nodes: Array<{ id: string; inDegree: number; outDegree: number; interactions: number }>;
  edges: Array<{ from: string; to: string; kind: string; count: number; errors: number; errorRate: number; meanLatencySeconds: number }>;
}

export interface EmergenceEvent {
  id: string;
  type: string;
  scope: string;
  severity?: string;
  magnitude: number;
  confidence: number;
  agents: string[];
  startedAt: number;
  endedAt?: number;
  explanation: string;
  path?: Array<{ agent: string; via: string | null; at: number; depth: number }>;
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
