/**
 * The shapes of the services' API answers that more than one package reads (the service serves them, the console and
 * the CLI read them). Types only: the services build these objects, readers import them type-only.
 */
import type { AgentStatus } from './agent';

/** health-monitor's `GET /fleet/summary`: the fleet at a glance. */
export interface FleetSummary {
  agents: {
    total: number;
    byStatus: Record<AgentStatus, number>;
    byModel: Record<string, number>;
    byPool: Record<string, number>;
  };
  /** Fleet response time over the last closed window and the open ones. */
  latencySeconds: { p50: number; p95: number; p99: number; samples: number };
  errorRate: number;
  ingest: { samplesPerSecond: number; reportsPerSecond: number; rejectedReports: number; lateReports: number };
}

/** One agent of the interaction graph. */
export interface GraphNode {
  id: string;
  /** Distinct agents this one called / was called by. */
  outDegree: number;
  inDegree: number;
  /** Interactions it took part in, either way. */
  interactions: number;
}

/** The interactions from one agent to another of one kind, summed over the windows asked for. */
export interface GraphEdge {
  from: string;
  to: string;
  kind: string;
  count: number;
  errors: number;
  errorRate: number;
  meanLatencySeconds: number;
}

/** The interaction graph of health-monitor's `GET /graph` (which adds `from`, `to` and `windows`). */
export interface InteractionGraphAnswer {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The autoscaler's strategies a policy may enable. */
export type StrategyName = 'reactive' | 'predictive' | 'scheduled' | 'adaptive' | 'cost-optimised';
/** The strategy a decision's count came from (`bounds`: min/max replicas set it). */
export type DecidingStrategy = StrategyName | 'bounds';
export type Direction = 'up' | 'down' | 'hold';
/** Why a tick was not taken as evidence of a pool's capacity (for the decision's explanation). */
export type EvidenceVerdict = 'reading' | 'not settled' | 'idle' | 'over the SLO' | 'cpu pinned' | 'no latency';

/** The autoscaler's capacity model of one pool, as a decision reports it. */
export interface CapacityFigures {
  /** μ to size with: the median less its standard error, at least the demonstrated floor. */
  serviceRate: number;
  /** The age-weighted median of the readings. */
  median: number;
  /** Standard error of the median, relative to it. */
  relativeError: number;
  /** The least μ the pool has demonstrably served within the SLO (0: none). */
  demonstrated: number;
  /** The highest utilisation planning may use (the highest served within the SLO + the exploration step). */
  utilisationCeiling: number;
  /** Observed over modelled p95 (smoothed; 1 = the M/M/c model is right about the tail). */
  calibration: number;
  readings: number;
  /** Seconds since the newest reading. */
  ageSeconds: number;
  trusted: boolean;
}

/** One pool's scaling decision: the items of the autoscaler's `GET /decisions`, and what `POST /analyze` answers. */
export interface Decision {
  id: string;
  pool: string;
  at: number;
  current: number;
  desired: number;
  direction: Direction;
  strategy: DecidingStrategy;
  inputs: {
    loadRps: number;
    loadPerReplicaRps: number;
    latencyMeanSeconds: number | null;
    latencyP95Seconds: number | null;
    cpuPercent: number | null;
    memoryPercent: number | null;
    agentsReporting: number;
    servingReplicas: number;
  };
  /** What each enabled strategy proposed (before bounds, cooldown and rate limits). */
  recommendations: Partial<Record<StrategyName, number>>;
  forecast: { peakRps: number; horizonSeconds: number; seasonal: boolean; errorSmape: number | null } | null;
  /**
   * The capacity model: μ per replica (and how sure), what the desired count serves per replica within the SLO, and
   * whether this tick was taken as evidence (and why not).
   */
  capacity: (CapacityFigures & { perReplicaRps: number; evidence: EvidenceVerdict }) | null;
  /** The cost-optimised plan over the horizon (when the capacity model decided). */
  plan: {
    horizonSeconds: number;
    /** Highest mean load over the horizon, its sd there, and the backlog drain included. */
    loadRps: number;
    loadSdRps: number;
    drainRps: number;
    /** p95 predicted at the desired count for the current load (seconds; null when it would not hold). */
    predictedP95Seconds: number | null;
    replicaCostUsd: number;
    sloRiskUsd: number;
    expectedViolationMinutes: number;
  } | null;
  /** The thresholds this tick crossed (`cpu>70`, `p95>5s`...): the decision-time histogram starts at them. */
  crossed: string[];
  /** Utilisation: load over learnt capacity when trusted, else CPU / 100. */
  utilisation: number | null;
  costUsdPerHour: number;
  sloMet: boolean | null;
  reason: string;
}
