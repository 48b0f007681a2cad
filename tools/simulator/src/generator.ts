import type { Report, ToolUsage } from '@swarmscope/telemetry-client';
import { clamp, type Population, type SimAgent } from './population';
import { Random, mix } from './random';
import { neutralModifiers, resetModifiers, type Scenario } from './scenarios/types';
import type { Interaction } from '@swarmscope/telemetry-client';

// Math's functions as module constants: a global lookup costs ~10× more inside a vm context (jest's sandbox;
// measured), and nothing in plain Node.
const { ceil, cos, exp, floor, max, min, round: mathRound, PI } = Math;

export interface GeneratorConfig {
  seed: number;
  /** Epoch ms of simulation time 0: report timestamps are this plus simulation time. */
  startEpochMs: number;
  tickMs: number;
  /** Mean requests per agent per second over a day (the diurnal curve moves around it). */
  requestsPerSecond: number;
  /** Length of a simulated day in seconds (86 400 = real time; smaller compresses it); 0: flat load. */
  daySeconds: number;
  /** Each agent reports cpu and memory (a `requests: 0` report) this often, and when it joins. */
  resourceIntervalMs: number;
  /** Agents hand work to graph neighbours (interactions); default true. */
  interactions?: boolean;
}

export const DEFAULT_GENERATOR: Omit<GeneratorConfig, 'seed' | 'startEpochMs'> = {
  tickMs: 250,
  requestsPerSecond: 1,
  daySeconds: 86_400,
  resourceIntervalMs: 10_000,
  interactions: true,
};

/** What one tick produced; `requests` and `errors` count the simulated requests (attacks and probes included). */
export interface TickOutput {
  reports: Report[];
  interactions: Interaction[];
  requests: number;
  errors: number;
}

/** Seconds an agent waits on a silent neighbour before giving up. */
const HANDOFF_TIMEOUT_SECONDS = 30;

/**
 * Load over the day: 1 + 0.6·cos(2π(h − 14)/24) at UTC hour h, mean 1, peak at 14:00, trough at 02:00 (a
 * sinusoidal diurnal profile). With daySeconds < 86 400 the day passes faster than the clock.
 */
export function diurnalFactor(config: Pick<GeneratorConfig, 'startEpochMs' | 'daySeconds'>, tSeconds: number): number {
  if (!config.daySeconds) return 1;
  const secondOfDay =
    (((config.startEpochMs / 1000 + (tSeconds * 86_400) / config.daySeconds) % 86_400) + 86_400) % 86_400;
  return 1 + 0.6 * cos((2 * PI * (secondOfDay / 3600 - 14)) / 24);
}

/** Reports per second the population should produce at time t without a scenario (requests + resource reports). */
export function expectedReportsPerSecond(population: Population, config: GeneratorConfig, tSeconds: number): number {
  const load = diurnalFactor(config, tSeconds);
  let rate = 0;
  for (const agent of population.agents())
    if (agent.joinedAtMs <= tSeconds * 1000)
      rate += config.requestsPerSecond * agent.rateFactor * load + 1000 / config.resourceIntervalMs;
  return rate;
}

// Reused across calls: the generator allocates only what it returns.
const rng = new Random(0);
/** Which tools a request's calls went to, drawn from streams of their own: the other fields draw as they did before. */
const toolRng = new Random(0);
const mods = neutralModifiers();
const targetMods = neutralModifiers();

/**
 * Everything the population does in tick `tick` (simulation time [tick·tickMs, (tick+1)·tickMs)): a pure function
 * of its arguments. Each agent draws from its own stream mix(seed, agent, tick), so a scenario that changes one
 * agent leaves every other agent's reports exactly as they were, and any tick replays on its own.
 */
export function generateTick(
  population: Population,
  scenario: Scenario,
  config: GeneratorConfig,
  tick: number,
): TickOutput {
  const out: TickOutput = { reports: [], interactions: [], requests: 0, errors: 0 };
  const t0 = tick * config.tickMs;
  const t1 = t0 + config.tickMs;
  const t = t0 / 1000;
  const dt = config.tickMs / 1000;
  const load = diurnalFactor(config, t + dt / 2);
  const interactions = config.interactions !== false;
  for (const agent of population.agents()) {
    if (agent.joinedAtMs >= t1) continue;
    resetModifiers(mods);
    scenario.modify(agent, t, dt, mods);
    if (mods.silent) continue;
    rng.reseed(mix(config.seed, agent.uid, tick));
    const from = max(t0, agent.joinedAtMs);
    const span = t1 - from;
    const joins = agent.joinedAtMs >= t0;
    const nextResource =
      ceil((t0 - agent.resourcePhaseMs) / config.resourceIntervalMs) * config.resourceIntervalMs +
      agent.resourcePhaseMs;
    if (joins || nextResource < t1) out.reports.push(resourceReport(agent, config, joins ? from : nextResource, load));

    const count = rng.poisson(config.requestsPerSecond * agent.rateFactor * load * mods.rateFactor * (span / 1000));
    for (let k = 0; k < count; k++) {
      const timestamp = config.startEpochMs + from + floor(rng.next() * span);
      const attack = mods.attackShare > 0 && rng.next() < mods.attackShare;
      const report = requestReport(agent, timestamp, load, attack);
      const toolCalls = report.metrics!.tool_calls!;
      if (toolCalls > 0) report.tools = toolUsage(agent, toolCalls, mix(config.seed, agent.uid, tick, k + 1));
      out.requests++;
      if (report.metrics!.errors) out.errors++;
      out.reports.push(report);
      if (interactions && !attack && agent.out.length > 0 && rng.next() < agent.type.handoffProbability) {
        const handoff = handoffTo(agent, scenario, t, dt, timestamp, t1);
        if (handoff) out.interactions.push(handoff);
      }
    }
    for (let k = 0; k < mods.probes; k++) {
      const timestamp = config.startEpochMs + from + floor(rng.next() * span);
      out.reports.push(probeReport(agent, timestamp));
      out.requests++;
      out.errors++;
      if (interactions) {
        out.interactions.push({
          from: mods.probeFrom,
          to: agent.id,
          kind: 'message',
          outcome: 'error',
          latencySeconds: round(rng.logNormal(0.004, 0.3), 4),
          timestamp,
          traceId: rng.hex(32),
          spanId: rng.hex(16),
        });
      }
    }
  }
  return out;
}

function resourceReport(agent: SimAgent, config: GeneratorConfig, atMs: number, load: number): Report {
  return {
    agentId: agent.id,
    timestamp: config.startEpochMs + atMs,
    model: agent.model.name,
    pool: agent.pool,
    type: agent.type.name,
    metrics: { requests: 0, cpu_percent: cpu(agent, load), memory_bytes: agent.memoryBytes + mods.memoryExtraBytes },
  };
}

function requestReport(agent: SimAgent, timestamp: number, load: number, attack: boolean): Report {
  const model = agent.model;
  const latency = rng.logNormal(
    model.latencyMedianSeconds * agent.latencyFactor * mods.latencyFactor,
    model.latencySigma,
  );
  const errorProbability = attack
    ? mods.attackErrorRate
    : min(1, max(model.errorRate * agent.errorFactor * mods.errorFactor, mods.errorFloor));
  const error = rng.next() < errorProbability;
  const inputTokens = attack
    ? mathRound(rng.logNormal(30, 0.4))
    : mathRound(rng.logNormal(model.inputTokensMedian * mods.inputTokensFactor, 0.5));
  const outputTokens = error
    ? 0
    : attack
      ? mathRound(rng.logNormal(12, 0.5))
      : mathRound(
          rng.logNormal(
            model.outputTokensMedian * mods.outputTokensFactor,
            model.outputTokensSigma * mods.outputSigmaFactor,
          ),
        );
  const report: Report = {
    agentId: agent.id,
    timestamp,
    model: model.name,
    pool: agent.pool,
    type: agent.type.name,
    metrics: {
      response_time_seconds: round(latency, 4),
      requests: 1,
      errors: error ? 1 : 0,
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      tool_calls: attack ? 0 : rng.poisson(agent.type.toolCallsMean),
      cost_usd: round((inputTokens * model.inputPricePerMillion + outputTokens * model.outputPricePerMillion) / 1e6, 8),
      cpu_percent: cpu(agent, load),
      memory_bytes: agent.memoryBytes + mods.memoryExtraBytes,
    },
  };
  if (!error && !attack) {
    const q = agent.quality + mods.qualityShift;
    report.quality = {
      accuracy: score(q + 0.04 * rng.normal()),
      coherence: score(q + 0.02 + mods.coherenceShift + 0.04 * rng.normal()),
      efficiency: score(q - 0.05 + 0.05 * rng.normal()),
      adaptability: score(q - 0.08 + 0.05 * rng.normal()),
    };
  }
  return report;
}

/** `calls` tool calls of one request, by tool: each goes to one of the role's tools and fails at that tool's rate (scaled like the request's). */
function toolUsage(agent: SimAgent, calls: number, seed: number): Record<string, ToolUsage> {
  toolRng.reseed(seed);
  const profiles = agent.type.tools;
  const tools: Record<string, ToolUsage> = {};
  for (let i = 0; i < calls; i++) {
    const tool = profiles[toolRng.int(profiles.length)]!;
    const failed = toolRng.next() < min(1, max(tool.errorRate * agent.errorFactor * mods.errorFactor, mods.errorFloor));
    const duration = toolRng.logNormal(tool.durationMedianSeconds * agent.latencyFactor * mods.latencyFactor, 0.5);
    const usage = (tools[tool.name] ??= { calls: 0, errors: 0, durationSeconds: 0 });
    usage.calls++;
    if (failed) usage.errors!++;
    usage.durationSeconds = round(usage.durationSeconds! + duration, 4);
  }
  return tools;
}

/** A probe: a tiny request that fails at once (nothing listens for what it asks). */
function probeReport(agent: SimAgent, timestamp: number): Report {
  return {
    agentId: agent.id,
    timestamp,
    model: agent.model.name,
    pool: agent.pool,
    type: agent.type.name,
    metrics: {
      response_time_seconds: round(rng.logNormal(0.004, 0.3), 4),
      requests: 1,
      errors: 1,
      input_tokens: mathRound(rng.logNormal(8, 0.3)),
      output_tokens: 0,
      tool_calls: 0,
      cost_usd: 0,
    },
  };
}

/** Work handed to a neighbour: its outcome and latency follow the neighbour's own state (failing, silent...). */
function handoffTo(
  agent: SimAgent,
  scenario: Scenario,
  t: number,
  dt: number,
  timestamp: number,
  t1: number,
): Interaction | undefined {
  const target = agent.out[rng.int(agent.out.length)]!;
  if (target.removed || target.joinedAtMs >= t1) return undefined;
  resetModifiers(targetMods);
  scenario.modify(target, t, dt, targetMods);
  // Always the same draws, whatever the target's state: the agent's own stream must not depend on its neighbours.
  const u = rng.next();
  const z = rng.normal();
  let outcome: Interaction['outcome'];
  let latency: number;
  if (targetMods.silent) {
    outcome = 'error';
    latency = HANDOFF_TIMEOUT_SECONDS;
  } else {
    const p = min(1, max(target.model.errorRate * target.errorFactor * targetMods.errorFactor, targetMods.errorFloor));
    outcome = u < p ? 'error' : 'success';
    latency =
      target.model.latencyMedianSeconds *
      target.latencyFactor *
      targetMods.latencyFactor *
      exp(target.model.latencySigma * z);
  }
  return {
    from: agent.id,
    to: target.id,
    kind: agent.type.handoffKind,
    outcome,
    latencySeconds: round(latency, 4),
    timestamp,
    traceId: rng.hex(32),
    spanId: rng.hex(16),
  };
}

function cpu(agent: SimAgent, load: number): number {
  return round(
    clamp(agent.cpuBasePercent + 20 * (load * mods.rateFactor - 1) + mods.cpuShift + 4 * rng.normal(), 1, 100),
    1,
  );
}

function score(x: number): number {
  return round(clamp(x, 0, 1), 3);
}

const POWERS = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8];

function round(x: number, digits: number): number {
  const scale = POWERS[digits]!;
  return mathRound(x * scale) / scale;
}
