import type { SampleReport } from '@swarmscope/core';
import { AgentAnomalyEngine, type AgentAnomalyEngineOptions } from './agent-engine';
import type { AnomalyEngine, ReportVerdict } from './engine-port';

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

/** The service's engine: the per-agent AgentAnomalyEngine with its defaults (and the SLO from the environment). */
export function createDefaultEngine(options: { latencySloSeconds: number } & AgentAnomalyEngineOptions): AnomalyEngine {
  const { latencySloSeconds, ...rest } = options;
  const engine = new AgentAnomalyEngine({ ...rest, latencySlo: { ...rest.latencySlo, sloSeconds: latencySloSeconds } });
  return {
    observe(report: SampleReport) {
      const result = engine.observe(report);
      const finding = result.anomaly;
      // The engine reuses its verdict object between calls: copy what we keep.
      const verdict: ReportVerdict = finding ? { anomalous: true, ...finding, detectors: [...finding.detectors], features: [...finding.features], evidence: { ...finding.evidence } } : { ...NORMAL, score: result.score };
      return { verdict, events: [...result.events] };
    },
    sweep: (now) => engine.sweep(now),
    agents: () => engine.stats().agents,
    stateBytes: () => engine.stateBytes(),
    describe: () => ({ engine: 'AgentAnomalyEngine', latencySloSeconds, ...rest }),
  };
}
