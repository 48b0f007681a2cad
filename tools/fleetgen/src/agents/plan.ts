import { LOAD_TEST_ARCHETYPE, POOL_ARCHETYPES, modelSpec, type ModelSpec, type PoolArchetype } from './profiles';
import { Rng } from './random';

/** Faults fleetgen plants, one agent each. Names are fleetgen's own; a benchmark maps them to detector types. */
export const FAULT_TYPES = [
  'latency',
  'error_burst',
  'quality_slide',
  'token_explosion',
  'model_drift',
  'memory_leak',
  'request_flood',
  'scan',
  'exfiltration',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

/** The ground truth of one planted fault: which agent, what, when (epoch ms, end exclusive), and how strong. */
export interface FaultTruth {
  id: string;
  type: FaultType;
  agentId: string;
  pool: string;
  start: number;
  end: number;
  params: Record<string, number>;
}

/** A natural spike: ordinary trouble that is NOT a fault (an upstream hiccup, a burst of 429s, users pasting documents). */
export interface NaturalSpike {
  agentId: string;
  kind: 'latency' | 'errors' | 'tokens';
  start: number;
  end: number;
  /** latency: multiplier; errors: failure probability; tokens: input multiplier. */
  level: number;
}

/** One scan contact: the scanner reaches `to` at `at` (epoch ms). */
export interface ScanContact {
  at: number;
  to: string;
  failed: boolean;
}

export interface PoolPlan {
  name: string;
  archetype: PoolArchetype;
  /** The pool's time zone, hours from UTC: its business hours drive its daily load. */
  utcOffsetHours: number;
  agents: number;
  /** Epoch ms when the whole pool stops reporting (a load test ending), or undefined. */
  stopsAt?: number;
}

export interface AgentPlan {
  index: number;
  id: string;
  pool: PoolPlan;
  model: ModelSpec;
  /** Steady request rate before the daily profile, requests/s. */
  rate: number;
  ttftFactor: number;
  errorRate: number;
  quality: number;
  cpuBasePercent: number;
  memoryBytes: number;
  /** GC sawtooth: heap grows by `gcAmplitude` × memoryBytes over each period, then drops. */
  gcPeriodMs: number;
  gcAmplitude: number;
  gcPhaseMs: number;
  /** Slow drifts that are not faults: share of the base per hour (0 for most agents). */
  memoryDriftPerHour: number;
  latencyDriftPerHour: number;
  /** Offset of its resource reports within the resource interval. */
  resourcePhaseMs: number;
  joinedAt: number;
  /** Epoch ms from which it sends nothing (its pool stopped); Infinity otherwise. */
  stoppedAt: number;
  /** Agents (indices) it hands work to. */
  neighbours: number[];
  fault?: FaultTruth;
  spikes: NaturalSpike[];
  scan?: ScanContact[];
}

export interface FleetOptions {
  seed: number;
  /** About this many agents (default 400), in 4–7 pools. */
  agents?: number;
  /** Length of the run, hours (default 2). */
  hours?: number;
  /** Epoch ms of the run's start (default 2026-03-10 08:00 UTC, a Tuesday morning in Europe). */
  startEpochMs?: number;
  /** Plant faults (default true); false gives the same fleet fault-free. */
  faults?: boolean;
  /** Faults per agent (default 0.1: 40 faults in 400 agents; at least one of each type). */
  faultShare?: number;
  /** Natural spikes per agent and hour (default 0.5). */
  spikesPerAgentHour?: number;
  /** Share of agents with a slow memory drift, and of agents with a slow latency drift (defaults 0.3, 0.15). */
  memoryDriftShare?: number;
  latencyDriftShare?: number;
  /** A load-test pool that ramps up over the first quarter and stops at `stopFraction` of the run (default true, 0.92). */
  loadTest?: boolean;
  stopFraction?: number;
  /** Seconds between an agent's resource reports (default 15). */
  resourceIntervalSeconds?: number;
}

/** Everything a run is, decided before the first report: the fleet, its noise, its faults. Pure data. */
export interface FleetPlan {
  seed: number;
  startEpochMs: number;
  endEpochMs: number;
  resourceIntervalMs: number;
  pools: PoolPlan[];
  agents: AgentPlan[];
  faults: FaultTruth[];
  spikes: NaturalSpike[];
}

export const DEFAULT_START_EPOCH_MS = Date.UTC(2026, 2, 10, 8);
const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Window length (minutes) by fault type, and the requests a request-driven fault must span at least. */
const FAULT_MINUTES: Record<FaultType, readonly [number, number]> = {
  latency: [6, 20],
  error_burst: [4, 15],
  quality_slide: [12, 25],
  token_explosion: [4, 12],
  model_drift: [0, 0],
  memory_leak: [15, 35],
  request_flood: [4, 12],
  scan: [3, 8],
  exfiltration: [6, 15],
};
const MIN_FAULT_REQUESTS = 25;

/**
 * Plans a fleet: pools drawn from the archetypes (4–7, sizes ≈ 20–150 at the default size), agents with their own
 * rates, speeds, memory sawtooth and drifts, natural spikes, joins and the load test's stop, and — unless
 * `faults: false` — one planted fault on each of ≈ faultShare × agents agents. Deterministic for one seed; the
 * fault-free plan of a seed is the same fleet without its faults.
 */
export function planFleet(options: FleetOptions): FleetPlan {
  const seed = options.seed >>> 0;
  const total = Math.max(8, Math.round(options.agents ?? 400));
  const hours = options.hours ?? 2;
  const startEpochMs = options.startEpochMs ?? DEFAULT_START_EPOCH_MS;
  const duration = Math.round(hours * HOUR);
  const endEpochMs = startEpochMs + duration;
  const loadTest = options.loadTest ?? true;
  const rng = new Rng(seed, 0xf1ee7);

  const regular = rng.shuffled(POOL_ARCHETYPES).slice(0, rng.intBetween(loadTest ? 3 : 4, loadTest ? 6 : 6));
  const archetypes = loadTest ? [...regular, LOAD_TEST_ARCHETYPE] : regular;
  const weights = archetypes.map(() => rng.uniform(0.4, 1.6));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const minSize = Math.min(20, Math.max(2, Math.floor(total / archetypes.length / 2)));
  const stopsAt = startEpochMs + Math.round((options.stopFraction ?? 0.92) * duration);
  const pools: PoolPlan[] = archetypes.map((archetype, i) => ({
    name: archetype.name,
    archetype,
    utcOffsetHours: rng.intBetween(-8, 9),
    agents: Math.min(150, Math.max(minSize, Math.round((total * weights[i]!) / weightSum))),
    stopsAt: archetype === LOAD_TEST_ARCHETYPE ? stopsAt : undefined,
  }));

  const agents: AgentPlan[] = [];
  for (const pool of pools) {
    for (let n = 0; n < pool.agents; n++)
      agents.push(
        planAgent(new Rng(seed, 0xa9e7, agents.length), agents.length, pool, n, startEpochMs, duration, options),
      );
  }
  wireNeighbours(new Rng(seed, 0x9ea7), agents);
  const faults =
    options.faults === false
      ? []
      : plantFaults(new Rng(seed, 0xfa017), agents, startEpochMs, duration, options.faultShare ?? 0.1);
  const spikes: NaturalSpike[] = [];
  for (const agent of agents) {
    agent.spikes = naturalSpikes(
      new Rng(seed, 0x5b1e, agent.index),
      agent,
      endEpochMs,
      options.spikesPerAgentHour ?? 0.5,
    );
    spikes.push(...agent.spikes);
  }
  return {
    seed,
    startEpochMs,
    endEpochMs,
    resourceIntervalMs: Math.round((options.resourceIntervalSeconds ?? 15) * 1000),
    pools,
    agents,
    faults,
    spikes,
  };
}

function planAgent(
  r: Rng,
  index: number,
  pool: PoolPlan,
  ordinal: number,
  start: number,
  duration: number,
  options: FleetOptions,
): AgentPlan {
  const a = pool.archetype;
  const model = modelSpec(weighted(r, a.models));
  const isLoadTest = pool.stopsAt !== undefined;
  // Load-test agents ramp up over the first quarter; a few agents of other pools are scaled up mid-run.
  const joinedAt = isLoadTest
    ? start + Math.round(r.uniform(0, 0.25) * duration)
    : r.bernoulli(0.03)
      ? start + Math.round(r.uniform(0.2, 0.7) * duration)
      : start;
  return {
    index,
    id: `${pool.name}:${String(ordinal).padStart(4, '0')}`,
    pool,
    model,
    rate: r.uniform(a.ratePerSecond[0], a.ratePerSecond[1]),
    ttftFactor: r.logNormal(1, 0.15),
    errorRate: model.errorRate * r.logNormal(1, 0.3),
    quality: clamp(model.quality + 0.03 * r.normal(), 0.4, 0.97),
    cpuBasePercent: r.uniform(12, 38),
    memoryBytes: Math.round(a.memoryMedianBytes * r.logNormal(1, 0.2)),
    gcPeriodMs: Math.round(r.uniform(4, 11) * MINUTE),
    gcAmplitude: r.uniform(0.1, 0.3),
    gcPhaseMs: Math.round(r.uniform(0, 11) * MINUTE),
    memoryDriftPerHour: r.bernoulli(options.memoryDriftShare ?? 0.3) ? r.uniform(0.1, 0.2) : 0,
    latencyDriftPerHour: r.bernoulli(options.latencyDriftShare ?? 0.15) ? r.uniform(0.1, 0.2) : 0,
    resourcePhaseMs: Math.round(r.uniform(0, 1) * (options.resourceIntervalSeconds ?? 15) * 1000),
    joinedAt,
    stoppedAt: pool.stopsAt ?? Number.POSITIVE_INFINITY,
    neighbours: [],
    spikes: [],
  };
}

/** 2–4 agents each hands work to, 80 % in its own pool. */
function wireNeighbours(r: Rng, agents: AgentPlan[]): void {
  const byPool = new Map<string, AgentPlan[]>();
  for (const a of agents) byPool.set(a.pool.name, [...(byPool.get(a.pool.name) ?? []), a]);
  for (const a of agents) {
    const own = byPool.get(a.pool.name)!;
    const want = Math.min(agents.length - 1, r.intBetween(2, 4));
    const chosen = new Set<number>();
    for (let tries = 0; chosen.size < want && tries < 50; tries++) {
      const b = r.bernoulli(0.8) && own.length > 1 ? r.pick(own) : r.pick(agents);
      if (b !== a) chosen.add(b.index);
    }
    a.neighbours = [...chosen];
  }
}

function plantFaults(r: Rng, agents: AgentPlan[], start: number, duration: number, share: number): FaultTruth[] {
  const count = Math.min(agents.length, Math.max(FAULT_TYPES.length, Math.round(agents.length * share)));
  const types = r.shuffled(FAULT_TYPES);
  const order = r.shuffled(agents);
  const faults: FaultTruth[] = [];
  const earliest = start + 0.3 * duration;
  for (const agent of order) {
    if (faults.length >= count) break;
    const type = types[faults.length % types.length]!;
    // The agent must have been up ≥ 30 minutes before the fault and stay up after it.
    const latestEnd = Math.min(start + 0.9 * duration, agent.stoppedAt - 5 * MINUTE);
    const from = Math.max(earliest, agent.joinedAt + 30 * MINUTE);
    if (type === 'model_drift' && agent.stoppedAt !== Number.POSITIVE_INFINITY) continue;
    const [lo, hi] = FAULT_MINUTES[type];
    let length = r.uniform(lo, hi) * MINUTE;
    const requestDriven = type !== 'memory_leak' && type !== 'scan' && type !== 'model_drift';
    if (requestDriven) length = Math.max(length, (MIN_FAULT_REQUESTS / (agent.rate * 0.5)) * 1000);
    const lastStart = type === 'model_drift' ? start + 0.8 * duration : latestEnd - length;
    if (lastStart <= from) continue;
    const s = Math.round(r.uniform(from, lastStart));
    const e = type === 'model_drift' ? start + duration : Math.round(s + length);
    const fault: FaultTruth = {
      id: '',
      type,
      agentId: agent.id,
      pool: agent.pool.name,
      start: s,
      end: e,
      params: faultParams(r, type, agent, e - s),
    };
    if (type === 'scan') agent.scan = scanContacts(r, agent, agents, s, e, fault.params);
    agent.fault = fault;
    faults.push(fault);
  }
  faults.sort((a, b) => a.start - b.start || (a.agentId < b.agentId ? -1 : 1));
  faults.forEach((f, i) => (f.id = `fleetgen-${String(i + 1).padStart(3, '0')}`));
  return faults;
}

function faultParams(r: Rng, type: FaultType, agent: AgentPlan, lengthMs: number): Record<string, number> {
  switch (type) {
    case 'latency':
      return { latencyFactor: round(r.uniform(2.5, 5), 2) };
    case 'error_burst':
      return { errorRate: round(r.uniform(0.15, 0.4), 3) };
    case 'quality_slide':
      // Slides over the first 60 % of the window, then holds.
      return { qualityDrop: round(r.uniform(0.12, 0.25), 3) };
    case 'token_explosion':
      return { inputFactor: round(r.uniform(2, 4), 2), outputFactor: round(r.uniform(4, 8), 2) };
    case 'model_drift':
      // The output length becomes bimodal for good: a share of terse answers and a longer main mode.
      return {
        shortShare: round(r.uniform(0.25, 0.4), 3),
        shortFactor: 0.25,
        longFactor: round(r.uniform(1.6, 2.2), 2),
        coherenceShift: -0.04,
      };
    case 'memory_leak': {
      const growth = r.uniform(0.6, 1.5);
      return {
        growth: round(growth, 3),
        bytesPerSecond: Math.round((agent.memoryBytes * growth) / (lengthMs / 1000)),
        baseBytes: agent.memoryBytes,
        growthPerHour: round((growth * HOUR) / lengthMs, 3),
      };
    }
    case 'request_flood':
      return { rateFactor: round(r.uniform(6, 12), 2), errorRate: 0.08 };
    case 'scan':
      return { targets: r.intBetween(80, 120), failedShare: round(r.uniform(0.85, 0.95), 3) };
    case 'exfiltration':
      return { outputFactor: round(r.uniform(8, 15), 2) };
  }
}

/** A horizontal sweep: distinct agents outside the scanner's neighbours, contacted at random times in the window. */
function scanContacts(
  r: Rng,
  scanner: AgentPlan,
  agents: AgentPlan[],
  start: number,
  end: number,
  params: Record<string, number>,
): ScanContact[] {
  const excluded = new Set([scanner.index, ...scanner.neighbours]);
  const targets = r
    .shuffled(agents.filter((a) => !excluded.has(a.index) && a.joinedAt < start && a.stoppedAt > end))
    .slice(0, params.targets);
  params.targets = targets.length;
  return targets
    .map((t) => ({ at: Math.round(r.uniform(start, end)), to: t.id, failed: r.bernoulli(params.failedShare!) }))
    .sort((a, b) => a.at - b.at);
}

/** Poisson-many spikes over the agent's life, independent of faults (the fault-free plan has the same ones). */
function naturalSpikes(r: Rng, agent: AgentPlan, endEpochMs: number, perHour: number): NaturalSpike[] {
  const from = agent.joinedAt;
  const to = Math.min(endEpochMs, agent.stoppedAt);
  const n = r.poisson((perHour * (to - from)) / HOUR);
  const out: NaturalSpike[] = [];
  for (let i = 0; i < n; i++) {
    const start = Math.round(r.uniform(from, to));
    const u = r.next();
    const spike: NaturalSpike =
      u < 0.65
        ? {
            agentId: agent.id,
            kind: 'latency',
            start,
            end: start + Math.round(r.uniform(15, 90) * 1000),
            level: round(r.uniform(2.5, 6), 2),
          }
        : u < 0.85
          ? {
              agentId: agent.id,
              kind: 'errors',
              start,
              end: start + Math.round(r.uniform(10, 40) * 1000),
              level: round(r.uniform(0.25, 0.5), 3),
            }
          : {
              agentId: agent.id,
              kind: 'tokens',
              start,
              end: start + Math.round(r.uniform(30, 120) * 1000),
              level: round(r.uniform(3, 6), 2),
            };
    out.push(spike);
  }
  return out.sort((a, b) => a.start - b.start);
}

function weighted(r: Rng, weights: Readonly<Record<string, number>>): string {
  const entries = Object.entries(weights);
  let u = r.next() * entries.reduce((s, [, w]) => s + w, 0);
  for (const [name, w] of entries) if ((u -= w) < 0) return name;
  return entries[entries.length - 1]![0];
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

export function round(x: number, digits: number): number {
  const s = 10 ** digits;
  return Math.round(x * s) / s;
}
