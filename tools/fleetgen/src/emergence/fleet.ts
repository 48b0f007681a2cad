import type { Stream } from './random';

/** One agent of a generated fleet: how often it reports and what its normal looks like. */
export interface FleetAgent {
  id: string;
  pool: string;
  index: number;
  /** Mean time between its reports, ms, and the offset of its first one (reports are not aligned to any tick). */
  reportEveryMs: number;
  firstReportMs: number;
  /** Requests a second at normal load. */
  rate: number;
  /** Median latency, seconds. */
  latency: number;
  errorRate: number;
  accuracy: number;
  accuracyNoise: number;
  /** A rhythm of its own (not shared with anyone): period s, phase, amplitude in log latency or load share. */
  freeRhythm?: { periodSeconds: number; phase: number; amplitude: number; on: 'latency' | 'load' };
  /** Time it joins the fleet (ms after the start); 0 for most. */
  joinsAtMs: number;
}

export interface FleetLayout {
  agents: FleetAgent[];
  pools: string[];
  /** Directed edges: who hands work to whom (index pairs), about three quarters inside a pool. */
  edges: Array<[number, number]>;
  /** Out-neighbours per agent index. */
  out: number[][];
}

const POOL_NAMES = ['intake', 'retrieval', 'planner', 'review', 'billing', 'translate', 'escalation'];

/**
 * A fleet unlike the simulator's: 4–7 pools of uneven size (Dirichlet-like shares, at least 12 agents each), report
 * intervals of 4–16 s at random offsets, log-normal rates and latencies, one agent in twelve running a rhythm of its
 * own, a few agents joining late, and a sparse interaction graph (1–4 out-edges an agent, ¾ inside its pool).
 */
export function layoutFleet(count: number, random: Stream): FleetLayout {
  const poolCount = 4 + random.int(Math.min(4, POOL_NAMES.length - 3));
  const pools = POOL_NAMES.slice(0, poolCount);
  const weights = pools.map(() => -Math.log(1 - random.next()));
  const total = weights.reduce((a, b) => a + b, 0);
  const minimum = Math.min(12, Math.floor(count / poolCount));
  const sizes = weights.map((w) =>
    Math.max(minimum, Math.floor(((count - minimum * poolCount) * w) / total) + minimum),
  );
  let excess = sizes.reduce((a, b) => a + b, 0) - count;
  for (let i = 0; excess !== 0; i = (i + 1) % poolCount) {
    const step = excess > 0 ? -1 : 1;
    if (sizes[i]! + step >= minimum) {
      sizes[i]! += step;
      excess += step;
    }
  }
  const agents: FleetAgent[] = [];
  for (const [p, pool] of pools.entries()) {
    for (let k = 0; k < sizes[p]!; k++) {
      const index = agents.length;
      const reportEveryMs = Math.round(random.uniform(4000, 16000));
      agents.push({
        id: `fg-${pool}-${String(k).padStart(3, '0')}`,
        pool,
        index,
        reportEveryMs,
        firstReportMs: Math.round(random.uniform(0, reportEveryMs)),
        rate: Math.exp(random.uniform(Math.log(0.3), Math.log(4))),
        latency: Math.exp(Math.log(1.2) + 0.5 * random.normal()),
        errorRate: random.uniform(0.002, 0.02),
        accuracy: random.uniform(0.55, 0.88),
        accuracyNoise: random.uniform(0.03, 0.07),
        freeRhythm:
          random.next() < 1 / 12
            ? {
                periodSeconds: Math.exp(random.uniform(Math.log(25), Math.log(600))),
                phase: random.uniform(0, 2 * Math.PI),
                amplitude: random.uniform(0.15, 0.4),
                on: random.next() < 0.5 ? 'latency' : 'load',
              }
            : undefined,
        joinsAtMs: random.next() < 0.02 ? Math.round(random.uniform(5, 30) * 60_000) : 0,
      });
    }
  }
  const out: number[][] = agents.map(() => []);
  const edges: Array<[number, number]> = [];
  const byPool = new Map<string, FleetAgent[]>();
  for (const a of agents) byPool.set(a.pool, [...(byPool.get(a.pool) ?? []), a]);
  for (const a of agents) {
    const k = 1 + random.int(4);
    for (let e = 0; e < k; e++) {
      const candidates = random.next() < 0.75 ? byPool.get(a.pool)! : agents;
      const b = random.pick(candidates).index;
      if (b === a.index || out[a.index]!.includes(b)) continue;
      out[a.index]!.push(b);
      edges.push([a.index, b]);
    }
  }
  return { agents, pools, edges, out };
}

/** Undirected neighbours of every agent (spreads travel both ways along an edge). */
export function neighbourLists(layout: FleetLayout): number[][] {
  const lists = layout.agents.map(() => new Set<number>());
  for (const [a, b] of layout.edges) {
    lists[a]!.add(b);
    lists[b]!.add(a);
  }
  return lists.map((s) => [...s].sort((x, y) => x - y));
}
