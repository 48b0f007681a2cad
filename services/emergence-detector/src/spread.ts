import type { SeededRandom } from './random';

/** One agent of a spread: when it changed, and the neighbour that changed before it (null: where it began). */
export interface SpreadStep {
  agent: string;
  via: string | null;
  /** Tick it was first flagged. */
  tick: number;
  depth: number;
}

export interface SpreadComponent {
  /** Ordered by tick, then id. */
  steps: SpreadStep[];
  /** Members that changed after an already-changed graph neighbour. */
  followers: number;
  /** Members that followed or were followed: took part in a spread along an edge. */
  participants: number;
  /** Members after the first with a neighbour that changed before or in the same tick (spreads faster than a tick). */
  linked: number;
}

export interface SpreadAnalysis {
  /** Connected groups of flagged agents (2 or more), largest first. */
  components: SpreadComponent[];
  /** Graph edges between flagged agents, observed and expected if the flags fell on random agents. */
  observedEdges: number;
  expectedEdges: number;
  /** P(edges ≥ observed) under that random placement (Poisson): how unlikely the clustering is by chance. */
  chance: number;
}

/**
 * How flagged agents (failing, improving) sit on the interaction graph: connected groups, who changed after a
 * neighbour that had already changed (the path a contagion took, as in independent-cascade spreading; Kempe,
 * Kleinberg & Tardos 2003), and whether the flags cluster on edges more than randomly placed ones would (the
 * edge count among k of n nodes with m edges has mean m·k(k − 1)/(n(n − 1)) under random placement).
 */
export function analyseSpread(
  flagged: ReadonlyMap<string, number>,
  neighbours: ReadonlyMap<string, readonly string[]>,
  nodes: number,
  edges: number,
): SpreadAnalysis {
  let observedEdges = 0;
  for (const id of flagged.keys())
    for (const other of neighbours.get(id) ?? []) if (flagged.has(other) && id < other) observedEdges++;
  const k = flagged.size;
  const expectedEdges = nodes > 1 ? (edges * k * (k - 1)) / (nodes * (nodes - 1)) : 0;
  const components: SpreadComponent[] = [];
  const seen = new Set<string>();
  for (const start of flagged.keys()) {
    if (seen.has(start)) continue;
    const members: string[] = [];
    const queue = [start];
    seen.add(start);
    while (queue.length > 0) {
      const id = queue.pop()!;
      members.push(id);
      for (const other of neighbours.get(id) ?? []) {
        if (flagged.has(other) && !seen.has(other)) {
          seen.add(other);
          queue.push(other);
        }
      }
    }
    if (members.length >= 2) components.push(orderComponent(members, flagged, neighbours));
  }
  components.sort((a, b) => b.steps.length - a.steps.length || compare(a.steps[0]!.agent, b.steps[0]!.agent));
  return { components, observedEdges, expectedEdges, chance: poissonUpperTail(observedEdges, expectedEdges) };
}

function orderComponent(
  members: string[],
  flagged: ReadonlyMap<string, number>,
  neighbours: ReadonlyMap<string, readonly string[]>,
): SpreadComponent {
  members.sort((a, b) => flagged.get(a)! - flagged.get(b)! || compare(a, b));
  const depth = new Map<string, number>();
  const steps: SpreadStep[] = [];
  const sources = new Set<string>();
  let followers = 0;
  let linked = 0;
  for (const [position, id] of members.entries()) {
    const tick = flagged.get(id)!;
    let via: string | null = null;
    let together = false;
    for (const other of neighbours.get(id) ?? []) {
      const otherTick = flagged.get(other);
      if (otherTick === tick && other !== id) together = true;
      if (otherTick === undefined || otherTick >= tick) continue;
      // The earliest changed neighbour is the likeliest source.
      if (via === null || otherTick < flagged.get(via)! || (otherTick === flagged.get(via)! && compare(other, via) < 0))
        via = other;
    }
    if (via !== null) {
      followers++;
      sources.add(via);
    }
    if (position > 0 && (via !== null || together)) linked++;
    const d = via === null ? 0 : (depth.get(via) ?? 0) + 1;
    depth.set(id, d);
    steps.push({ agent: id, via, tick, depth: d });
  }
  const participants = steps.filter((s) => s.via !== null || sources.has(s.agent)).length;
  return { steps, followers, participants, linked };
}

/**
 * The share of flagged agents in connected groups that took part in a spread along an edge (followed or were
 * followed): 1 when every linked change came after a neighbour's or was passed on, 0 when linked agents all changed
 * together (a common cause). Agents with no flagged neighbour are left out: they changed on their own, and the chance
 * test (`SpreadAnalysis.chance`) already weighs how many flags there are; counting them here would make the share of
 * one spread shrink with the size of the fleet around it.
 */
export function spreadShare(components: readonly SpreadComponent[]): number {
  let members = 0;
  let participants = 0;
  for (const component of components) {
    members += component.steps.length;
    participants += component.participants;
  }
  return members > 0 ? participants / members : 0;
}

/** P(X ≥ k) for X ~ Poisson(λ). */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  let term = Math.exp(-lambda);
  let below = term;
  for (let i = 1; i < k; i++) {
    term *= lambda / i;
    below += term;
  }
  const tail = 1 - below;
  // For tiny λ the subtraction loses everything: sum the tail directly.
  if (tail < 1e-9) {
    let t = Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
    let sum = 0;
    for (let i = k; i < k + 50 && t > 0; i++) {
      sum += t;
      t *= lambda / (i + 1);
    }
    return sum;
  }
  return tail;
}

function logFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface PrecedenceTest {
  /** Members that changed strictly after a changed graph neighbour (pooled over components; a same-tick change is a tie, not an order). */
  followers: number;
  /** Its mean with the change times shuffled among each component's members. */
  nullMean: number;
  /** (1 + shuffles with as many followers) / (1 + shuffles). */
  p: number;
  /** The most followers any order of these times could give: every member but those of its component's first tick. */
  mostOrdered: number;
  /** (1 + shuffles reaching `mostOrdered`) / (1 + shuffles): the smallest p any order of these times could get here. */
  floor: number;
  /** Distinct ticks the changes fell in (the most over components). */
  distinctTicks: number;
}

/**
 * Whether changes travel along the graph's edges in time order beyond chance: in a spread, members change after a
 * neighbour that already had (the `followers` of `analyseSpread`); changes in the same tick are ties, never an
 * order. The null shuffles the change times among each component's members (a time-permutation null: the graph and
 * the members stay, only who-changed-when is broken; cf. the shuffle test of Anagnostopoulos, Kumar & Mahdian 2008
 * for social influence). A common cause that changes linked agents in no order along the edges scores no better
 * than its shuffles; a contagion, chain or star, does: under a shuffle a star's hub changes at a random place, and
 * the leaves that changed before it follow nobody. `random` must be a stream of its own: the answer must not hang
 * on what other tests drew before.
 */
export function precedenceTest(
  components: readonly SpreadComponent[],
  neighbours: ReadonlyMap<string, readonly string[]>,
  permutations: number,
  random: SeededRandom,
): PrecedenceTest {
  const parts = components.map((component) => {
    const index = new Map(component.steps.map((s, i) => [s.agent, i]));
    const adjacency = component.steps.map((s) =>
      (neighbours.get(s.agent) ?? []).map((other) => index.get(other)).filter((j): j is number => j !== undefined),
    );
    return { adjacency, ticks: component.steps.map((s) => s.tick) };
  });
  const statistic = (ticks: readonly (readonly number[])[]) => {
    let followers = 0;
    parts.forEach((part, c) => {
      const t = ticks[c]!;
      for (let i = 0; i < t.length; i++) if (part.adjacency[i]!.some((j) => t[j]! < t[i]!)) followers++;
    });
    return followers;
  };
  const observed = statistic(parts.map((p) => p.ticks));
  let mostOrdered = 0;
  for (const { ticks } of parts) {
    const first = Math.min(...ticks);
    mostOrdered += ticks.filter((t) => t > first).length;
  }
  const shuffled = parts.map((p) => p.ticks.slice());
  let atLeast = 0;
  let most = 0;
  let sum = 0;
  for (let k = 0; k < permutations; k++) {
    for (const ticks of shuffled) {
      for (let i = ticks.length - 1; i > 0; i--) {
        const j = random.int(i + 1);
        [ticks[i], ticks[j]] = [ticks[j]!, ticks[i]!];
      }
    }
    const value = statistic(shuffled);
    sum += value;
    if (value >= observed) atLeast++;
    if (value >= mostOrdered) most++;
  }
  const distinctTicks = Math.max(0, ...parts.map((p) => new Set(p.ticks).size));
  return {
    followers: observed,
    nullMean: permutations > 0 ? sum / permutations : 0,
    p: (1 + atLeast) / (1 + permutations),
    mostOrdered,
    floor: (1 + most) / (1 + permutations),
    distinctTicks,
  };
}

/** Distinct ticks a spread's changes must span before its order is taken without a test: one step (two ticks) is what a common cause staggered by a tick shows too. */
const MIN_ORDER_TICKS = 3;

/**
 * Whether a spread follows its edges in time order: beyond its shuffles at `alpha`; or, where no order of its
 * times could get that far (`floor` above `alpha`: a star whose hub shares its first tick with a leaf, where only
 * the hub's place in time carries order, 2 in n by chance), as ordered as its times allow — every member after the
 * first tick followed a neighbour — over at least MIN_ORDER_TICKS ticks, the spread then resting on its edges
 * (`SpreadAnalysis.chance`).
 */
export function followsEdges(test: PrecedenceTest, alpha: number): boolean {
  return (
    test.p <= alpha ||
    (test.floor > alpha && test.followers >= test.mostOrdered && test.distinctTicks >= MIN_ORDER_TICKS)
  );
}

export interface PlacementTest {
  /** Changed agents that changed strictly after a changed graph neighbour (a same-tick change is a tie, not an order). */
  followers: number;
  /** Its mean with the changes placed at random: on as many agents of each pool, at the same times in random order. */
  nullMean: number;
  /** (1 + placements with as many followers) / (1 + placements). */
  p: number;
}

/**
 * Whether changes follow graph neighbours' changes beyond chance: the `followers` of the changed agents against
 * the same changes placed at random, each pool's changes given to as many of its agents drawn at random, the
 * change times dealt among them at random (a node-permutation null stratified by pool, with a time shuffle). A
 * contagion makes changed agents neighbours and orders them along the edges: random agents of the same pools are
 * rarely linked, and shuffled times follow no one. A common cause of a whole pool changes the same agents however
 * placed (all of the pool), in no order along the edges, and scores as its placements do. It counts order and
 * adjacency together, so it does not need change times precise to a hop (`precedenceTest` does). `pools`: every
 * tracked agent by pool (agents of no pool listed cannot be placed and are left out). `random`: a stream of its own.
 */
export function placementTest(
  changed: ReadonlyMap<string, number>,
  poolOf: (agent: string) => string | undefined,
  pools: ReadonlyMap<string, readonly string[]>,
  neighbours: ReadonlyMap<string, readonly string[]>,
  placements: number,
  random: SeededRandom,
): PlacementTest {
  const timesByPool = new Map<string, number[]>();
  const tested = new Map<string, number>();
  for (const [agent, tick] of changed) {
    const pool = poolOf(agent);
    if (pool === undefined || !pools.has(pool)) continue;
    tested.set(agent, tick);
    let times = timesByPool.get(pool);
    if (!times) timesByPool.set(pool, (times = []));
    times.push(tick);
  }
  const observed = countFollowers(tested, neighbours);
  // Each pool's agents in an array drawn from in place (partial Fisher–Yates): any order is as good a start as another.
  const draws = [...timesByPool].map(([pool, times]) => ({ agents: pools.get(pool)!.slice(), times }));
  const placed = new Map<string, number>();
  let atLeast = 0;
  let sum = 0;
  for (let k = 0; k < placements; k++) {
    placed.clear();
    for (const { agents, times } of draws) {
      for (let i = 0; i < times.length && i < agents.length; i++) {
        const j = i + random.int(agents.length - i);
        [agents[i], agents[j]] = [agents[j]!, agents[i]!];
        // The times are dealt in random order too: drawn agents are in random order, the times stay put.
        placed.set(agents[i]!, times[i]!);
      }
    }
    const value = countFollowers(placed, neighbours);
    sum += value;
    if (value >= observed) atLeast++;
  }
  return {
    followers: observed,
    nullMean: placements > 0 ? sum / placements : 0,
    p: (1 + atLeast) / (1 + placements),
  };
}

function countFollowers(
  changed: ReadonlyMap<string, number>,
  neighbours: ReadonlyMap<string, readonly string[]>,
): number {
  let followers = 0;
  for (const [agent, tick] of changed) {
    for (const other of neighbours.get(agent) ?? []) {
      const at = changed.get(other);
      if (at !== undefined && at < tick) {
        followers++;
        break;
      }
    }
  }
  return followers;
}
