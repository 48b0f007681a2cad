import type { SampleReport } from '@swarmscope/core';
import { AgentAnomalyEngine, type AgentAnomalyEngineOptions } from './agent-engine';
import type { AnomalyEngine, ReportVerdict } from './engine-port';
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
export function engineOptionsFrom(env: Pick<AnomalyDetectorEnv, 'LATENCY_SLOS' | 'ANOMALY_HOLD_SECONDS'>): AgentAnomalyEngineOptions {
  const holdMs = env.ANOMALY_HOLD_SECONDS * 1000;
  return { latencySlos: env.LATENCY_SLOS, tailShift: { holdMs }, requestRate: { holdMs } };
}

/**
 * The service's engine: the per-agent AgentAnomalyEngine with its defaults and the latency objectives (LATENCY_SLOS;
 * a fleet-wide one is its `*=` entry).
 */
export function createDefaultEngine(options: AgentAnomalyEngineOptions = {}): AnomalyEngine {
  const latencySlos = options.latencySlos ?? { pools: {}, models: {} };
  const engine = new AgentAnomalyEngine({ ...options, latencySlos });
  return {
    observe(report: SampleReport) {
      const result = engine.observe(report);
      const finding = result.anomaly;
      // The engine reuses its verdict object between calls: copy what we keep.
      const verdict: ReportVerdict = finding ? { anomalous: true, ...finding, detectors: [...finding.detectors], features: [...finding.features], evidence: { ...finding.evidence } } : { ...NORMAL, score: result.score };
      return { verdict, events: [...result.events] };
    },
    observeInteraction: (interaction) => [...engine.observeInteraction(interaction)],
    sweep: (now) => engine.sweep(now),
    agents: () => engine.stats().agents,
    stateBytes: () => engine.stateBytes(),
    warmUp: () => engine.warmUp(),
    describe: () => ({ engine: 'AgentAnomalyEngine', ...options, latencySlos }),
  };
}
