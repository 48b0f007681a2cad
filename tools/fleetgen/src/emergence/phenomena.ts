import { neighbourLists, type FleetLayout } from './fleet';
import type { Stream } from './random';

export const EMERGENCE_SCENARIOS = [
  'synchronisation',
  'slow-synchronisation',
  'cascade',
  'phase-transition',
  'collective-learning',
  'null',
] as const;
export type EmergenceScenario = (typeof EMERGENCE_SCENARIOS)[number];
export type PhenomenonKind = 'synchronisation' | 'cascade' | 'phase_transition' | 'collective_learning';

/** One step of a spread: the agent, who passed it on (null: a seed or the origin) and when, epoch ms. */
export interface SpreadStep {
  agent: string;
  via: string | null;
  atMs: number;
}

/** What was planted, for scoring: the agents, the onset (the moment it exists) and its end, epoch ms. */
export interface PhenomenonTruth {
  id: string;
  kind: PhenomenonKind;
  onsetMs: number;
  endMs: number;
  agents: string[];
  pool?: string;
  periodSeconds?: number;
  /** Synchronisation: the series that oscillates. */
  on?: 'latency' | 'load';
  /** Phase transition: when its build-up (critical slowing down) began. */
  buildUpFromMs?: number;
  path?: SpreadStep[];
}

/** The planted effects, by agent index, in ms after the run's start. */
export interface Plan {
  truth: PhenomenonTruth[];
  sync?: {
    members: Map<number, number>;
    periodSeconds: number;
    amplitude: number;
    on: 'latency' | 'load';
    fromMs: number;
    toMs: number;
  };
  cascade?: { failFrom: Map<number, number>; errorRate: number; latencyFactor: number; lastsMs: number };
  transition?: { pool: string; buildUpFromMs: number; jumpMs: number; latencyFactor: number; extraErrors: number };
  learning?: { learnedAt: Map<number, number>; gain: number; rampMs: number };
  /** Pools that stop reporting (a load test ending) and when. */
  silentFrom: Map<string, number>;
}

/** Run length and onset per scenario (ms after the start): after 20 min of history, so every window is full. */
export function scenarioTiming(scenario: EmergenceScenario, random: Stream): { durationMs: number; onsetMs: number } {
  const min = 60_000;
  if (scenario === 'null') return { durationMs: 60 * min, onsetMs: 60 * min };
  if (scenario === 'slow-synchronisation')
    return { durationMs: 60 * min, onsetMs: Math.round(random.uniform(24, 28) * min) };
  return { durationMs: 42 * min, onsetMs: Math.round(random.uniform(22, 26) * min) };
}

/** Plants one scenario's phenomenon in a fleet (times relative to the start; `epoch` makes them absolute for the truth). */
export function plan(
  scenario: EmergenceScenario,
  layout: FleetLayout,
  random: Stream,
  timing: { durationMs: number; onsetMs: number },
  epoch: number,
): Plan {
  const { agents } = layout;
  const { durationMs, onsetMs } = timing;
  const out: Plan = { truth: [], silentFrom: new Map() };
  const ids = (indices: Iterable<number>) => [...indices].map((i) => agents[i]!.id).sort();
  if (scenario === 'synchronisation' || scenario === 'slow-synchronisation') {
    const periodSeconds =
      scenario === 'synchronisation' ? Math.exp(random.uniform(Math.log(35), Math.log(160))) : random.uniform(240, 600);
    const size = 30 + random.int(21);
    const pools = random.shuffle(layout.pools.slice()).slice(0, 2);
    const candidates = random.shuffle(
      agents.filter((a) => pools.includes(a.pool) && !a.freeRhythm && a.joinsAtMs === 0).map((a) => a.index),
    );
    const members = new Map(candidates.slice(0, size).map((i) => [i, 0.35 * random.normal()] as [number, number]));
    const on = random.next() < 0.6 ? 'latency' : 'load';
    const toMs = Math.min(
      durationMs,
      onsetMs + (scenario === 'synchronisation' ? random.uniform(8, 12) : random.uniform(25, 30)) * 60_000,
    );
    out.sync = { members, periodSeconds, amplitude: random.uniform(0.25, 0.45), on, fromMs: onsetMs, toMs };
    out.truth.push({
      id: `fleetgen-${scenario}`,
      kind: 'synchronisation',
      onsetMs: epoch + onsetMs,
      endMs: epoch + toMs,
      agents: ids(members.keys()),
      periodSeconds,
      on,
    });
  } else if (scenario === 'cascade') {
    const neighbours = neighbourLists(layout);
    const target = 15 + random.int(16);
    let failFrom = new Map<number, number>();
    for (let attempt = 0; attempt < 50 && failFrom.size < Math.min(target, 10); attempt++) {
      failFrom = spread(random.int(agents.length), neighbours, onsetMs, target, 0.7, [15_000, 45_000], random);
    }
    out.cascade = {
      failFrom,
      errorRate: random.uniform(0.4, 0.8),
      latencyFactor: random.uniform(1.5, 3),
      lastsMs: random.uniform(6, 10) * 60_000,
    };
    out.truth.push({
      id: 'fleetgen-cascade',
      kind: 'cascade',
      onsetMs: epoch + onsetMs,
      endMs: epoch + Math.max(...failFrom.values()) + out.cascade.lastsMs,
      agents: ids(failFrom.keys()),
      path: path(failFrom, neighbours, layout, epoch),
    });
  } else if (scenario === 'phase-transition') {
    const pool = random.pick(layout.pools.filter((p) => agents.filter((a) => a.pool === p).length >= 25));
    const buildUpFromMs = onsetMs - random.uniform(8, 14) * 60_000;
    out.transition = {
      pool,
      buildUpFromMs,
      jumpMs: onsetMs,
      latencyFactor: random.uniform(1.8, 3),
      extraErrors: random.uniform(0.04, 0.12),
    };
    out.truth.push({
      id: 'fleetgen-phase-transition',
      kind: 'phase_transition',
      onsetMs: epoch + onsetMs,
      endMs: epoch + durationMs,
      pool,
      buildUpFromMs: epoch + buildUpFromMs,
      agents: ids(agents.filter((a) => a.pool === pool && a.joinsAtMs === 0).map((a) => a.index)),
    });
  } else if (scenario === 'collective-learning') {
    const neighbours = neighbourLists(layout);
    const target = 18 + random.int(9);
    let learnedAt = new Map<number, number>();
    for (let attempt = 0; attempt < 50 && learnedAt.size < 12; attempt++) {
      const seed = random.int(agents.length);
      const second = neighbours[seed]!.length > 0 ? random.pick(agents).index : seed;
      learnedAt = spread(seed, neighbours, onsetMs - 150_000, target, 0.55, [30_000, 90_000], random, second);
    }
    out.learning = { learnedAt, gain: random.uniform(0.06, 0.12), rampMs: 40_000 };
    const steps = path(learnedAt, neighbours, layout, epoch);
    // Learning is collective once passed on twice (one copy is indistinguishable from two neighbours improving by chance).
    const copies = steps
      .filter((s) => s.via !== null)
      .map((s) => s.atMs)
      .sort((a, b) => a - b);
    out.truth.push({
      id: 'fleetgen-collective-learning',
      kind: 'collective_learning',
      onsetMs: copies[1] ?? copies[0] ?? epoch + onsetMs,
      endMs: epoch + durationMs,
      agents: ids(learnedAt.keys()),
      path: steps,
    });
  } else {
    // The null fleet's one non-phenomenon: its smallest pool's load test ends three quarters through.
    const sizes = layout.pools
      .map((p) => [p, agents.filter((a) => a.pool === p).length] as const)
      .sort((a, b) => a[1] - b[1]);
    out.silentFrom.set(sizes[0]![0], Math.round(0.75 * durationMs));
  }
  return out;
}

/**
 * An independent-cascade spread (Kempe et al. 2003) from `seed` (and `second`, a second seed at the same time):
 * each reached agent passes it to each neighbour with probability `p` after a lag drawn in `lagMs`, until `target`.
 */
function spread(
  seed: number,
  neighbours: number[][],
  fromMs: number,
  target: number,
  p: number,
  lagMs: [number, number],
  random: Stream,
  second?: number,
): Map<number, number> {
  const at = new Map<number, number>([[seed, fromMs]]);
  if (second !== undefined && second !== seed) at.set(second, fromMs);
  const frontier = [...at.keys()];
  while (frontier.length > 0 && at.size < target) {
    frontier.sort((a, b) => at.get(a)! - at.get(b)!);
    const next = frontier.shift()!;
    for (const other of neighbours[next]!) {
      if (at.has(other) || random.next() >= p || at.size >= target) continue;
      at.set(other, at.get(next)! + random.uniform(lagMs[0], lagMs[1]));
      frontier.push(other);
    }
  }
  return at;
}

function path(at: Map<number, number>, neighbours: number[][], layout: FleetLayout, epoch: number): SpreadStep[] {
  return [...at]
    .sort((a, b) => a[1] - b[1])
    .map(([i, t]) => {
      const earlier = neighbours[i]!.filter((j) => at.has(j) && at.get(j)! < t).sort((a, b) => at.get(a)! - at.get(b)!);
      return {
        agent: layout.agents[i]!.id,
        via: earlier.length > 0 ? layout.agents[earlier[0]!]!.id : null,
        atMs: epoch + Math.round(t),
      };
    });
}
