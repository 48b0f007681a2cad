// The emergence detector against the second generator (@swarmscope/fleetgen): fleets made apart from the simulator
// (other pools, periods, report intervals, heavy tails, natural spikes), replayed in data time through the service's
// own engine with its default options. Nothing here is tuned: what it prints is out of sample for the detector.
import { performance } from 'node:perf_hooks';
import type { EmergenceEvent } from '@swarmscope/core';
import { EmergenceEngine, type EngineOptions, type WarningRecord } from '@swarmscope/emergence-detector';
import {
  EmergenceFleetRun,
  type EmergenceScenario,
  type PhenomenonKind,
  type PhenomenonTruth,
} from '@swarmscope/fleetgen';
import { percentile } from './percentile';

const TYPE_OF: Record<PhenomenonKind, string> = {
  synchronisation: 'collective_behavior',
  cascade: 'cascade_failure',
  phase_transition: 'phase_transition',
  collective_learning: 'collective_learning',
};
/** An event may open this long before the planted onset and still be that phenomenon's (onsets are exact, ticks 10 s). */
const EARLY_MS = 30_000;
/** Or this long after its end: the analysed horizon (10 min) still holds it, and an event that closed may reopen. */
const LINGER_MS = 600_000;

export interface FleetgenOutcome {
  scenario: EmergenceScenario;
  seed: number;
  kind: PhenomenonKind;
  expectedType: string;
  agents: number;
  periodSeconds?: number;
  detected: boolean;
  delaySeconds?: number;
  jaccard?: number;
  /** Events of other types (early warnings aside) on the same agents while it lasted: one phenomenon, two types. */
  otherTypes: string[];
  /** Phase transitions: seconds from the first early warning in its pool (during the build-up) to the jump. */
  warningLeadSeconds?: number;
}

export interface FleetgenRun {
  scenario: EmergenceScenario;
  seed: number;
  agents: number;
  pools: number;
  minutes: number;
  outcomes: FleetgenOutcome[];
  /** Events (early warnings aside) that match no planted phenomenon. */
  falseEvents: EmergenceEvent[];
  /** The engine's own track record of its early warnings at the end of the run. */
  warnings: WarningRecord;
  tickMs: { median: number; max: number };
}

/** Replays one fleetgen scenario through the engine and scores its events against the planted truth. */
export function replayFleetgen(
  scenario: EmergenceScenario,
  seed: number,
  engine: Partial<EngineOptions> = {},
  agents = 400,
): FleetgenRun {
  const run = new EmergenceFleetRun({ scenario, seed, agents });
  const detector = new EmergenceEngine({ seed, ...engine });
  const tickMs = detector.options.tickMs;
  const events = new Map<string, EmergenceEvent>();
  const costs: number[] = [];
  for (let at = run.startMs + tickMs; !run.done; at += tickMs) {
    const { reports, interactions } = run.next(at);
    for (const report of reports) detector.ingest(report);
    for (const interaction of interactions) detector.ingestInteraction(interaction);
    const started = performance.now();
    const analyses = detector.advance(at);
    if (analyses.length > 0) costs.push((performance.now() - started) / analyses.length);
    for (const analysis of analyses) for (const change of analysis.changes) events.set(change.id, change);
  }
  const all = [...events.values()].sort((a, b) => a.startedAt - b.startedAt);
  const matched = new Set<string>();
  const outcomes = run.truth.map((truth) => score(scenario, seed, truth, all, matched));
  costs.sort((a, b) => a - b);
  return {
    scenario,
    seed,
    agents,
    pools: run.layout.pools.length,
    minutes: run.durationMs / 60_000,
    outcomes,
    falseEvents: all.filter((e) => e.type !== 'early_warning' && !matched.has(e.id)),
    warnings: detector.warningRecord(),
    tickMs: { median: percentile(costs, 0.5), max: costs[costs.length - 1] ?? 0 },
  };
}

function score(
  scenario: EmergenceScenario,
  seed: number,
  truth: PhenomenonTruth,
  events: readonly EmergenceEvent[],
  matched: Set<string>,
): FleetgenOutcome {
  const expectedType = TYPE_OF[truth.kind];
  const members = new Set(truth.agents);
  const during = events.filter(
    (e) =>
      e.type !== 'early_warning' &&
      e.startedAt >= truth.onsetMs - EARLY_MS &&
      e.startedAt <= truth.endMs + LINGER_MS &&
      e.agents.some((a) => members.has(a)),
  );
  const own = during.filter((e) => e.type === expectedType);
  for (const e of during) matched.add(e.id);
  const event = own[0];
  const outcome: FleetgenOutcome = {
    scenario,
    seed,
    kind: truth.kind,
    expectedType,
    agents: truth.agents.length,
    ...(truth.periodSeconds ? { periodSeconds: Math.round(truth.periodSeconds) } : {}),
    detected: event !== undefined,
    otherTypes: [...new Set(during.filter((e) => e.type !== expectedType).map((e) => e.type))],
  };
  if (event) {
    outcome.delaySeconds = Math.round((event.startedAt - truth.onsetMs) / 1000);
    outcome.jaccard = jaccard(members, event.agents);
  }
  if (truth.kind === 'phase_transition') {
    const warning = events.find(
      (e) =>
        e.type === 'early_warning' &&
        e.scope === truth.pool &&
        e.startedAt >= (truth.buildUpFromMs ?? truth.onsetMs) &&
        e.startedAt < truth.onsetMs,
    );
    if (warning) outcome.warningLeadSeconds = Math.round((truth.onsetMs - warning.startedAt) / 1000);
  }
  return outcome;
}

function jaccard(truth: ReadonlySet<string>, agents: readonly string[]): number {
  let shared = 0;
  for (const a of agents) if (truth.has(a)) shared++;
  const union = truth.size + agents.length - shared;
  return union > 0 ? shared / union : 0;
}
