import type { AgentReport } from '../engine/agent-engine';
import { seeded } from './random';

// A second generator for known-answer tests, made apart from the simulator and unlike it in shape: Poisson arrivals
// with a diurnal rate, heavy-tailed latency (log-normal body, Pareto spikes that are not faults), normally slow pools,
// a garbage-collected memory sawtooth over a wandering level, and faults injected on purpose.

/** One agent's normal behaviour. */
export interface NoisyAgent {
  id: string;
  pool: string;
  model: string;
  /** Mean requests a second (the diurnal cycle swings it by ±diurnal). */
  rate: number;
  diurnal: number;
  /** Median latency, s, and the log-normal σ of its body. */
  latency: number;
  latencySigma: number;
  /** Share of requests that are natural spikes (Pareto, α = 1.5, from 3× the median). */
  spikeShare: number;
  errorRate: number;
  outputTokens: number;
  /** Memory floor, bytes; the sawtooth climbs gcAmplitude × the floor over gcPeriodMs, then collects. */
  memory: number;
  gcPeriodMs: number;
  gcAmplitude: number;
  /** Std of the memory level's random wander per √hour (a share; mean-reverting over ≈ 1 h). */
  memoryWander: number;
  quality: number;
}

/** A fault, from `fromMs` to `toMs` after the start; `size` by kind (a factor, a share, or growth per hour). */
export interface NoisyFault {
  kind: 'latency' | 'errors' | 'tokens' | 'flood' | 'leak' | 'drift' | 'quality';
  fromMs: number;
  toMs: number;
  size: number;
}

/** A varied agent: `slow` pools run at ≈ 5 s medians (code review, research), others at 0.4–1.5 s. */
export function noisyAgent(index: number, seed: number, slow = false): NoisyAgent {
  const u = seeded((seed * 7919 + index * 104729) >>> 0 || 1);
  return {
    id: `noisy-${index}`,
    pool: slow ? 'research' : index % 2 ? 'chat' : 'support',
    model: slow ? 'large' : 'small',
    rate: 0.2 + 1.3 * u(),
    diurnal: 0.3 + 0.4 * u(),
    latency: slow ? 4 + 2 * u() : 0.4 + 1.1 * u(),
    latencySigma: 0.3 + 0.3 * u(),
    spikeShare: 0.002 + 0.006 * u(),
    errorRate: 0.005 + 0.02 * u(),
    outputTokens: 150 + 500 * u(),
    memory: 2e8 + 6e8 * u(),
    gcPeriodMs: 20_000 + 280_000 * u(),
    gcAmplitude: 0.1 + 0.3 * u(),
    memoryWander: 0.04 + 0.05 * u(),
    quality: 0.8 + 0.12 * u(),
  };
}

/**
 * The reports of `agent` over [0, durationMs) from `startMs` (epoch ms), one a request, in time order, with `faults`
 * applied. Deterministic for one seed. Memory is also reported between requests every 10 s (a resource report).
 */
export function* noisyReports(
  agent: NoisyAgent,
  startMs: number,
  durationMs: number,
  seed: number,
  faults: readonly NoisyFault[] = [],
): Generator<AgentReport> {
  const u = seeded(seed >>> 0 || 1);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const active = (kind: NoisyFault['kind'], t: number) =>
    faults.find((f) => f.kind === kind && t >= f.fromMs && t < f.toMs);
  let t = 0;
  let nextResource = 0;
  const memoryAt = memoryModel(agent, normal, faults);
  for (;;) {
    const diurnal = 1 + agent.diurnal * Math.sin((2 * Math.PI * (startMs + t)) / 86_400_000);
    const flood = active('flood', t);
    const rate = agent.rate * diurnal * (flood ? flood.size : 1);
    const gap = (-Math.log(1 - u()) / rate) * 1000;
    // Resource reports between requests, so a quiet agent's memory is still seen.
    while (nextResource < Math.min(t + gap, durationMs)) {
      yield {
        agentId: agent.id,
        timestamp: startMs + nextResource,
        model: agent.model,
        pool: agent.pool,
        metrics: { requests: 0, memory_bytes: Math.round(memoryAt(nextResource)) },
      };
      nextResource += 10_000;
    }
    t += gap;
    if (t >= durationMs) return;
    const slow = active('latency', t);
    const spike = u() < agent.spikeShare ? 3 * Math.pow(1 - u(), -1 / 1.5) : 1;
    const latency = agent.latency * (slow ? slow.size : 1) * Math.exp(agent.latencySigma * normal()) * spike;
    const errors = active('errors', t);
    const error = u() < (errors ? errors.size : agent.errorRate) ? 1 : 0;
    const tokens = active('tokens', t);
    const drift = active('drift', t);
    const output = error
      ? 0
      : Math.round(
          agent.outputTokens *
            (tokens ? tokens.size : 1) *
            (drift ? drift.size : 1) *
            Math.exp((drift ? 0.9 : 0.5) * normal()),
        );
    const quality = active('quality', t);
    const q =
      agent.quality -
      (quality ? (quality.size * (t - quality.fromMs)) / (quality.toMs - quality.fromMs) : 0) -
      (drift ? 0.1 : 0);
    yield {
      agentId: agent.id,
      timestamp: startMs + t,
      model: agent.model,
      pool: agent.pool,
      metrics: {
        requests: 1,
        errors: error,
        response_time_seconds: Math.round(latency * 1e4) / 1e4,
        input_tokens: Math.round(600 * Math.exp(0.6 * normal())),
        output_tokens: output,
        cost_usd: output * 1e-5,
        memory_bytes: Math.round(memoryAt(t)),
      },
      quality: error ? undefined : { accuracy: clamp(q + 0.05 * normal()), coherence: clamp(q + 0.03 * normal()) },
    };
  }
}

/**
 * The agent's memory at increasing times: a sawtooth climbing gcAmplitude × the level over gcPeriodMs, over a level
 * that wanders (Ornstein–Uhlenbeck in log space, 1-hour time constant), plus any leak.
 */
function memoryModel(agent: NoisyAgent, normal: () => number, faults: readonly NoisyFault[]): (time: number) => number {
  let wander = 0;
  let last = 0;
  return (time) => {
    const dtHours = (time - last) / 3_600_000;
    if (dtHours > 0) {
      wander =
        wander * Math.exp(-dtHours) +
        agent.memoryWander * Math.sqrt(Math.max(0, 1 - Math.exp(-2 * dtHours))) * normal();
      last = time;
    }
    const phase = (time % agent.gcPeriodMs) / agent.gcPeriodMs;
    let m = agent.memory * Math.exp(wander) * (1 + agent.gcAmplitude * phase);
    const leak = faults.find((f) => f.kind === 'leak' && time >= f.fromMs);
    if (leak) m += (agent.memory * leak.size * (Math.min(time, leak.toMs) - leak.fromMs)) / 3_600_000;
    return m;
  };
}

/** Only the agent's memory, every 10 s over [0, durationMs): [ms after the start, bytes] (cheap, for memory tests). */
export function* noisyMemory(
  agent: NoisyAgent,
  durationMs: number,
  seed: number,
  faults: readonly NoisyFault[] = [],
): Generator<[number, number]> {
  const u = seeded(seed >>> 0 || 1);
  const memoryAt = memoryModel(agent, () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()), faults);
  for (let t = 0; t < durationMs; t += 10_000) yield [t, memoryAt(t)];
}

function clamp(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
