// The anomaly detector against the simulator's ground truth: the pure generator replayed in data time through the
// service's own engine (createDefaultEngine, the default configuration), then scored with evaluateDetections.
import { createDefaultEngine, evaluateDetections, type Detection, type Evaluation, type TruthWindow } from '@swarmscope/anomaly-detector';
import { asSample } from './as-sample';
import { DEFAULT_GENERATOR, Population, createScenario, generateTick, type GeneratorConfig } from '@swarmscope/simulator';

export interface AnomalyTruthOptions {
  scenario: 'anomalies' | 'baseline';
  agents: number;
  /** Simulated duration; the `anomalies` scenario places its windows in [10 %, 90 %] of it. */
  hours: number;
  seed: number;
  /** The service's default latency SLO (LATENCY_SLO_SECONDS). */
  latencySloSeconds?: number;
  /** Called every simulated 10 minutes with the share done. */
  onProgress?: (done: number) => void;
}

export interface AnomalyTruthResult {
  scenario: string;
  agents: number;
  hours: number;
  seed: number;
  reports: number;
  truth: TruthWindow[];
  /** Every opened anomaly: agent, type, start. */
  detections: Detection[];
  evaluation: Evaluation;
  /** Opened anomalies by detected type (what fired, right or wrong). */
  openedByType: Record<string, number>;
}

/** How often the service sweeps (silence, recovery) in data time, as AnomalyDetector does. */
const SWEEP_MS = 5000;

/**
 * Replays `scenario` for `hours` of data time over `agents` simulated agents (1 request per agent and second, the
 * diurnal cycle on) through the default engine, sweeping every 5 s of data time, and scores every `opened` anomaly
 * against the truth: a detection counts when it starts inside its agent's injection window (any type; the type
 * agreement is reported apart). Deterministic for one seed.
 */
export function replayAnomalyTruth(options: AnomalyTruthOptions): AnomalyTruthResult {
  const { agents, hours, seed } = options;
  const durationSeconds = Math.round(hours * 3600);
  const startEpochMs = Date.UTC(2026, 0, 5, 6);
  const population = Population.build({ agents, seed });
  const scenario = createScenario(options.scenario, { population, seed, durationSeconds, startEpochMs });
  const config: GeneratorConfig = { ...DEFAULT_GENERATOR, seed, startEpochMs, interactions: false };
  const engine = createDefaultEngine({ latencySloSeconds: options.latencySloSeconds ?? 5 });
  const detections: Detection[] = [];
  const openedByType: Record<string, number> = {};
  const record = (events: ReturnType<typeof engine.sweep>) => {
    for (const e of events) {
      if (e.event !== 'opened') continue;
      detections.push({ agentId: e.agentId, type: e.type, start: e.startedAt });
      openedByType[e.type] = (openedByType[e.type] ?? 0) + 1;
    }
  };
  const ticks = Math.ceil((durationSeconds * 1000) / config.tickMs);
  const ticksPerSweep = Math.max(1, Math.round(SWEEP_MS / config.tickMs));
  const ticksPerProgress = Math.max(1, Math.round(600_000 / config.tickMs));
  let reports = 0;
  for (let tick = 0; tick < ticks; tick++) {
    for (const report of generateTick(population, scenario, config, tick).reports) {
      record(engine.observe(asSample(report)).events);
      reports++;
    }
    if ((tick + 1) % ticksPerSweep === 0) record(engine.sweep(startEpochMs + (tick + 1) * config.tickMs));
    if ((tick + 1) % ticksPerProgress === 0) options.onProgress?.((tick + 1) / ticks);
  }
  const truth: TruthWindow[] = scenario.truth.flatMap((t) => t.agents.map((agentId) => ({ agentId, type: t.type, start: t.from, end: t.to })));
  const agentDays = (agents * durationSeconds) / 86_400;
  return {
    scenario: options.scenario,
    agents,
    hours,
    seed,
    reports,
    truth,
    detections,
    evaluation: evaluateDetections(truth, detections, agentDays),
    openedByType,
  };
}

/**
 * `swarmscope bench anomalies`: the `anomalies` scenario (recall, precision, time to detect by type) and the
 * `baseline` scenario (false alarms per agent-day) at the default configuration, printed as tables.
 */
export function runAnomalyTruthBench(options: { agents: number; hours: number; seed: number }): { anomalies: AnomalyTruthResult; baseline: AnomalyTruthResult } {
  const progress = (label: string) => (done: number) => process.stdout.write(`\r${label}: ${Math.round(done * 100)} %   `);
  const anomalies = replayAnomalyTruth({ ...options, scenario: 'anomalies', onProgress: progress('anomalies') });
  const baseline = replayAnomalyTruth({ ...options, scenario: 'baseline', onProgress: progress('baseline') });
  const e = anomalies.evaluation;
  const seconds = (ms: number) => (Number.isNaN(ms) ? '-' : Math.round(ms / 1000));
  process.stdout.write(`\nanomalies: ${options.agents} agents, ${options.hours} h simulated each, seed ${options.seed}, default engine; a detection counts inside its agent's injection window\n`);
  console.table(
    Object.entries(e.byType).map(([type, t]) => ({ type, injected: t.windows, detected: t.detected, recall: t.recall.toFixed(3), 'median s to detect': seconds(t.medianMs), 'max s to detect': seconds(t.maxMs) })),
  );
  console.table([
    {
      recall: e.recall.toFixed(3),
      precision: e.precision.toFixed(3),
      'type agreement': e.typeAgreement.toFixed(3),
      'anomalies opened': e.detections,
      'baseline: opened': baseline.evaluation.detections,
      'baseline: false alarms / agent-day': baseline.evaluation.falseAlarmsPerAgentDay.toFixed(3),
      reports: anomalies.reports + baseline.reports,
    },
  ]);
  return { anomalies, baseline };
}
