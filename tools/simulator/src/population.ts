import {
  AGENT_TYPE_PROFILES,
  POOL_PROFILES,
  modelNamed,
  type AgentTypeProfile,
  type ModelProfile,
  type PoolProfile,
} from './models';
import { Random, mix } from './random';

/** One simulated agent: what it runs, how it differs from its model's average, and its place in the graph. */
export interface SimAgent {
  /** `<pool>-<ordinal, 5 digits>`, e.g. `support-00042`: a pool's agents are ordinals 0..replicas−1, like a StatefulSet's. */
  readonly id: string;
  /** Stable key of the agent's random streams: a function of (seed, pool, ordinal). */
  readonly uid: number;
  readonly pool: string;
  readonly ordinal: number;
  readonly model: ModelProfile;
  readonly type: AgentTypeProfile;
  /** Multiplies the fleet's request rate (agents are not equally busy). */
  readonly rateFactor: number;
  /** Multiplies the model's latency median. */
  readonly latencyFactor: number;
  /** Multiplies the model's error rate. */
  readonly errorFactor: number;
  /** Mean accuracy; the other quality scores sit around it. */
  readonly quality: number;
  readonly cpuBasePercent: number;
  readonly memoryBytes: number;
  /** Offset of the agent's periodic resource report within the resource interval. */
  readonly resourcePhaseMs: number;
  /** Simulation time (ms since the run's start) from which the agent reports. */
  readonly joinedAtMs: number;
  /** Set when scaled away; references from other agents stay, the generator skips it. */
  removed: boolean;
  /** Agents it hands work to (its upstream dependencies): directed edges of the interaction graph. */
  readonly out: SimAgent[];
  /** Agents that hand work to it. */
  readonly in: SimAgent[];
}

export interface PopulationOptions {
  agents: number;
  seed: number;
  /** Edges each agent draws when it joins (default 3). */
  outDegree?: number;
  /** Probability that an edge stays inside the agent's pool (default 0.9): the block structure. */
  intraPoolProbability?: number;
  pools?: readonly PoolProfile[];
  /** Load test: agent i (in creation order) joins at rampMs × i / agents instead of at 0. */
  rampMs?: number;
}

export interface ScaleResult {
  pool: string;
  previous: number;
  replicas: number;
  added: SimAgent[];
  removed: SimAgent[];
}

const DEFAULT_OUT_DEGREE = 3;
const DEFAULT_INTRA_POOL = 0.9;
const RESOURCE_PHASE_RANGE_MS = 10_000;

/**
 * The simulated fleet: agents by pool and the graph of who hands work to whom, deterministic from the seed.
 *
 * The graph is a stochastic block model by pool (Holland, Laskey & Leinhardt 1983: most edges stay inside a pool)
 * grown by preferential attachment on in-degree + 1 (Price 1976; Barabási & Albert 1999), so a few agents
 * become hubs that many others delegate to. Scaling a pool adds or removes its highest ordinals; an agent
 * re-added under an ordinal gets the same profile back.
 */
export class Population {
  readonly seed: number;
  private readonly profiles: readonly PoolProfile[];
  private readonly outDegree: number;
  private readonly intraPool: number;
  private live: SimAgent[] = [];
  private readonly byPool = new Map<string, SimAgent[]>();
  private readonly byId = new Map<string, SimAgent>();
  /** Per pool: each agent once, plus once per edge it received: uniform draws are preferential attachment. */
  private readonly urns = new Map<string, SimAgent[]>();

  private constructor(options: PopulationOptions) {
    this.seed = options.seed >>> 0;
    this.profiles = options.pools ?? POOL_PROFILES;
    this.outDegree = options.outDegree ?? DEFAULT_OUT_DEGREE;
    this.intraPool = options.intraPoolProbability ?? DEFAULT_INTRA_POOL;
    for (const pool of this.profiles) {
      this.byPool.set(pool.name, []);
      this.urns.set(pool.name, []);
    }
  }

  static build(options: PopulationOptions): Population {
    if (!Number.isInteger(options.agents) || options.agents < 0)
      throw new RangeError('PopulationOptions.agents must be a whole number ≥ 0');
    const population = new Population(options);
    const counts = apportion(
      options.agents,
      population.profiles.map((p) => p.share),
    );
    // Pools interleave in creation order, so every pool's first agents (the future hubs) join early.
    const order = new Random(mix(population.seed, 0x706f70)).shuffle(
      population.profiles.flatMap((pool, i) => Array.from({ length: counts[i]! }, () => pool.name)),
    );
    const ramp = options.rampMs ?? 0;
    order.forEach((pool, i) =>
      population.add(pool, population.byPool.get(pool)!.length, ramp > 0 ? Math.floor((ramp * i) / options.agents) : 0),
    );
    return population;
  }

  /** Live agents in the order they joined. */
  agents(): readonly SimAgent[] {
    return this.live;
  }

  get size(): number {
    return this.live.length;
  }

  /** Live agents of one pool by ordinal; empty for an unknown pool. */
  pool(name: string): readonly SimAgent[] {
    return this.byPool.get(name) ?? [];
  }

  hasPool(name: string): boolean {
    return this.byPool.has(name);
  }

  /** Every pool (also empty ones) with its live agents. */
  pools(): Array<{ pool: string; agents: number }> {
    return this.profiles.map((profile) => ({ pool: profile.name, agents: this.byPool.get(profile.name)!.length }));
  }

  agent(id: string): SimAgent | undefined {
    return this.byId.get(id);
  }

  /** Sets a pool's replicas: adds ordinals from its size up, or removes from the top; new agents join at `atMs`. */
  scale(pool: string, replicas: number, atMs: number): ScaleResult {
    const members = this.byPool.get(pool);
    if (!members) throw new RangeError(`unknown pool ${JSON.stringify(pool)}`);
    if (!Number.isInteger(replicas) || replicas < 0) throw new RangeError('replicas must be a whole number ≥ 0');
    const previous = members.length;
    const added: SimAgent[] = [];
    const removed: SimAgent[] = [];
    for (let ordinal = previous; ordinal < replicas; ordinal++) added.push(this.add(pool, ordinal, atMs));
    if (replicas < previous) {
      for (const agent of members.splice(replicas)) {
        agent.removed = true;
        this.byId.delete(agent.id);
        removed.push(agent);
      }
      this.live = this.live.filter((agent) => !agent.removed);
    }
    return { pool, previous, replicas, added, removed };
  }

  private add(pool: string, ordinal: number, joinedAtMs: number): SimAgent {
    const poolIndex = this.profiles.findIndex((p) => p.name === pool);
    const profile = this.profiles[poolIndex]!;
    const uid = mix(this.seed, poolIndex, ordinal, 0xa9e7);
    const r = new Random(uid);
    const modelNames = Object.keys(profile.models);
    const model = modelNamed(modelNames[r.weighted(modelNames.map((name) => profile.models[name]!))]!);
    const type = AGENT_TYPE_PROFILES[r.weighted(AGENT_TYPE_PROFILES.map((t) => t.share))]!;
    const agent: SimAgent = {
      id: `${pool}-${String(ordinal).padStart(5, '0')}`,
      uid,
      pool,
      ordinal,
      model,
      type,
      rateFactor: r.logNormal(1, 0.25),
      latencyFactor: r.logNormal(1, 0.15),
      errorFactor: r.logNormal(1, 0.3),
      quality: clamp(model.qualityMean + 0.03 * r.normal(), 0.5, 0.95),
      cpuBasePercent: clamp(30 + 8 * r.normal(), 5, 60),
      memoryBytes: Math.round(r.logNormal(400e6, 0.3)),
      resourcePhaseMs: r.int(RESOURCE_PHASE_RANGE_MS),
      joinedAtMs,
      removed: false,
      out: [],
      in: [],
    };
    this.attach(agent, poolIndex, new Random(mix(this.seed, poolIndex, ordinal, 0xed9e)));
    this.live.push(agent);
    this.byPool.get(pool)!.push(agent);
    this.byId.set(agent.id, agent);
    this.urns.get(pool)!.push(agent);
    return agent;
  }

  /** Draws the agent's out-edges: a block by pool, then a target by preferential attachment inside it. */
  private attach(agent: SimAgent, poolIndex: number, r: Random): void {
    const others = this.profiles.map((p, i) => (i === poolIndex ? 0 : p.share));
    for (let edge = 0; edge < this.outDegree; edge++) {
      for (let attempt = 0; attempt < 8; attempt++) {
        const block = r.chance(this.intraPool) ? poolIndex : r.weighted(others);
        const urn = this.urns.get(this.profiles[block]!.name)!;
        if (urn.length === 0) continue;
        const target = urn[r.int(urn.length)]!;
        if (target === agent || target.removed || agent.out.includes(target)) continue;
        agent.out.push(target);
        target.in.push(agent);
        urn.push(target);
        break;
      }
    }
  }
}

/** Whole counts proportional to `shares` that sum to `total` (largest remainder). */
export function apportion(total: number, shares: readonly number[]): number[] {
  const sum = shares.reduce((a, b) => a + b, 0);
  const exact = shares.map((s) => (total * s) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((x, i) => ({ i, rest: x - Math.floor(x) }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left-- <= 0) break;
    counts[i]!++;
  }
  return counts;
}

export interface GraphDescription {
  agents: number;
  edges: number;
  intraPoolEdges: number;
  interPoolEdges: number;
  maxDegree: number;
  medianDegree: number;
  /** The agent with the most edges (in + out). */
  hub?: string;
}

/** Counts of the live graph: how block-structured it is and how skewed its degrees are. */
export function describeGraph(population: Population): GraphDescription {
  let edges = 0;
  let intra = 0;
  const degrees: number[] = [];
  let hub: SimAgent | undefined;
  let maxDegree = 0;
  for (const agent of population.agents()) {
    let degree = 0;
    for (const target of agent.out) {
      if (target.removed) continue;
      edges++;
      degree++;
      if (target.pool === agent.pool) intra++;
    }
    for (const source of agent.in) if (!source.removed) degree++;
    degrees.push(degree);
    if (degree > maxDegree) {
      maxDegree = degree;
      hub = agent;
    }
  }
  degrees.sort((a, b) => a - b);
  return {
    agents: population.size,
    edges,
    intraPoolEdges: intra,
    interPoolEdges: edges - intra,
    maxDegree,
    medianDegree: degrees.length ? degrees[Math.floor(degrees.length / 2)]! : 0,
    ...(hub ? { hub: hub.id } : {}),
  };
}

export function clamp(x: number, min: number, max: number): number {
  return x < min ? min : x > max ? max : x;
}
