// The emergence detector against the simulator's ground truth: the pure generator replayed in data time (no HTTP,
// no wall clock) through the service's own engine with its default options, each truth record matched to events.
import { performance } from 'node:perf_hooks';
import type { EmergenceEvent } from '@swarmscope/core';
import { EmergenceEngine, type EngineOptions } from '@swarmscope/emergence-detector';
import { asSample } from './as-sample';
import { measureEmergenceLoop } from './emergence-loop';
import { measureEmergenceTick, type GraphShape } from './emergence-tick';
import { replayFleetgen, type FleetgenRun } from './emergence-fleetgen';
import { percentile } from './percentile';
import { EMERGENCE_SCENARIOS } from '@swarmscope/fleetgen';
import {
  DEFAULT_GENERATOR,
  Population,
  createScenario,
  generateTick,
  type GeneratorConfig,
  type TruthRecord,
} from '@swarmscope/simulator';

export interface EmergenceReplayOptions {
  scenario: 'emergence' | 'baseline';
  agents: number;
  durationSeconds: number;
  seed: number;
  engine?: Partial<EngineOptions>;
  /** Called every simulated minute with the share done. */
  onProgress?: (done: number) => void;
}

/** How one injected phenomenon was (or was not) detected. */
export interface TruthOutcome {
  id: string;
  truthType: string;
  expectedType: string;
  agents: number;
  /** False when the record's phenomenon never took place (learning passed on less than twice): not scored. */
  injected: boolean;
  detected: boolean;
  detectedType?: string;
  typeRight: boolean;
  /** Seconds from the scenario's start to the phenomenon's onset (`onsetOf`) and to its record's start. */
  onsetSeconds: number;
  recordSeconds: number;
  /** Seconds from onset (the transition itself for phase transitions) to the event's opening tick end. */
  delaySeconds?: number;
  /** Jaccard of the event's agents (its last state) with the truth's. */
  jaccard?: number;
  /** Phase transitions: seconds from the first early warning in its pool to the transition. */
  earlyWarningLeadSeconds?: number;
}

export interface EmergenceReplayResult {
  scenario: string;
  agents: number;
  durationSeconds: number;
  seed: number;
  reports: number;
  interactions: number;
  outcomes: TruthOutcome[];
  /** Every event in its last state. */
  events: EmergenceEvent[];
  /** Events that match no truth record. */
  unmatched: EmergenceEvent[];
  /** Wall time of one analysis tick, ms (measured in the replay; never asserted by tests). */
  tickMs: { median: number; p99: number; max: number; ticks: number };
}

/** Which event type each truth type of the simulator should produce. */
export const EXPECTED_TYPE: Record<string, string> = {
  synchronisation: 'collective_behavior',
  phase_transition: 'phase_transition',
  cascade_failure: 'cascade_failure',
  collective_learning: 'collective_learning',
};

/** Replays a scenario through the engine and scores its events against the truth. Deterministic for one seed. */
export function replayEmergence(options: EmergenceReplayOptions): EmergenceReplayResult {
  const { agents, durationSeconds, seed } = options;
  const startEpochMs = Date.UTC(2026, 0, 5, 6);
  const population = Population.build({ agents, seed });
  const scenario = createScenario(options.scenario, { population, seed, durationSeconds, startEpochMs });
  const config: GeneratorConfig = { ...DEFAULT_GENERATOR, seed, startEpochMs };
  const engine = new EmergenceEngine({ seed, ...options.engine });
  const events = new Map<string, EmergenceEvent>();
  const tickCosts: number[] = [];
  const ticks = Math.ceil((durationSeconds * 1000) / config.tickMs);
  const ticksPerProgress = Math.max(1, Math.round(60_000 / config.tickMs));
  let reports = 0;
  let interactions = 0;
  for (let tick = 0; tick < ticks; tick++) {
    const out = generateTick(population, scenario, config, tick);
    for (const report of out.reports) engine.ingest(asSample(report));
    for (const interaction of out.interactions)
      engine.ingestInteraction({ ...interaction, timestamp: interaction.timestamp ?? 0 });
    reports += out.reports.length;
    interactions += out.interactions.length;
    const started = performance.now();
    const analyses = engine.advance(startEpochMs + (tick + 1) * config.tickMs);
    if (analyses.length > 0) tickCosts.push((performance.now() - started) / analyses.length);
    for (const analysis of analyses) for (const change of analysis.changes) events.set(change.id, change);
    if ((tick + 1) % ticksPerProgress === 0) options.onProgress?.((tick + 1) / ticks);
  }
  const all = [...events.values()].sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
  const matched = new Set<string>();
  const outcomes = scenario.truth.map((truth) => score(truth, all, matched, startEpochMs));
  tickCosts.sort((a, b) => a - b);
  return {
    scenario: options.scenario,
    agents,
    durationSeconds,
    seed,
    reports,
    interactions,
    outcomes,
    events: all,
    unmatched: all.filter((e) => !matched.has(e.id)),
    tickMs: {
      median: percentile(tickCosts, 0.5),
      p99: percentile(tickCosts, 0.99),
      max: tickCosts[tickCosts.length - 1] ?? 0,
      ticks: tickCosts.length,
    },
  };
}

/**
 * The moment a phenomenon begins, or undefined when the record's phenomenon never took place. A phase transition's
 * record starts with the build-up: it begins at the jump. A collective-learning record starts when its seeds begin
 * to learn on their own; the learning is collective once it has been passed on twice (the second step of its path
 * with a predecessor). One copy cannot be told from two neighbours improving by coincidence: with k improving
 * agents among n on m edges, chance puts m·k(k − 1)/(n(n − 1)) edges among them, so the one edge of a single copy
 * (k = 3: the two seeds and the copier) has a chance of about 0.009 on 2,000 agents and 0.002 on 10,000, above any
 * detector's 1e-3; a second copy brings that to about 1e-4 and 1e-5. A record whose learning was passed on less
 * than twice injected no collective learning.
 */
export function onsetOf(truth: TruthRecord): number | undefined {
  const at = truth.params.transitionAt;
  if (truth.type === 'phase_transition' && typeof at === 'number') return at;
  if (truth.type === 'collective_learning') {
    const copies = (truth.path ?? [])
      .filter((step) => step.via !== null)
      .map((step) => step.at)
      .sort((a, b) => a - b);
    return copies[LEARNING_COPIES - 1];
  }
  return truth.from;
}

/** Copies along an edge that make learning collective (see `onsetOf`). */
export const LEARNING_COPIES = 2;

function score(
  truth: TruthRecord,
  events: readonly EmergenceEvent[],
  matched: Set<string>,
  startEpochMs: number,
): TruthOutcome {
  const expectedType = EXPECTED_TYPE[truth.type] ?? truth.type;
  const truthAgents = new Set(truth.agents);
  const onset = onsetOf(truth);
  if (onset === undefined) {
    // Nothing to detect; what the detector said about these agents in the record's span is not a false event.
    for (const e of events)
      if (
        e.type === expectedType &&
        e.startedAt >= truth.from &&
        e.startedAt <= truth.to &&
        e.agents.some((a) => truthAgents.has(a))
      )
        matched.add(e.id);
    return {
      id: truth.id,
      truthType: truth.type,
      expectedType,
      agents: truth.agents.length,
      injected: false,
      onsetSeconds: NaN,
      recordSeconds: (truth.from - startEpochMs) / 1000,
      detected: false,
      typeRight: false,
    };
  }
  // Early warnings precede their transition: they are scored as its lead time, not as detections.
  const overlapping = events.filter(
    (e) =>
      e.type !== 'early_warning' &&
      e.startedAt >= onset &&
      e.startedAt <= truth.to &&
      e.agents.some((a) => truthAgents.has(a)),
  );
  const event = overlapping.find((e) => e.type === expectedType) ?? overlapping[0];
  const outcome: TruthOutcome = {
    id: truth.id,
    truthType: truth.type,
    expectedType,
    agents: truth.agents.length,
    injected: true,
    onsetSeconds: (onset - startEpochMs) / 1000,
    recordSeconds: (truth.from - startEpochMs) / 1000,
    detected: event !== undefined,
    typeRight: event?.type === expectedType,
  };
  if (event) {
    for (const e of overlapping) if (e.type === event.type) matched.add(e.id);
    outcome.detectedType = event.type;
    outcome.delaySeconds = (event.startedAt - onset) / 1000;
    outcome.jaccard = jaccard(truthAgents, event.agents);
  }
  if (truth.type === 'phase_transition') {
    const warning = events.find(
      (e) => e.type === 'early_warning' && e.scope === truth.pool && e.startedAt < onset && e.startedAt >= truth.from,
    );
    for (const e of events)
      if (e.type === 'early_warning' && e.scope === truth.pool && e.startedAt >= truth.from && e.startedAt <= truth.to)
        matched.add(e.id);
    if (warning) outcome.earlyWarningLeadSeconds = (onset - warning.startedAt) / 1000;
  }
  return outcome;
}

function jaccard(truth: ReadonlySet<string>, agents: readonly string[]): number {
  let shared = 0;
  for (const a of agents) if (truth.has(a)) shared++;
  const union = truth.size + agents.length - shared;
  return union > 0 ? shared / union : 0;
}

export interface EmergenceBenchOptions {
  agents: number;
  /** Simulated length of the emergence scenario (its phenomena scale with it: the rhythm's period is d/10). */
  seconds: number;
  /** Simulated length of the baseline run. */
  baselineSeconds: number;
  seeds: number[];
  /** Edges of the synthetic fleet's graph in the tick measurement. */
  edges: number;
  /** The tick measurement: graph shapes, ticks timed after the horizon fills, and a wall-clock budget per shape. */
  tick: { shapes: GraphShape[]; timedTicks: number; maxSeconds: number };
  /** The truth table and baseline per seed, the second generator, the event-loop measurement (first seed), the synthetic tick: any of them. */
  parts: { truth: boolean; fleetgen: boolean; loop: boolean; tick: boolean };
}

/**
 * `swarmscope bench emergence`: the truth table per seed, the baseline's event count and the cost of a tick, then
 * the event-loop time the service edge takes with its analysis on the engine thread (first seed), then the cost of a
 * tick on a synthetic fleet with a graph of `edges` edges, random and scale-free.
 */
export async function runEmergenceBench(options: EmergenceBenchOptions): Promise<void> {
  for (const seed of options.parts.truth ? options.seeds : []) {
    const progress = (label: string) => (done: number) =>
      process.stdout.write(`\r${label}: ${Math.round(done * 100)} %   `);
    const run = replayEmergence({
      scenario: 'emergence',
      agents: options.agents,
      durationSeconds: options.seconds,
      seed,
      onProgress: progress(`emergence seed ${seed}`),
    });
    process.stdout.write(
      `\nemergence: ${options.agents} agents, ${options.seconds} s simulated, seed ${seed}, ${run.reports} reports, ${run.interactions} interactions\n`,
    );
    console.table(
      run.outcomes.map((o) => ({
        phenomenon: o.truthType,
        agents: o.agents,
        'record from s': o.recordSeconds,
        'onset s': o.injected ? o.onsetSeconds : '—',
        detected: o.injected ? (o.detected ? 'yes' : 'no') : 'not injected',
        'type right': !o.injected ? '—' : o.typeRight ? 'yes' : `no (${o.detectedType ?? '—'})`,
        'onset → detection s': o.delaySeconds ?? '—',
        'Jaccard of agents': o.jaccard === undefined ? '—' : o.jaccard.toFixed(2),
        'early warning lead s': o.earlyWarningLeadSeconds ?? (o.truthType === 'phase_transition' ? 'none' : ''),
      })),
    );
    for (const e of run.unmatched)
      process.stdout.write(
        `  other event: ${e.type} (${e.scope}) at ${(e.startedAt - Date.UTC(2026, 0, 5, 6)) / 1000} s — ${e.explanation}\n`,
      );
    process.stdout.write(
      `  analysis per tick: median ${run.tickMs.median.toFixed(1)} ms, p99 ${run.tickMs.p99.toFixed(1)} ms, max ${run.tickMs.max.toFixed(1)} ms over ${run.tickMs.ticks} ticks\n`,
    );
    const baseline = replayEmergence({
      scenario: 'baseline',
      agents: options.agents,
      durationSeconds: options.baselineSeconds,
      seed,
      onProgress: progress(`baseline seed ${seed}`),
    });
    process.stdout.write(
      `\nbaseline: ${options.agents} agents, ${options.baselineSeconds} s simulated, seed ${seed}: ${baseline.events.length} emergence events (target 0)\n`,
    );
    for (const e of baseline.events) process.stdout.write(`  ${e.type} (${e.scope}) — ${e.explanation}\n`);
    process.stdout.write(
      `  analysis per tick: median ${baseline.tickMs.median.toFixed(1)} ms, p99 ${baseline.tickMs.p99.toFixed(1)} ms\n`,
    );
  }
  if (options.parts.fleetgen) printFleetgen(options.seeds);
  if (options.parts.loop) await printEmergenceLoop(options);
  if (options.parts.tick) printEmergenceTick(options);
}

/** The second generator's scenarios, each seed, scored; then the null fleet's false events and warnings per pool-day. */
function printFleetgen(seeds: number[]): void {
  const runs: FleetgenRun[] = [];
  for (const seed of seeds) {
    for (const scenario of EMERGENCE_SCENARIOS) {
      process.stdout.write(`\rfleetgen ${scenario} seed ${seed}…            `);
      runs.push(replayFleetgen(scenario, seed));
    }
  }
  process.stdout.write(
    `\nfleetgen (second generator, 400 agents, parameters drawn per seed; the detector's defaults, nothing tuned on it)\n`,
  );
  console.table(
    runs.flatMap((run) =>
      run.outcomes.map((o) => ({
        scenario: o.scenario,
        seed: o.seed,
        agents: o.agents,
        'period s': o.periodSeconds ?? '',
        detected: o.detected ? 'yes' : 'no',
        'onset → event s': o.delaySeconds ?? '—',
        Jaccard: o.jaccard === undefined ? '—' : o.jaccard.toFixed(2),
        'other types on it': o.otherTypes.join(', ') || '—',
        'warning lead s': o.kind === 'phase_transition' ? (o.warningLeadSeconds ?? 'none') : '',
      })),
    ),
  );
  let poolHours = 0;
  let unfollowed = 0;
  for (const run of runs) {
    for (const e of run.falseEvents)
      process.stdout.write(
        `  false event (${run.scenario}, seed ${run.seed}): ${e.type} (${e.scope}) — ${e.explanation}\n`,
      );
    // Warnings still pending at the end of a run are not counted either way.
    unfollowed += run.warnings.notFollowed;
    poolHours += (run.pools * run.minutes) / 60;
    process.stdout.write(
      `  ${run.scenario} seed ${run.seed}: ${run.falseEvents.length} false events; early warnings ${run.warnings.raised} (followed ${run.warnings.followed}, not followed ${run.warnings.notFollowed}, pending ${run.warnings.pending}); tick median ${run.tickMs.median.toFixed(1)} ms, max ${run.tickMs.max.toFixed(1)} ms\n`,
    );
  }
  process.stdout.write(
    `fleetgen: ${runs.reduce((n, r) => n + r.falseEvents.length, 0)} false events over ${runs.length} runs; warnings not followed by a transition: ${unfollowed} over ${poolHours.toFixed(1)} pool-hours = ${((24 * unfollowed) / Math.max(1e-9, poolHours)).toFixed(2)} per pool-day (target ≤ 1)\n`,
  );
}

async function printEmergenceLoop(options: EmergenceBenchOptions): Promise<void> {
  const seed = options.seeds[0] ?? 1;
  const loop = await measureEmergenceLoop({
    agents: options.agents,
    durationSeconds: options.seconds,
    seed,
    onProgress: (done) => process.stdout.write(`\revent loop seed ${seed}: ${Math.round(done * 100)} %   `),
  });
  process.stdout.write(
    `\nevent loop: the emergence scenario through the service edge, ${loop.agents} agents, ${loop.durationSeconds} s simulated, seed ${seed}, analysis on the engine thread (${loop.ticksAnalysed} ticks, ${loop.events} events opened)\n` +
      `  detector slices on the loop: ${loop.detectorSlices.count}, median ≤ ${loop.detectorSlices.p50AtMostMs} ms, p99 ≤ ${loop.detectorSlices.p99AtMostMs} ms, longest ${loop.detectorSlices.maxMs.toFixed(2)} ms; over 1 ms: ${loop.detectorSlices.over1Ms}, over 10 ms: ${loop.detectorSlices.over10Ms} (target ~10 ms; wall time, so a busy machine's descheduling counts)\n` +
      `  loop delay: p50 ${loop.loopDelayMs.p50.toFixed(2)} ms, p99 ${loop.loopDelayMs.p99.toFixed(2)} ms, max ${loop.loopDelayMs.max.toFixed(2)} ms (includes the load generator, longest slice ${loop.generatorMaxMs.toFixed(2)} ms)\n` +
      `  advance round trip per tick (engine thread, with queueing): median ${loop.analysisMs.median.toFixed(1)} ms, p99 ${loop.analysisMs.p99.toFixed(1)} ms, max ${loop.analysisMs.max.toFixed(1)} ms\n`,
  );
}

function printEmergenceTick(options: EmergenceBenchOptions): void {
  const seed = options.seeds[0] ?? 1;
  const { shapes, timedTicks, maxSeconds } = options.tick;
  process.stdout.write(
    `\ntick: ${options.agents} agents with a full horizon, a ${options.edges}-edge graph churning 0.5 % a tick, seed ${seed}, ${timedTicks} ticks timed within ${maxSeconds} s a shape (target: median ≤ 100 ms, max ≤ 1,000 ms); wall time, and in brackets the process's CPU time, which a loaded machine does not inflate\n`,
  );
  console.table(
    shapes.map((graph) => {
      process.stdout.write(`\r${graph} graph…   `);
      const r = measureEmergenceTick({
        agents: options.agents,
        edges: options.edges,
        graph,
        seed,
        timedTicks,
        maxSeconds,
      });
      return {
        graph,
        'edges in window': r.windowEdges,
        ticks: r.cutShort ? `${r.ticks} (budget ran out)` : r.ticks,
        'wall s': r.wallSeconds.toFixed(0),
        'median ms (CPU)': `${r.tickMs.median.toFixed(0)} (${r.cpuMs.median.toFixed(0)})`,
        'p99 ms (CPU)': `${r.tickMs.p99.toFixed(0)} (${r.cpuMs.p99.toFixed(0)})`,
        'max ms (CPU)': `${r.tickMs.max.toFixed(0)} (${r.cpuMs.max.toFixed(0)})`,
        'graph-refresh ticks: median ms (CPU)': `${r.graphTickMs.median.toFixed(0)} (${r.graphCpuMs.median.toFixed(0)})`,
        'graph-refresh ticks: max ms (CPU)': `${r.graphTickMs.max.toFixed(0)} (${r.graphCpuMs.max.toFixed(0)})`,
      };
    }),
  );
}
