import { Random, mix } from '../random';
import {
  EffectIndex,
  compareText,
  round,
  truthRecord,
  type Modifiers,
  type Scenario,
  type ScenarioContext,
  type TruthRecord,
} from './types';

export const ANOMALY_TYPES = [
  'latency_spike',
  'error_surge',
  'token_spike',
  'quality_degradation',
  'model_drift',
  'memory_leak',
  'silent',
] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

// The method behind each injected pattern, written into its truth line.
const METHODS: Record<AnomalyType, string> = {
  latency_spike:
    'level shift of the log-normal latency median for a bounded window (point/collective anomaly, Chandola et al. 2009)',
  error_surge:
    'step in the Bernoulli failure probability (fault injection, as in chaos engineering, Basiri et al. 2016)',
  token_spike: 'multiplicative level shift of input and output token counts (Chandola et al. 2009)',
  quality_degradation: 'linear downward trend in quality scores (gradual concept drift, Gama et al. 2014)',
  model_drift:
    'abrupt shift of the output-length distribution, median and spread, persisting (sudden concept drift, Gama et al. 2014)',
  memory_leak: 'linear memory growth until a restart (software aging, Grottke & Trivedi 2007)',
  silent: 'crash-stop: the agent sends nothing during the window (fail-silent failure, Cristian 1991)',
};

/**
 * Anomalies spread over random agents and times: one of each kind at least, about one per 50 agents (≤ 200),
 * each agent hit once, windows inside [10 %, 90 %] of the run.
 */
export function anomaliesScenario(context: ScenarioContext): Scenario {
  const { population, durationSeconds: d } = context;
  const r = new Random(mix(context.seed, 0xa70a11e5));
  const agents = r.shuffle(population.agents());
  const count = Math.min(
    agents.length,
    Math.max(ANOMALY_TYPES.length, Math.min(200, Math.round(agents.length * 0.02))),
  );
  const types = r.shuffle(ANOMALY_TYPES);
  const index = new EffectIndex();
  const truth: TruthRecord[] = [];

  for (let i = 0; i < count; i++) {
    const agent = agents[i]!;
    const type = types[i % types.length]!;
    const length = d * r.uniform(0.08, 0.16);
    const from = r.uniform(0.1 * d, 0.9 * d - length);
    // Drift persists: a model update does not roll itself back.
    const to = type === 'model_drift' ? d : from + length;
    const params: Record<string, number | string | boolean> = {};
    let apply: (t: number, dt: number, mods: Modifiers) => void;
    switch (type) {
      case 'latency_spike': {
        const factor = round(r.uniform(4, 8), 2);
        params.latencyFactor = factor;
        apply = (_t, _dt, mods) => (mods.latencyFactor *= factor);
        break;
      }
      case 'error_surge': {
        const rate = round(r.uniform(0.3, 0.6), 3);
        params.errorRate = rate;
        apply = (_t, _dt, mods) => (mods.errorFloor = Math.max(mods.errorFloor, rate));
        break;
      }
      case 'token_spike': {
        const factor = round(r.uniform(5, 10), 2);
        params.tokensFactor = factor;
        apply = (_t, _dt, mods) => {
          mods.inputTokensFactor *= factor;
          mods.outputTokensFactor *= factor;
        };
        break;
      }
      case 'quality_degradation': {
        const drop = round(r.uniform(0.3, 0.45), 3);
        params.qualityDrop = drop;
        params.shape = 'linear';
        apply = (t, dt, mods) =>
          (mods.qualityShift -= drop * Math.min(1, Math.max(0, (t + dt / 2 - from) / (to - from))));
        break;
      }
      case 'model_drift': {
        const outputFactor = round(r.uniform(2, 3), 2);
        params.outputTokensFactor = outputFactor;
        params.outputSigmaFactor = 1.6;
        params.coherenceShift = -0.12;
        params.latencyFactor = 1.3;
        apply = (_t, _dt, mods) => {
          mods.outputTokensFactor *= outputFactor;
          mods.outputSigmaFactor *= 1.6;
          mods.coherenceShift -= 0.12;
          mods.latencyFactor *= 1.3;
        };
        break;
      }
      case 'memory_leak': {
        const growth = r.uniform(1.5, 3);
        const bytesPerSecond = Math.round((agent.memoryBytes * growth) / (to - from));
        params.bytesPerSecond = bytesPerSecond;
        params.restartAtEnd = true;
        apply = (t, dt, mods) => {
          const elapsed = Math.max(0, t + dt / 2 - from);
          mods.memoryExtraBytes += Math.round(bytesPerSecond * elapsed);
          mods.cpuShift += (15 * elapsed) / (to - from);
        };
        break;
      }
      case 'silent':
        apply = (_t, _dt, mods) => (mods.silent = true);
        break;
    }
    index.add(agent.id, { fromSeconds: from, toSeconds: to, apply });
    truth.push(
      truthRecord(context, {
        scenario: 'anomalies',
        id: '',
        type,
        method: METHODS[type],
        agents: [agent.id],
        pool: agent.pool,
        fromSeconds: from,
        toSeconds: to,
        params,
      }),
    );
  }
  truth.sort((a, b) => a.fromSeconds - b.fromSeconds || compareText(a.agents[0]!, b.agents[0]!));
  truth.forEach((record, i) => (record.id = `anomalies-${String(i + 1).padStart(3, '0')}`));
  return { name: 'anomalies', truth, modify: (agent, t, dt, mods) => index.apply(agent.id, agent, t, dt, mods) };
}
