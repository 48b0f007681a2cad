import type { EmergenceEvent, Interaction, ReportColumns } from '@swarmscope/core';
import type { TickAnalysis } from './engine';
import type { NetworkMeasures } from './graph-measures';

/** One analysed tick as it leaves the engine's thread: the findings stay behind (events carry what matters). */
export type TickResult = Omit<TickAnalysis, 'findings'>;

/** The graph measures the API serves (the agent → community map stays with the engine). */
export type NetworkSummary = Omit<NetworkMeasures, 'membership'>;

/** The edge → engine thread messages, handled in order: data before the advance that must see it. */
export type ToEngine =
  | { kind: 'reports'; columns: ReportColumns }
  | { kind: 'interactions'; interactions: Interaction[] }
  | { kind: 'advance'; id: number; watermarkMs: number };

/** What the edge mirrors for its API and metrics; the optional parts come only when they changed. */
export interface EngineStateUpdate {
  agentsTracked: number;
  lateReports: number;
  /** How much of its horizon the last analysed tick had (it fills again after a start or a restart). */
  horizon: { ticks: number; of: number; full: boolean };
  network?: NetworkSummary;
  openEvents?: EmergenceEvent[];
}

/** The engine thread → edge replies, one per advance. */
export type FromEngine =
  | { kind: 'advanced'; id: number; results: TickResult[]; state: EngineStateUpdate; analysisMs: number }
  | { kind: 'failed'; id: number; message: string };
