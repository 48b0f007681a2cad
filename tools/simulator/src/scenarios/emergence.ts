import type { SimAgent } from '../population';
import { Random, mix } from '../random';
import {
  EffectIndex,
  compareText,
  epoch,
  round,
  truthRecord,
  type Scenario,
  type ScenarioContext,
  type SpreadStep,
  type TruthRecord,
} from './types';

/**
 * Collective behaviour, each pattern in its own pool and time span so they can be told apart:
 * synchronisation (support), a phase transition announced by critical slowing down (research),
 * a cascade failure from a hub (coding), collective learning spreading along edges (triage).
 */
export function emergenceScenario(context: ScenarioContext): Scenario {
  const r = new Random(mix(context.seed, 0xe3e96e));
  const { population } = context;
  const pools = population
    .pools()
    .filter((p) => p.agents > 0)
    .map((p) => p.pool);
  const choose = (preferred: string, k: number): string | undefined =>
    population.pool(preferred).length > 0 ? preferred : pools[k % Math.max(1, pools.length)];
  const agentIndex = new EffectIndex();
  const poolIndex = new EffectIndex();
  const truth: TruthRecord[] = [];
  if (pools.length > 0) {
    truth.push(synchronisation(context, population.pool(choose('support', 0)!), new Random(r.uint32()), agentIndex));
    truth.push(phaseTransition(context, choose('research', 1)!, new Random(r.uint32()), poolIndex));
    const cascade = cascadeFailure(context, population.pool(choose('coding', 2)!), new Random(r.uint32()), agentIndex);
    if (cascade) truth.push(cascade);
    const learning = collectiveLearning(
      context,
      population.pool(choose('triage', 3)!),
      new Random(r.uint32()),
      agentIndex,
    );
    if (learning) truth.push(learning);
  }
  truth.sort((a, b) => a.fromSeconds - b.fromSeconds || compareText(a.id, b.id));
  return {
    name: 'emergence',
    truth,
    modify(agent, t, dt, mods) {
      poolIndex.apply(agent.pool, agent, t, dt, mods);
      agentIndex.apply(agent.id, agent, t, dt, mods);
    },
  };
}

const SYNC_AMPLITUDE = 0.8;

/**
 * A group whose load oscillates, each agent at its own natural frequency, until coupling switches on and their
 * phases lock (Kuramoto-style phase locking, Kuramoto 1975; Strogatz 2000), integrated here with Euler steps.
 */
function synchronisation(
  context: ScenarioContext,
  members: readonly SimAgent[],
  r: Random,
  index: EffectIndex,
): TruthRecord {
  const d = context.durationSeconds;
  const size = Math.min(members.length, Math.max(4, Math.min(24, Math.round(members.length * 0.1))));
  const group = r
    .shuffle(members)
    .slice(0, size)
    .sort((a, b) => a.ordinal - b.ordinal);
  const period = Math.round(Math.min(900, Math.max(60, d / 10)));
  const omega0 = (2 * Math.PI) / period;
  const start = 0.1 * d;
  const lockAt = 0.4 * d;
  const end = 0.9 * d;
  const coupling = 4 * omega0; // far above the critical coupling (≈ 1.6 σ_ω for normal frequencies, σ_ω = 0.2 ω0)
  const omegas = group.map(() => omega0 * (1 + 0.2 * r.normal()));
  const h = Math.max(period / 100, (end - start) / 20_000);
  const steps = Math.ceil((end - start) / h) + 1;
  const phases = group.map(() => new Float64Array(steps));
  let theta = group.map(() => r.uniform(0, 2 * Math.PI));
  for (let s = 0; s < steps; s++) {
    theta.forEach((value, i) => (phases[i]![s] = value));
    const t = start + s * h;
    const k = t >= lockAt ? coupling : 0;
    theta = theta.map((ti, i) => {
      let pull = 0;
      if (k > 0) for (const tj of theta) pull += Math.sin(tj - ti);
      return ti + h * (omegas[i]! + (k / group.length) * pull);
    });
  }
  group.forEach((agent, i) => {
    const series = phases[i]!;
    index.add(agent.id, {
      fromSeconds: start,
      toSeconds: end,
      apply: (t, dt, mods) => {
        const x = Math.min(steps - 1.000001, Math.max(0, (t + dt / 2 - start) / h));
        const s = Math.floor(x);
        const phase = series[s]! + (series[s + 1]! - series[s]!) * (x - s);
        mods.rateFactor *= 1 + SYNC_AMPLITUDE * Math.sin(phase);
      },
    });
  });
  return truthRecord(context, {
    scenario: 'emergence',
    id: 'emergence-synchronisation',
    type: 'synchronisation',
    method: 'Kuramoto-style phase locking of load oscillations (Kuramoto 1975; Strogatz 2000)',
    agents: group.map((a) => a.id),
    pool: group[0]?.pool ?? '',
    fromSeconds: lockAt,
    toSeconds: end,
    params: {
      periodSeconds: period,
      amplitude: SYNC_AMPLITUDE,
      coupling: round(coupling, 6),
      frequencySpread: 0.2,
      freeRunningFromSeconds: round(start, 3),
      observable: 'requests per agent',
    },
  });
}

const PHI_FROM = 0.2;
const PHI_TO = 0.97;
const AR_NOISE = 0.1;
const JUMP = 1;

/**
 * A pool's order parameter x (its log latency multiplier) follows an AR(1) whose coefficient rises toward 1 as a
 * fold bifurcation nears, so its variance and lag-1 autocorrelation rise before it jumps to another state
 * (critical slowing down, Scheffer et al. 2009; Dakos et al. 2008). After the jump errors rise too.
 */
function phaseTransition(context: ScenarioContext, pool: string, r: Random, index: EffectIndex): TruthRecord {
  const d = context.durationSeconds;
  const start = 0.1 * d;
  const transition = 0.6 * d;
  const end = 0.9 * d;
  // ~900 steps before the jump: fewer leave too few independent samples near φ → 1 to show the rise.
  const stepSeconds = Math.max(1, Math.round((transition - start) / 900));
  const steps = Math.ceil((end - start) / stepSeconds);
  const x = new Float64Array(steps);
  let value = 0;
  for (let s = 0; s < steps; s++) {
    const t = start + s * stepSeconds;
    if (t < transition) {
      const phi = PHI_FROM + ((PHI_TO - PHI_FROM) * (t - start)) / (transition - start);
      value = phi * value + AR_NOISE * r.normal();
    } else {
      // The new state: relaxing fast again around x = JUMP.
      const above = value - JUMP;
      value = JUMP + (t - transition < stepSeconds ? 0 : 0.5 * above) + AR_NOISE * r.normal();
    }
    x[s] = value;
  }
  index.add(pool, {
    fromSeconds: start,
    toSeconds: end,
    apply: (t, dt, mods) => {
      const s = Math.min(steps - 1, Math.max(0, Math.floor((t + dt / 2 - start) / stepSeconds)));
      mods.latencyFactor *= Math.exp(x[s]!);
      if (t + dt / 2 >= transition) mods.errorFactor *= 4;
    },
  });
  return truthRecord(context, {
    scenario: 'emergence',
    id: 'emergence-phase-transition',
    type: 'phase_transition',
    method:
      'AR(1) order parameter with rising coefficient before a jump: critical slowing down (Scheffer et al. 2009; Dakos et al. 2008)',
    agents: context.population.pool(pool).map((a) => a.id),
    pool,
    fromSeconds: start,
    toSeconds: end,
    params: {
      orderParameter: 'log of the pool-wide latency multiplier',
      transitionAtSeconds: round(transition, 3),
      transitionAt: epoch(context, transition),
      stepSeconds,
      phiFrom: PHI_FROM,
      phiTo: PHI_TO,
      noise: AR_NOISE,
      jump: JUMP,
      errorFactorAfter: 4,
    },
  });
}

interface Spread {
  agent: SimAgent;
  via: SimAgent | null;
  at: number;
  depth: number;
}

/**
 * Spreads from `origin` at `start` over `neighbours`: each newly reached agent passes on to each neighbour with
 * probability `p` after a random delay (independent cascade model, Kempe, Kleinberg & Tardos 2003), earliest
 * arrival first, up to `maxSize` agents, `maxDepth` hops and time `until`.
 */
function spread(
  origins: readonly SimAgent[],
  start: number,
  until: number,
  neighbours: (agent: SimAgent) => readonly SimAgent[],
  options: { p: number; delay: (r: Random) => number; maxSize: number; maxDepth: number },
  r: Random,
): Spread[] {
  const reached = new Map<SimAgent, Spread>();
  const frontier: Spread[] = origins.map((agent) => ({ agent, via: null, at: start, depth: 0 }));
  while (frontier.length > 0 && reached.size < options.maxSize) {
    frontier.sort((a, b) => a.at - b.at || compareText(a.agent.id, b.agent.id));
    const next = frontier.shift()!;
    if (reached.has(next.agent)) continue;
    reached.set(next.agent, next);
    if (next.depth >= options.maxDepth) continue;
    for (const neighbour of neighbours(next.agent)) {
      if (neighbour.removed || reached.has(neighbour) || !r.chance(options.p)) continue;
      const at = next.at + options.delay(r);
      if (at < until) frontier.push({ agent: neighbour, via: next.agent, at, depth: next.depth + 1 });
    }
  }
  return [...reached.values()];
}

function steps(context: ScenarioContext, reached: Spread[]): SpreadStep[] {
  return reached.map((s) => ({
    agent: s.agent.id,
    via: s.via?.id ?? null,
    atSeconds: round(s.at, 3),
    at: epoch(context, s.at),
    depth: s.depth,
  }));
}

/**
 * The pool's busiest hub fails; agents that hand work to a failed agent fail after it (their upstream), and so
 * on along the graph (independent cascade model, Kempe et al. 2003; dependency cascades, Buldyrev et al. 2010).
 */
function cascadeFailure(
  context: ScenarioContext,
  members: readonly SimAgent[],
  r: Random,
  index: EffectIndex,
): TruthRecord | undefined {
  if (members.length === 0) return undefined;
  const d = context.durationSeconds;
  const start = 0.65 * d;
  const end = 0.9 * d;
  const origin = members.reduce((best, a) => (a.in.length > best.in.length ? a : best), members[0]!);
  const population = context.population;
  const maxSize = Math.max(5, Math.min(40, Math.round(population.size * 0.03)));
  const reached = spread(
    [origin],
    start,
    end,
    (agent) => agent.in,
    { p: 0.6, delay: (rr) => rr.uniform(0.01 * d, 0.03 * d), maxSize, maxDepth: 4 },
    r,
  );
  for (const s of reached) {
    index.add(s.agent.id, {
      fromSeconds: s.at,
      toSeconds: end,
      apply: (_t, _dt, mods) => {
        mods.errorFloor = Math.max(mods.errorFloor, 0.7);
        mods.latencyFactor *= 4;
      },
    });
  }
  return truthRecord(context, {
    scenario: 'emergence',
    id: 'emergence-cascade',
    type: 'cascade_failure',
    method:
      'failure spreading from a hub to the agents that depend on it: independent cascade model (Kempe et al. 2003)',
    agents: reached.map((s) => s.agent.id),
    pool: origin.pool,
    fromSeconds: start,
    toSeconds: end,
    params: {
      origin: origin.id,
      adoptionProbability: 0.6,
      delayMinSeconds: round(0.01 * d, 3),
      delayMaxSeconds: round(0.03 * d, 3),
      errorRate: 0.7,
      latencyFactor: 4,
      direction: 'from an agent to the agents that hand work to it',
    },
    path: steps(context, reached),
  });
}

const LEARNING_GAIN = 0.12;

/**
 * A few agents learn (quality rises over a ramp); their graph neighbours pick it up once they have it, after a
 * random delay, and pass it on (social learning as SI diffusion on the interaction graph: independent cascade
 * model, Kempe et al. 2003).
 */
function collectiveLearning(
  context: ScenarioContext,
  members: readonly SimAgent[],
  r: Random,
  index: EffectIndex,
): TruthRecord | undefined {
  const d = context.durationSeconds;
  const start = 0.2 * d;
  const until = 0.8 * d;
  const ramp = 0.02 * d;
  const connected = members.filter((a) => a.in.length + a.out.length > 0);
  if (connected.length === 0) return undefined;
  const seeds = r.shuffle(connected).slice(0, Math.min(2, connected.length));
  const maxSize = Math.max(4, Math.min(40, Math.round(context.population.size * 0.03)));
  const reached = spread(
    seeds,
    start,
    until,
    (agent) => [...agent.out, ...agent.in],
    { p: 0.5, delay: (rr) => ramp + rr.exponential(0.06 * d), maxSize, maxDepth: 6 },
    r,
  );
  for (const s of reached) {
    const gain = Math.max(0, Math.min(LEARNING_GAIN, 0.97 - s.agent.quality));
    index.add(s.agent.id, {
      fromSeconds: s.at,
      toSeconds: d,
      apply: (t, dt, mods) => (mods.qualityShift += gain * Math.min(1, Math.max(0, (t + dt / 2 - s.at) / ramp))),
    });
  }
  return truthRecord(context, {
    scenario: 'emergence',
    id: 'emergence-learning',
    type: 'collective_learning',
    method: 'quality gains spreading along graph edges: SI diffusion, independent cascade model (Kempe et al. 2003)',
    agents: reached.map((s) => s.agent.id),
    pool: seeds[0]!.pool,
    fromSeconds: start,
    toSeconds: d,
    params: {
      seeds: seeds.map((a) => a.id).join(','),
      gain: LEARNING_GAIN,
      rampSeconds: round(ramp, 3),
      adoptionProbability: 0.5,
      meanDelaySeconds: round(ramp + 0.06 * d, 3),
    },
    path: steps(context, reached),
  });
}
