import type { GeneratorConfig } from './generator';
import type { Population } from './population';
import type { Scenario, TruthRecord } from './scenarios/types';

/** The first line of a truth file: how the run was set up. */
export interface RunRecord {
  kind: 'run';
  scenario: string;
  seed: number;
  agents: number;
  pools: Record<string, number>;
  /** Epoch ms of simulation time 0. */
  start: number;
  durationSeconds: number;
  daySeconds: number;
  requestsPerSecond: number;
  loadTest: boolean;
}

/** A pool scaled through the control endpoint, appended to the truth file as it happens. */
export interface ScaleRecord {
  kind: 'scale';
  pool: string;
  previous: number;
  replicas: number;
  atSeconds: number;
  at: number;
}

export function runRecord(options: {
  scenario: Scenario;
  population: Population;
  config: GeneratorConfig;
  durationSeconds: number;
  loadTest: boolean;
}): RunRecord {
  return {
    kind: 'run',
    scenario: options.scenario.name,
    seed: options.config.seed,
    agents: options.population.size,
    pools: Object.fromEntries(options.population.pools().map((p) => [p.pool, p.agents])),
    start: options.config.startEpochMs,
    durationSeconds: options.durationSeconds,
    daySeconds: options.config.daySeconds,
    requestsPerSecond: options.config.requestsPerSecond,
    loadTest: options.loadTest,
  };
}

/** JSON Lines: the run line, then one line per injection. Same inputs, same bytes. */
export function truthLines(run: RunRecord, truth: readonly TruthRecord[]): string {
  return [run, ...truth].map((record) => `${JSON.stringify(record)}\n`).join('');
}

export function scaleLine(record: ScaleRecord): string {
  return `${JSON.stringify(record)}\n`;
}
