// The two sources of `swarmscope bench anomalies`, behind one shape: the simulator's scenarios and fleetgen's
// fleet, each as steps of data time with their reports (as health-monitor publishes them) and interactions.
import type { Interaction, SampleReport } from '@swarmscope/core';
import {
  blockCount,
  burstyBlock,
  burstyBlockCount,
  generateBlock,
  planBurstyFleet,
  planFleet,
  type IngestReport,
} from '@swarmscope/fleetgen';
import {
  DEFAULT_GENERATOR,
  Population,
  createScenario,
  generateTick,
  type GeneratorConfig,
} from '@swarmscope/simulator';
import type { FaultWindow } from './anomaly-scoring';
import { asSample } from './as-sample';

/** A pool that stops reporting all at once (the end of a load test). */
export interface PoolStop {
  pool: string;
  at: number;
  agents: number;
}

/** A replayable run: steps of data time, its faults, its agents' pools. */
export interface ReplayFeed {
  label: string;
  agents: number;
  startMs: number;
  endMs: number;
  steps: number;
  /** What the fleet sent in step i (reports in any order within the step; the replay sorts them). */
  step(i: number): { reports: SampleReport[]; interactions: Interaction[] };
  faults: FaultWindow[];
  poolOf: ReadonlyMap<string, string>;
  stops: PoolStop[];
}

export interface FeedOptions {
  agents: number;
  hours: number;
  seed: number;
  /** false: the same fleet without faults (the simulator's `baseline` scenario). */
  faults: boolean;
}

/** The simulator: the `anomalies` scenario (or `baseline` without faults), 1 request per agent and second, diurnal, interactions on. */
export function simulatorFeed(options: FeedOptions): ReplayFeed {
  const startMs = Date.UTC(2026, 0, 5, 6);
  const durationSeconds = Math.round(options.hours * 3600);
  const population = Population.build({ agents: options.agents, seed: options.seed });
  const scenario = createScenario(options.faults ? 'anomalies' : 'baseline', {
    population,
    seed: options.seed,
    durationSeconds,
    startEpochMs: startMs,
  });
  const config: GeneratorConfig = { ...DEFAULT_GENERATOR, seed: options.seed, startEpochMs: startMs };
  return {
    label: `simulator ${options.faults ? 'anomalies' : 'baseline'}`,
    agents: population.size,
    startMs,
    endMs: startMs + durationSeconds * 1000,
    steps: Math.ceil((durationSeconds * 1000) / config.tickMs),
    step(i) {
      const out = generateTick(population, scenario, config, i);
      return {
        reports: out.reports.map(asSample),
        interactions: out.interactions.map((x) => ({ ...x, timestamp: x.timestamp ?? 0 })),
      };
    },
    faults: scenario.truth.map((t) => ({
      id: t.id,
      type: t.type,
      agents: t.agents,
      start: t.from,
      end: t.to,
      params: numericParams(t.params),
    })),
    poolOf: new Map(population.agents().map((a) => [a.id, a.pool])),
    stops: [],
  };
}

/** fleetgen: its noisy fleet with planted faults (or the same fleet fault-free), in one-minute blocks. */
export function fleetgenFeed(options: FeedOptions): ReplayFeed {
  const plan = planFleet({ seed: options.seed, agents: options.agents, hours: options.hours, faults: options.faults });
  return {
    label: `fleetgen ${options.faults ? 'faults' : 'fault-free'}`,
    agents: plan.agents.length,
    startMs: plan.startEpochMs,
    endMs: plan.endEpochMs,
    steps: blockCount(plan),
    step(i) {
      const block = generateBlock(plan, i);
      return { reports: block.reports.map(fromIngest), interactions: block.interactions };
    },
    faults: plan.faults.map((f) => ({
      id: f.id,
      type: f.type,
      agents: [f.agentId],
      start: f.start,
      end: f.end,
      params: f.params,
    })),
    poolOf: new Map(plan.agents.map((a) => [a.id, a.pool.name])),
    stops: plan.pools
      .filter((p) => p.stopsAt !== undefined)
      .map((p) => ({ pool: p.name, at: p.stopsAt!, agents: p.agents })),
  };
}

/** fleetgen's third shape (bursty/): cron batches, request-only slow agents, Student-t latency; no interactions. */
export function burstyFeed(options: FeedOptions): ReplayFeed {
  const plan = planBurstyFleet({
    seed: options.seed,
    agents: options.agents,
    hours: options.hours,
    faults: options.faults,
  });
  return {
    label: `bursty ${options.faults ? 'faults' : 'fault-free'}`,
    agents: plan.agents.length,
    startMs: plan.startEpochMs,
    endMs: plan.endEpochMs,
    steps: burstyBlockCount(plan),
    step(i) {
      return { reports: burstyBlock(plan, i).reports.map(fromIngest), interactions: [] };
    },
    faults: plan.faults.map((f) => ({
      id: f.id,
      type: f.type,
      agents: [f.agentId],
      start: f.start,
      end: f.end,
      params: f.params,
    })),
    poolOf: new Map(plan.agents.map((a) => [a.id, a.pool.name])),
    stops: [],
  };
}

/** An ingest report as health-monitor publishes it on the bus. */
function fromIngest(r: IngestReport): SampleReport {
  return {
    agentId: r.agentId,
    timestamp: r.timestamp,
    model: r.model,
    pool: r.pool,
    type: r.type,
    metrics: r.metrics,
    quality: r.quality ?? {},
  };
}

function numericParams(params: Readonly<Record<string, unknown>> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(params ?? {})) if (typeof v === 'number') out[k] = v;
  return out;
}
