import type { Report } from '@swarmscope/telemetry-client';
import { generateTick, type GeneratorConfig } from '../generator';
import { Population } from '../population';
import { createScenario, type ScenarioName } from '../scenarios';
import type { Scenario } from '../scenarios/types';
import type { Interaction } from '@swarmscope/telemetry-client';

export const START = Date.UTC(2026, 0, 15, 9, 0, 0);

export function testConfig(seed: number, overrides: Partial<GeneratorConfig> = {}): GeneratorConfig {
  return {
    seed,
    startEpochMs: START,
    tickMs: 1000,
    requestsPerSecond: 1,
    daySeconds: 0,
    resourceIntervalMs: 10_000,
    interactions: true,
    ...overrides,
  };
}

export interface Replay {
  population: Population;
  scenario: Scenario;
  config: GeneratorConfig;
  reports: Report[];
  interactions: Interaction[];
  durationSeconds: number;
}

/** Builds a population and a scenario and replays the whole run through the pure generator: no server, no clock. */
export function replay(options: {
  scenario: ScenarioName;
  agents: number;
  seed: number;
  durationSeconds: number;
  config?: Partial<GeneratorConfig>;
}): Replay {
  const population = Population.build({ agents: options.agents, seed: options.seed });
  const config = testConfig(options.seed, options.config);
  const scenario = createScenario(options.scenario, {
    population,
    seed: options.seed,
    durationSeconds: options.durationSeconds,
    startEpochMs: START,
  });
  const reports: Report[] = [];
  const interactions: Interaction[] = [];
  const ticks = Math.ceil((options.durationSeconds * 1000) / config.tickMs);
  for (let tick = 0; tick < ticks; tick++) {
    const out = generateTick(population, scenario, config, tick);
    for (const report of out.reports) reports.push(report);
    for (const interaction of out.interactions) interactions.push(interaction);
  }
  return { population, scenario, config, reports, interactions, durationSeconds: options.durationSeconds };
}

/** Seconds since the start of a report or interaction. */
export function secondsOf(item: { timestamp?: number }): number {
  return (item.timestamp! - START) / 1000;
}

const indexes = new WeakMap<readonly Report[], Map<string, Report[]>>();

/** Reports by agent, indexed once per report list. */
export function reportsOf(reports: readonly Report[], agentId: string): Report[] {
  let index = indexes.get(reports);
  if (!index) {
    index = new Map();
    for (const r of reports) {
      const list = index.get(r.agentId);
      if (list) list.push(r);
      else index.set(r.agentId, [r]);
    }
    indexes.set(reports, index);
  }
  return index.get(agentId) ?? [];
}

export function requestsOf(reports: readonly Report[], agentId?: string, from = -Infinity, to = Infinity): Report[] {
  return (agentId === undefined ? reports : reportsOf(reports, agentId)).filter(
    (r) =>
      (agentId === undefined || r.agentId === agentId) &&
      r.metrics?.requests === 1 &&
      secondsOf(r) >= from &&
      secondsOf(r) < to,
  );
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

export function variance(values: readonly number[]): number {
  const m = mean(values);
  return mean(values.map((v) => (v - m) ** 2));
}

export function pearson(a: readonly number[], b: readonly number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

/** Lag-1 autocorrelation. */
export function lag1(values: readonly number[]): number {
  return pearson(values.slice(0, -1), values.slice(1));
}

/** Per-bucket series over [from, to): f over the items that fall in each bucket. */
export function buckets<T extends { timestamp?: number }>(
  items: readonly T[],
  from: number,
  to: number,
  size: number,
  f: (inBucket: T[]) => number,
): number[] {
  const groups: T[][] = Array.from({ length: Math.ceil((to - from) / size) }, () => []);
  for (const item of items) {
    const s = secondsOf(item);
    if (s >= from && s < to) groups[Math.floor((s - from) / size)]!.push(item);
  }
  return groups.map(f);
}

export function metric(name: string): (r: Report) => number {
  return (r) => r.metrics![name]!;
}
