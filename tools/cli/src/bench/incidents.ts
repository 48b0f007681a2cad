// Incidents against the simulator's ground truth: the pure generator replayed in data time through the anomaly
// engine and the emergence engine (their default configurations, as the services run them), their events through
// the correlator; then raw alerts vs incidents, per injected fault the incidents that name its agents, incident
// purity (scoreIncidents), and what the whole fleet stopping at the end does to the incidents.
import type { AnomalyEvent, EmergenceEvent, Incident } from '@swarmscope/core';
import { createEngineCore } from '@swarmscope/anomaly-detector';
import { EmergenceEngine } from '@swarmscope/emergence-detector';
import { Correlator, scoreIncidents, type CorrelatorOptions, type IncidentPurity } from '@swarmscope/incidents';
import {
  DEFAULT_GENERATOR,
  Population,
  createScenario,
  generateTick,
  type GeneratorConfig,
  type TruthRecord,
} from '@swarmscope/simulator';
import { asSample } from './as-sample';

export interface IncidentReplayOptions {
  scenario: 'anomalies' | 'emergence';
  agents: number;
  durationSeconds: number;
  seed: number;
  correlator?: Partial<CorrelatorOptions>;
  /** Simulated seconds after the run during which no agent reports (the fleet stopped, e.g. a load test ended); 0: none. */
  stopSeconds?: number;
  /** Called every simulated minute with the share done. */
  onProgress?: (done: number) => void;
}

/** One injected fault and the incidents that cover it. */
export interface FaultOutcome {
  id: string;
  type: string;
  agents: number;
  /** Incidents that match it best (Jaccard of agents, among the faults they overlap in time). */
  incidents: number;
  /** Share of its agents those incidents name. */
  agentsNamed: number;
  /** Of those, incidents that also hold agents of other faults (over-grouping). */
  sharedWithOtherFaults: number;
}

export interface IncidentReplayResult {
  scenario: string;
  agents: number;
  durationSeconds: number;
  seed: number;
  reports: number;
  /** What Alertmanager would get without correlation: every anomaly and emergence event opened. */
  rawAlerts: { anomalies: number; emergence: number; total: number };
  /** Incidents opened, and how many of them merged into another (the rest are the incidents an operator sees). */
  opened: number;
  merged: number;
  incidents: Incident[];
  faults: FaultOutcome[];
  /** Incidents that name no agent of any injected fault. */
  unmatched: Incident[];
  /** Incident purity against the truth (incidents as they stood when the fleet stopped). */
  purity: IncidentPurity;
  /** When `stopSeconds` > 0: what the fleet stopping did. */
  stop?: FleetStopOutcome;
}

/** The fleet stopped reporting at the end of the run. */
export interface FleetStopOutcome {
  /** Anomalies and emergence events raised after the stop. */
  rawAlerts: number;
  /** Incidents opened after the stop (merged ones left out), and of those the stopped-reporting ones. */
  opened: number;
  stoppedReporting: number;
  /** Agents the largest stopped-reporting incident names. */
  stoppedAgents: number;
  /** Titles and reasons of the other incidents opened after the stop. */
  others: string[];
  /** Incidents that existed before the stop whose agents, severity or title changed after it, or that merged into another. */
  rewritten: number;
}

const STEP_MS = 5000;

/** Replays one scenario through both engines and the correlator. Deterministic for one seed. */
export function replayIncidents(options: IncidentReplayOptions): IncidentReplayResult {
  const { agents, durationSeconds, seed } = options;
  const startEpochMs = Date.UTC(2026, 0, 5, 6);
  const population = Population.build({ agents, seed });
  const scenario = createScenario(options.scenario, { population, seed, durationSeconds, startEpochMs });
  const config: GeneratorConfig = { ...DEFAULT_GENERATOR, seed, startEpochMs };
  // A 5 s latency objective for every agent (as LATENCY_SLOS="*=5" would set).
  const anomalyEngine = createEngineCore({
    latencySlos: { pools: {}, models: {}, fallback: { seconds: 5, target: 0.99 } },
  });
  const emergenceEngine = new EmergenceEngine({ seed });
  // Every agent listed, so "names the injected agents" is measured on the incident's whole set, not its display cap.
  const correlator = new Correlator({ maxListed: Number.MAX_SAFE_INTEGER, ...options.correlator });
  const last = new Map<string, Incident>();
  const rawAlerts = { anomalies: 0, emergence: 0, total: 0 };
  const onAnomalies = (events: readonly AnomalyEvent[]) => {
    for (const e of events) {
      if (e.event === 'opened') rawAlerts.anomalies++;
      correlator.onAnomaly(e);
    }
  };
  const onEmergence = (events: readonly EmergenceEvent[]) => {
    for (const e of events) {
      if (e.event === 'opened') rawAlerts.emergence++;
      correlator.onEmergence(e);
    }
  };
  const ticks = Math.ceil((durationSeconds * 1000) / config.tickMs);
  const ticksPerStep = Math.max(1, Math.round(STEP_MS / config.tickMs));
  const ticksPerProgress = Math.max(1, Math.round(60_000 / config.tickMs));
  let reports = 0;
  for (let tick = 0; tick < ticks; tick++) {
    const out = generateTick(population, scenario, config, tick);
    for (const report of out.reports) {
      const sample = asSample(report);
      onAnomalies(anomalyEngine.observe(sample).events);
      emergenceEngine.ingest(sample);
    }
    for (const interaction of out.interactions) {
      const edge = { ...interaction, timestamp: interaction.timestamp ?? 0 };
      emergenceEngine.ingestInteraction(edge);
      correlator.onInteraction(edge);
    }
    reports += out.reports.length;
    const now = startEpochMs + (tick + 1) * config.tickMs;
    for (const analysis of emergenceEngine.advance(now)) onEmergence(analysis.changes);
    if ((tick + 1) % ticksPerStep === 0) {
      onAnomalies(anomalyEngine.sweep(now));
      for (const change of correlator.advance(now)) last.set(change.incident.id, change.incident);
    }
    if ((tick + 1) % ticksPerProgress === 0) options.onProgress?.((tick + 1) / ticks);
  }
  const endMs = startEpochMs + ticks * config.tickMs;
  for (const change of correlator.advance(endMs)) last.set(change.incident.id, change.incident);
  rawAlerts.total = rawAlerts.anomalies + rawAlerts.emergence;
  const rawBeforeStop = { ...rawAlerts };
  const all = [...last.values()].sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
  const incidents = all.filter((i) => i.resolution !== 'merged');
  const faults = coverage(scenario.truth, incidents);
  const named = new Set(scenario.truth.flatMap((t) => t.agents));
  const purity = scoreIncidents(
    scenario.truth.map((t) => ({ id: t.id, cause: t.type, agents: t.agents, from: t.from, to: t.to })),
    incidents,
  );
  let stop: FleetStopOutcome | undefined;
  if ((options.stopSeconds ?? 0) > 0) {
    // Every agent but one stops reporting (the one left moves data time on: the detector never takes a clock past
    // the newest report for silence); the engines sweep and tick on in data time, as the services do.
    const before = new Map(all.map((i) => [i.id, i]));
    const raw = rawAlerts.anomalies + rawAlerts.emergence;
    const after = new Map<string, Incident>();
    const survivor = population.agents()[0]!.id;
    const stopTicks = Math.ceil((options.stopSeconds! * 1000) / config.tickMs);
    for (let tick = ticks; tick < ticks + stopTicks; tick++) {
      for (const report of generateTick(population, scenario, config, tick).reports) {
        if (report.agentId !== survivor) continue;
        const sample = asSample(report);
        onAnomalies(anomalyEngine.observe(sample).events);
        emergenceEngine.ingest(sample);
      }
      const now = startEpochMs + (tick + 1) * config.tickMs;
      for (const analysis of emergenceEngine.advance(now)) onEmergence(analysis.changes);
      if ((tick + 1) % ticksPerStep === 0) {
        onAnomalies(anomalyEngine.sweep(now));
        for (const change of correlator.advance(now)) after.set(change.incident.id, change.incident);
      }
    }
    const fresh = [...after.values()].filter((i) => !before.has(i.id) && i.resolution !== 'merged');
    const stops = fresh.filter((i) => i.reasons.includes('agents stopped reporting together'));
    const rewritten = [...after.values()].filter((i) => {
      const was = before.get(i.id);
      return (
        was !== undefined &&
        (i.resolution === 'merged' ||
          i.severity !== was.severity ||
          i.title !== was.title ||
          i.agents.join() !== was.agents.join())
      );
    });
    stop = {
      rawAlerts: rawAlerts.anomalies + rawAlerts.emergence - raw,
      opened: fresh.length,
      stoppedReporting: stops.length,
      stoppedAgents: Math.max(0, ...stops.map((i) => i.agentCount)),
      others: fresh.filter((i) => !stops.includes(i)).map((i) => `${i.title} (${i.reasons.join('; ')})`),
      rewritten: rewritten.length,
    };
  }
  return {
    scenario: options.scenario,
    agents,
    durationSeconds,
    seed,
    reports,
    rawAlerts: rawBeforeStop,
    opened: all.length,
    merged: all.length - incidents.length,
    incidents,
    faults,
    unmatched: incidents.filter((i) => !i.agents.some((a) => named.has(a))),
    purity,
    ...(stop ? { stop } : {}),
  };
}

/**
 * Each incident is attributed to the fault it matches best (Jaccard of agents, among faults it overlaps in time);
 * per fault: its incidents, the share of its agents they name, and how many also hold agents of other faults only.
 */
function coverage(truths: readonly TruthRecord[], incidents: readonly Incident[]): FaultOutcome[] {
  const best = new Map<Incident, TruthRecord>();
  for (const incident of incidents) {
    let top: { truth: TruthRecord; score: number } | undefined;
    for (const truth of truths) {
      if (incident.startedAt > truth.to || (incident.resolvedAt ?? Infinity) < truth.from) continue;
      const shared = incident.agents.filter((a) => truth.agents.includes(a)).length;
      const score = shared / (incident.agents.length + truth.agents.length - shared);
      if (shared > 0 && (!top || score > top.score)) top = { truth, score };
    }
    if (top) best.set(incident, top.truth);
  }
  return truths.map((truth) => {
    const agents = new Set(truth.agents);
    const mine = incidents.filter((i) => best.get(i) === truth);
    const named = new Set(mine.flatMap((i) => i.agents.filter((a) => agents.has(a))));
    const elsewhere = new Set(truths.filter((t) => t !== truth).flatMap((t) => t.agents.filter((a) => !agents.has(a))));
    return {
      id: truth.id,
      type: truth.type,
      agents: agents.size,
      incidents: mine.length,
      agentsNamed: agents.size > 0 ? named.size / agents.size : 0,
      sharedWithOtherFaults: mine.filter((i) => i.agents.some((a) => elsewhere.has(a))).length,
    };
  });
}

export interface IncidentBenchOptions {
  agents: number;
  /** Simulated length of the anomalies scenario, hours. */
  hours: number;
  /** Agents and simulated seconds of the emergence scenario. */
  emergenceAgents: number;
  emergenceSeconds: number;
  seed: number;
  /** Simulated seconds the fleet stays stopped after each scenario (0: no stop). */
  stopSeconds: number;
}

/** `swarmscope bench incidents`: raw alerts vs incidents and fault coverage on both scenarios, printed as tables. */
export function runIncidentBench(options: IncidentBenchOptions): IncidentReplayResult[] {
  const progress = (label: string) => (done: number) =>
    process.stdout.write(`\r${label}: ${Math.round(done * 100)} %   `);
  const runs = [
    replayIncidents({
      scenario: 'anomalies',
      agents: options.agents,
      durationSeconds: options.hours * 3600,
      seed: options.seed,
      stopSeconds: options.stopSeconds,
      onProgress: progress('anomalies'),
    }),
    replayIncidents({
      scenario: 'emergence',
      agents: options.emergenceAgents,
      durationSeconds: options.emergenceSeconds,
      seed: options.seed,
      stopSeconds: options.stopSeconds,
      onProgress: progress('emergence'),
    }),
  ];
  process.stdout.write(
    `\nincidents: seed ${options.seed}; anomaly and emergence engines at their defaults, the correlator at its defaults\n`,
  );
  console.table(
    runs.map((r) => {
      const faults = r.faults.length;
      const covered = r.faults.filter((f) => f.incidents > 0).length;
      return {
        scenario: `${r.scenario} (${r.agents} agents, ${r.durationSeconds / 60} min)`,
        'injected faults': faults,
        'raw alerts': r.rawAlerts.total,
        'of which emergence': r.rawAlerts.emergence,
        incidents: r.incidents.length,
        'alerts / incident': (r.rawAlerts.total / Math.max(1, r.incidents.length)).toFixed(1),
        'incidents / fault': (r.incidents.length / Math.max(1, faults)).toFixed(2),
        'faults covered': `${covered}/${faults}`,
        'merged on the way': r.merged,
        'incidents naming no fault': r.unmatched.length,
        'faults in an incident of their own (J ≥ 0.8)': `${r.purity.faults.filter((f) => f.own).length}/${faults}`,
        'incidents of pool membership alone': r.purity.poolOnly.length,
      };
    }),
  );
  if (options.stopSeconds > 0) {
    process.stdout.write(
      `\nthe whole fleet stops reporting at the end of each scenario, for ${options.stopSeconds} s\n`,
    );
    console.table(
      runs.map((r) => ({
        scenario: r.scenario,
        'raw alerts after the stop': r.stop!.rawAlerts,
        'incidents opened': r.stop!.opened,
        'of which stopped reporting': r.stop!.stoppedReporting,
        'agents it names': r.stop!.stoppedAgents,
        'earlier incidents rewritten or merged': r.stop!.rewritten,
      })),
    );
    for (const r of runs)
      for (const other of r.stop!.others) process.stdout.write(`  ${r.scenario}: opened after the stop: ${other}\n`);
  }
  for (const r of runs) {
    process.stdout.write(`\n${r.scenario}: per injected fault\n`);
    console.table(
      r.faults.map((f) => ({
        fault: f.id,
        type: f.type,
        agents: f.agents,
        incidents: f.incidents,
        'agents named': `${(f.agentsNamed * 100).toFixed(0)} %`,
        'incidents shared with another fault': f.sharedWithOtherFaults,
        'best Jaccard': r.purity.faults.find((p) => p.id === f.id)!.jaccard.toFixed(2),
      })),
    );
    for (const i of r.unmatched.slice(0, 10))
      process.stdout.write(
        `  incident naming no fault: ${i.title} (${i.anomalyCount} anomalies, ${i.reasons.join('; ')})\n`,
      );
    if (r.unmatched.length > 10) process.stdout.write(`  ... and ${r.unmatched.length - 10} more\n`);
  }
  return runs;
}
