import type { AnomalyEvent, Interaction, SampleReport } from '@swarmscope/core';

/** How one report scored, for `POST /detect/:agentId`. */
export interface ReportVerdict {
  anomalous: boolean;
  score: number;
  confidence: number;
  severity: AnomalyEvent['severity'];
  type: string;
  detectors: string[];
  features: string[];
  evidence: Record<string, number>;
  explanation: string;
}

/**
 * What the service needs of the detection engine (pure; the service is its I/O edge): feed one agent's report,
 * get its verdict and the lifecycle events of that agent's grouped anomaly.
 */
export interface AnomalyEngine {
  observe(report: SampleReport): { verdict: ReportVerdict; events: AnomalyEvent[] };
  /** Feed one agent-to-agent interaction (scan detection); the events it causes. */
  observeInteraction(interaction: Interaction): AnomalyEvent[];
  /** Housekeeping at data time `now`: silent agents, time-based recovery, idle eviction. */
  sweep(now: number): AnomalyEvent[];
  /** Agents tracked now. */
  agents(): number;
  /** Bytes of detector state held (bounded per agent). */
  stateBytes(): number;
  /** The active configuration, for `GET /detectors`. */
  describe(): Record<string, unknown>;
  /** Agents tracked and those whose baselines are still warming up, for `GET /detectors`. */
  warmUp?(): { agents: number; warming: number; reportsToWarm: number };
}
