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

/** Agents tracked and those whose baselines are still warming up, for `GET /detectors`. */
export interface WarmUp {
  agents: number;
  warming: number;
  reportsToWarm: number;
}

/**
 * The detection engine as code on one thread (pure; the service is its I/O edge): feed one agent's report, get its
 * verdict and the lifecycle events of that agent's grouped anomaly.
 */
export interface EngineCore {
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
  warmUp(): WarmUp;
}

/**
 * What the service needs of the engine, wherever it runs (its own thread in the service, this one in tests): calls
 * are answered in the order they were made, so an agent's reports are scored in bus order whichever path fed them.
 * The figures (agents, stateBytes, warmUp) are read synchronously by /metrics and `GET /detectors`: an engine on
 * another thread answers with the latest it reported.
 */
export interface AnomalyEngine {
  /** Scores reports in order (the bus path); the events they caused. */
  observeReports(reports: readonly SampleReport[]): Promise<AnomalyEvent[]>;
  /** Scores one report (`POST /detect`): its verdict and events. */
  detect(report: SampleReport): Promise<{ verdict: ReportVerdict; events: AnomalyEvent[] }>;
  observeInteractions(interactions: readonly Interaction[]): Promise<AnomalyEvent[]>;
  sweep(now: number): Promise<AnomalyEvent[]>;
  agents(): number;
  stateBytes(): number;
  describe(): Record<string, unknown>;
  warmUp(): WarmUp;
  /** Undefined while the engine runs; why it stopped otherwise (the service's readiness reports it). */
  readonly error: Error | undefined;
  close(): Promise<void>;
}
