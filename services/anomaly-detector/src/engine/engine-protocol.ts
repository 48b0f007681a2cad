import type { AnomalyEvent, Interaction, ReportColumns, SampleReport } from '@swarmscope/core';
import type { ReportVerdict, WarmUp } from './engine-port';

/** The service → engine thread requests, answered in order, each by one {@link FromEngine} with its id. */
export type ToEngine =
  | { kind: 'reports'; id: number; columns: ReportColumns }
  | { kind: 'detect'; id: number; report: SampleReport }
  | { kind: 'interactions'; id: number; interactions: readonly Interaction[] }
  | { kind: 'sweep'; id: number; now: number };

/** The figures the service mirrors for /metrics and `GET /detectors` (warmUp walks every agent: sweeps only). */
export interface EngineFigures {
  agents: number;
  stateBytes: number;
  warmUp?: WarmUp;
}

export type FromEngine =
  | { kind: 'done'; id: number; events: AnomalyEvent[]; verdict?: ReportVerdict; figures: EngineFigures }
  | { kind: 'failed'; id: number; message: string };
