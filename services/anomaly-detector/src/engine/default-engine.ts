import type { SampleReport } from '@swarmscope/core';
import { AgentAnomalyEngine, type AgentAnomalyEngineOptions } from './agent-engine';
import type { AnomalyEngine, EngineCore, ReportVerdict } from './engine-port';
import type { AnomalyDetectorEnv } from '../env';

const NORMAL: Omit<ReportVerdict, 'score'> = {
  anomalous: false,
  confidence: 0,
  severity: 'low',
  type: 'none',
  detectors: [],
  features: [],
  evidence: {},
  explanation: 'no detector is above its threshold',
};

/** The engine's options from the service's environment (the one place env becomes engine options). */
export function engineOptionsFrom(
  env: Pick<AnomalyDetectorEnv, 'LATENCY_SLOS' | 'ANOMALY_HOLD_SECONDS'>,
): AgentAnomalyEngineOptions {
  const holdMs = env.ANOMALY_HOLD_SECONDS * 1000;
  return { latencySlos: env.LATENCY_SLOS, tailShift: { holdMs }, requestRate: { holdMs } };
}

/**
 * The service's engine: the per-agent AgentAnomalyEngine with its defaults and the latency objectives (LATENCY_SLOS;
 * a fleet-wide one is its `*=` entry). The engine thread runs this; so does {@link createDefaultEngine}.
 */
export function createEngineCore(options: AgentAnomalyEngineOptions = {}): EngineCore {
  const latencySlos = options.latencySlos ?? { pools: {}, models: {} };
  const engine = new AgentAnomalyEngine({ ...options, latencySlos });
  return {
    observe(report: SampleReport) {
      const result = engine.observe(report);
      const finding = result.anomaly;
      // The engine reuses its verdict object between calls: copy what we keep.
      const verdict: ReportVerdict = finding
        ? {
            anomalous: true,
            ...finding,
            detectors: [...finding.detectors],
            features: [...finding.features],
            evidence: { ...finding.evidence },
          }
        : { ...NORMAL, score: result.score };
      return { verdict, events: [...result.events] };
    },
    observeInteraction: (interaction) => [...engine.observeInteraction(interaction)],
    sweep: (now) => engine.sweep(now),
    agents: () => engine.stats().agents,
    stateBytes: () => engine.stateBytes(),
    warmUp: () => engine.warmUp(),
    describe: () => describeEngine(options),
  };
}

/** What `GET /detectors` shows of the engine's configuration (the same wherever it runs). */
export function describeEngine(options: AgentAnomalyEngineOptions): Record<string, unknown> {
  return { engine: 'AgentAnomalyEngine', ...options, latencySlos: options.latencySlos ?? { pools: {}, models: {} } };
}

/** The engine on the calling thread (tests, benches): each call runs at once, in order. */
export function createDefaultEngine(options: AgentAnomalyEngineOptions = {}): AnomalyEngine {
  return inProcess(createEngineCore(options));
}

/** An {@link EngineCore} behind the service's port, on this thread. */
export function inProcess(core: EngineCore): AnomalyEngine {
  let closed: Error | undefined;
  // A throwing engine rejects, as the thread's does: the bus leaves the batch pending.
  const run = <T>(work: () => T): Promise<T> =>
    new Promise<T>((resolve) => {
      if (closed) throw closed;
      resolve(work());
    });
  return {
    observeReports: (reports) =>
      run(() => {
        const events = [];
        for (const report of reports) events.push(...core.observe(report).events);
        return events;
      }),
    detect: (report) => run(() => core.observe(report)),
    observeInteractions: (interactions) =>
      run(() => {
        const events = [];
        for (const interaction of interactions) events.push(...core.observeInteraction(interaction));
        return events;
      }),
    sweep: (now) => run(() => core.sweep(now)),
    agents: () => core.agents(),
    stateBytes: () => core.stateBytes(),
    describe: () => core.describe(),
    warmUp: () => core.warmUp(),
    get error() {
      return closed;
    },
    async close() {
      closed ??= new Error('the anomaly engine was closed');
    },
  };
}
