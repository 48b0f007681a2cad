// `swarmscope bench anomalies`: both generators — the simulator's scenarios and fleetgen's fleet — replayed in data
// time through the anomaly engine (the service's defaults), the emergence engine and the incidents correlator, as
// the platform runs them; then recall with the right type, detection delay by type, false alarms per agent-day on
// the fault-free run of the same fleet, and incident purity.
import type { AnomalyEvent, EmergenceEvent, Incident, Interaction, SampleReport } from '@swarmscope/core';
import { anomalyDetectorEnv, createEngineCore, engineOptionsFrom } from '@swarmscope/anomaly-detector';
import { EmergenceEngine } from '@swarmscope/emergence-detector';
import { Correlator, scoreIncidents, type IncidentPurity, type ScoredIncident } from '@swarmscope/incidents';
import {
  burstyFeed,
  fleetgenFeed,
  simulatorFeed,
  type FeedOptions,
  type PoolStop,
  type ReplayFeed,
} from './anomaly-feeds';
import {
  quantileOfSorted,
  scoreDetections,
  type DetectionScore,
  type FaultWindow,
  type Sighting,
} from './anomaly-scoring';

/** The services' sweep and the correlator's advance run every 5 s of data time, as the services' timers do. */
const STEP_MS = 5000;
const DAY_MS = 86_400_000;

export interface ReplayResult {
  feed: ReplayFeed;
  reports: number;
  /** Agents × days between each agent's first and last report. */
  agentDays: number;
  /** Every `opened` and `updated` anomaly event. */
  sightings: Sighting[];
  silentOpened: Array<{ agentId: string; at: number }>;
  emergenceOpened: Array<{ type: string; at: number; agents: number }>;
  /** Incidents at the end of the run (merged ones left out), every agent listed. */
  incidents: Incident[];
  seconds: number;
}

export interface ReplayOptions {
  /** Feed the emergence engine and its events to the correlator, as the platform does (default true). */
  emergence?: boolean;
  /** The engine's longest hold, s (ANOMALY_HOLD_SECONDS; default the service's). */
  holdSeconds?: number;
  onProgress?: (done: number) => void;
}

/** Replays a feed in data time through the engines and the correlator. Deterministic for one feed. */
export function replayFeed(feed: ReplayFeed, options: ReplayOptions = {}): ReplayResult {
  const began = performance.now();
  // The service's defaults: per-pool/model SLOs from LATENCY_SLOS (none by default), the agents' own baselines.
  const engine = createEngineCore(
    engineOptionsFrom(
      anomalyDetectorEnv.parse(
        options.holdSeconds === undefined ? {} : { ANOMALY_HOLD_SECONDS: String(options.holdSeconds) },
      ),
    ),
  );
  const emergence = options.emergence === false ? undefined : new EmergenceEngine({ seed: 1 });
  const correlator = new Correlator({ maxListed: Number.MAX_SAFE_INTEGER });
  const sightings: Sighting[] = [];
  const silentOpened: ReplayResult['silentOpened'] = [];
  const emergenceOpened: ReplayResult['emergenceOpened'] = [];
  const last = new Map<string, Incident>();
  const seen = new Map<string, { first: number; last: number }>();
  const onAnomalies = (events: readonly AnomalyEvent[]) => {
    for (const e of events) {
      correlator.onAnomaly(e);
      if (e.event === 'resolved') continue;
      sightings.push({ agentId: e.agentId, type: e.type, risk: e.risk, at: e.time, opened: e.event === 'opened' });
      if (e.event === 'opened' && e.type === 'silent') silentOpened.push({ agentId: e.agentId, at: e.time });
    }
  };
  const onEmergence = (events: readonly EmergenceEvent[]) => {
    for (const e of events) {
      if (e.event === 'opened') emergenceOpened.push({ type: e.type, at: e.time, agents: e.agents.length });
      correlator.onEmergence(e);
    }
  };
  let next = feed.startMs + STEP_MS;
  const advanceTo = (now: number) => {
    onAnomalies(engine.sweep(now));
    if (emergence) for (const analysis of emergence.advance(now)) onEmergence(analysis.changes);
    for (const change of correlator.advance(now)) last.set(change.incident.id, change.incident);
  };
  const catchUp = (timestamp: number) => {
    for (; timestamp >= next; next += STEP_MS) advanceTo(next);
  };
  const observe = (sample: SampleReport) => {
    catchUp(sample.timestamp);
    onAnomalies(engine.observe(sample).events);
    emergence?.ingest(sample);
    const s = seen.get(sample.agentId);
    if (s) s.last = sample.timestamp;
    else seen.set(sample.agentId, { first: sample.timestamp, last: sample.timestamp });
  };
  const interact = (x: Interaction) => {
    catchUp(x.timestamp);
    // As the service does: the detector reads the interactions topic too (scans).
    onAnomalies(engine.observeInteraction(x));
    emergence?.ingestInteraction(x);
    correlator.onInteraction(x);
  };
  let reports = 0;
  const progressEvery = Math.max(1, Math.floor(feed.steps / 20));
  for (let i = 0; i < feed.steps; i++) {
    const { reports: rs, interactions: xs } = feed.step(i);
    rs.sort((a, b) => a.timestamp - b.timestamp);
    xs.sort((a, b) => a.timestamp - b.timestamp);
    // Merge the two in data time, so the correlator's graph is as it was when each anomaly arrives.
    let k = 0;
    for (const r of rs) {
      while (k < xs.length && xs[k]!.timestamp <= r.timestamp) interact(xs[k++]!);
      observe(r);
    }
    while (k < xs.length) interact(xs[k++]!);
    reports += rs.length;
    if ((i + 1) % progressEvery === 0) options.onProgress?.((i + 1) / feed.steps);
  }
  catchUp(feed.endMs);
  advanceTo(feed.endMs);
  let agentMs = 0;
  for (const s of seen.values()) agentMs += s.last - s.first;
  const incidents = [...last.values()]
    .filter((i) => i.resolution !== 'merged')
    .sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
  return {
    feed,
    reports,
    agentDays: agentMs / DAY_MS,
    sightings,
    silentOpened,
    emergenceOpened,
    incidents,
    seconds: (performance.now() - began) / 1000,
  };
}

/** One generator's figures: its faulted run scored against its truth, its fault-free run for false alarms. */
export interface GeneratorFigures {
  generator: string;
  faulted: ReplayResult;
  clean: ReplayResult;
  detection: DetectionScore;
  falseAlarms: DetectionScore;
  purity: IncidentPurity;
  cleanPurity: IncidentPurity;
  stops: StopOutcome[];
}

/** What a pool stopping all at once raised (target: one event). */
export interface StopOutcome extends PoolStop {
  silentAnomalies: number;
  emergenceEvents: number;
  incidentsOpened: number;
}

export function scoreGenerator(generator: string, faulted: ReplayResult, clean: ReplayResult): GeneratorFigures {
  return {
    generator,
    faulted,
    clean,
    detection: scoreDetections(faulted.feed.faults, faulted.sightings, { agentDays: faulted.agentDays }),
    falseAlarms: scoreDetections([], clean.sightings, { agentDays: clean.agentDays }),
    purity: incidentPurity(faulted.feed.faults, faulted.incidents),
    cleanPurity: incidentPurity([], clean.incidents),
    stops: clean.feed.stops.map((stop) => stopOutcome(clean, stop)),
  };
}

/** The incidents service's scoring; no detection delay allowed past a fault's end, as for its detection above. */
export function incidentPurity(faults: readonly FaultWindow[], incidents: readonly ScoredIncident[]): IncidentPurity {
  const truth = faults.map((f) => ({ id: f.id, cause: f.type, agents: f.agents, from: f.start, to: f.end }));
  return scoreIncidents(truth, incidents, { lateMs: 0 });
}

/** On the fault-free run (nothing else happens then): what the stop of `stop.pool` raised in the 15 minutes after. */
function stopOutcome(run: ReplayResult, stop: PoolStop): StopOutcome {
  const within = (t: number) => t >= stop.at && t < stop.at + 15 * 60_000;
  return {
    ...stop,
    silentAnomalies: run.silentOpened.filter((s) => within(s.at) && run.feed.poolOf.get(s.agentId) === stop.pool)
      .length,
    emergenceEvents: run.emergenceOpened.filter((e) => within(e.at)).length,
    incidentsOpened: run.incidents.filter((i) => within(i.openedAt)).length,
  };
}

export interface AnomaliesBenchOptions {
  /** fleetgen's agents and the simulator's (the simulator sends 1 request per agent and second: ≈ 5× fleetgen's load per agent). */
  agents: number;
  simulatorAgents: number;
  hours: number;
  seed: number;
  generators: ReadonlyArray<'simulator' | 'fleetgen' | 'bursty'>;
  emergence?: boolean;
  /** The engine's longest hold, s (default the service's). */
  holdSeconds?: number;
  onProgress?: (label: string, done: number) => void;
}

/** Runs both runs of each generator and scores them. */
export function measureAnomalies(options: AnomaliesBenchOptions): GeneratorFigures[] {
  return options.generators.map((generator) => {
    const feedOf = generator === 'simulator' ? simulatorFeed : generator === 'bursty' ? burstyFeed : fleetgenFeed;
    const base: Omit<FeedOptions, 'faults'> = {
      agents: generator === 'simulator' ? options.simulatorAgents : options.agents,
      hours: options.hours,
      seed: options.seed,
    };
    const run = (faults: boolean) => {
      const feed = feedOf({ ...base, faults });
      return replayFeed(feed, {
        emergence: options.emergence,
        holdSeconds: options.holdSeconds,
        onProgress: (d) => options.onProgress?.(feed.label, d),
      });
    };
    return scoreGenerator(generator, run(true), run(false));
  });
}

/** `swarmscope bench anomalies`: the figures of both generators, printed as tables. */
export function runAnomaliesBench(options: Omit<AnomaliesBenchOptions, 'onProgress'>): GeneratorFigures[] {
  const figures = measureAnomalies({
    ...options,
    onProgress: (label, done) => process.stdout.write(`\r${label}: ${Math.round(done * 100)} %   `),
  });
  const s = (ms: number) => (Number.isNaN(ms) ? '-' : Math.round(ms / 1000));
  process.stdout.write(
    `\nanomalies: seed ${options.seed}, ${options.hours} h of data time a run; anomaly engine at the service's defaults, ` +
      `${options.holdSeconds === undefined ? '' : `hold ceiling ${options.holdSeconds} s, `}${options.emergence === false ? 'no emergence engine' : 'emergence engine'}, correlator at its defaults. A fault is found when an anomaly ` +
      `of the right type is published on its agent inside its window; delay = that event's data time − the fault's start.\n`,
  );
  console.table(
    figures.flatMap((g) =>
      Object.entries(g.detection.byType).map(([type, t]) => ({
        generator: g.generator,
        fault: type,
        faults: t.faults,
        'right type': t.detected,
        recall: t.recall.toFixed(2),
        'any type': t.detectedAnyType,
        'median s': s(t.medianDelayMs),
        'p90 s': s(t.p90DelayMs),
        'leak growth at detection': type === 'memory_leak' ? leakGrowth(g.detection) : '',
      })),
    ),
  );
  console.table(
    figures.map((g) => ({
      generator: `${g.generator} (${g.faulted.feed.agents} agents)`,
      faults: g.detection.faults,
      'recall (right type)': g.detection.recall.toFixed(3),
      'recall (any type)': (g.detection.detectedAnyType / Math.max(1, g.detection.faults)).toFixed(3),
      'false alarms / agent-day (fault-free)': g.falseAlarms.falseAlarmsPerAgentDay.toFixed(2),
      'fault-free agent-days': g.clean.agentDays.toFixed(1),
      'pure (Jaccard ≥ 0.8)': `${g.purity.named}/${g.purity.faults.length}`,
      'landed in an incident': `${g.purity.landed}/${g.purity.faults.length}`,
      'only in ≥ 10-agent incidents': g.purity.onlyInLarge,
      'pool-only incidents (faults / fault-free)': `${g.purity.poolOnly.length} / ${g.cleanPurity.poolOnly.length}`,
      'incidents (faults / fault-free)': `${g.purity.incidents} / ${g.cleanPurity.incidents}`,
      reports: g.faulted.reports + g.clean.reports,
      s: Math.round(g.faulted.seconds + g.clean.seconds),
    })),
  );
  const types = [...new Set(figures.flatMap((g) => Object.keys(g.falseAlarms.falseAlarmsByType)))].sort();
  if (types.length > 0) {
    process.stdout.write('false alarms on the fault-free run, by type (count, per agent-day)\n');
    console.table(
      types.map((type) =>
        Object.fromEntries([
          ['type', type],
          ...figures.map((g) => {
            const n = g.falseAlarms.falseAlarmsByType[type] ?? 0;
            return [g.generator, `${n} (${(n / g.clean.agentDays).toFixed(2)})`];
          }),
        ]),
      ),
    );
  }
  for (const g of figures) {
    const missed = g.detection.outcomes.filter((o) => o.delayMs === undefined);
    for (const o of missed.slice(0, 12)) {
      process.stdout.write(
        `${g.generator}: missed ${o.fault.id} ${o.fault.type} on ${o.fault.agents.join(', ')} (${Math.round((o.fault.end - o.fault.start) / 60_000)} min; seen in its window: ${o.typesSeen.join(', ') || 'nothing'})\n`,
      );
    }
    if (missed.length > 12) process.stdout.write(`${g.generator}: ... and ${missed.length - 12} more missed\n`);
  }
  for (const g of figures) {
    for (const stop of g.stops) {
      process.stdout.write(
        `${g.generator}: pool ${stop.pool} (${stop.agents} agents) stopped at once → in the next 15 min ${stop.silentAnomalies} silent anomalies, ` +
          `${stop.emergenceEvents} emergence events, ${stop.incidentsOpened} incidents opened (target: one event)\n`,
      );
    }
  }
  return figures;
}

/** Median memory growth (share of the base) when leaks were found, from the fault's rate; '-' when none or unknown. */
function leakGrowth(d: DetectionScore): string {
  const growth = d.outcomes
    .filter(
      (o) =>
        o.fault.type === 'memory_leak' &&
        o.delayMs !== undefined &&
        o.fault.params?.bytesPerSecond &&
        o.fault.params.baseBytes,
    )
    .map((o) => (o.fault.params!.bytesPerSecond! * o.delayMs!) / 1000 / o.fault.params!.baseBytes!)
    .sort((a, b) => a - b);
  return growth.length ? `+${Math.round(quantileOfSorted(growth, 0.5) * 100)} % (median)` : '-';
}
