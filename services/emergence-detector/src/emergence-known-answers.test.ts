// Known answers for issue 19, through the whole engine (reports in, events out): a phase-locked subset of 40 among
// 400 agents on a 90-s period, a spread of quality gains along a path, a pool-wide jump that is a transition and
// not a cascade, and a pool that stops reporting, which is no transition at all.
import type { EmergenceEvent, SampleReport } from '@swarmscope/core';
import { EmergenceEngine } from './engine';
import { SeededRandom } from './random';

const TICK_MS = 10_000;

function normal(random: SeededRandom): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

interface Agent {
  id: string;
  pool: string;
  /** Offset of its report within each tick, ms: reports are not aligned. */
  offset: number;
}

function fleet(count: number, pools: number, random: SeededRandom): Agent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `agent-${String(i).padStart(3, '0')}`,
    pool: `pool-${i % pools}`,
    offset: random.int(TICK_MS),
  }));
}

/** Runs `ticks` ticks; `report(agent, index, tick)` returns an agent's report fields (or undefined: no report). */
function run(
  agents: Agent[],
  ticks: number,
  report: (agent: Agent, index: number, tick: number) => Pick<SampleReport, 'metrics' | 'quality'> | undefined,
  edges: Array<[number, number]> = [],
): { events: Map<string, EmergenceEvent>; opened: Map<string, EmergenceEvent>; engine: EmergenceEngine } {
  const engine = new EmergenceEngine({ seed: 3 });
  const events = new Map<string, EmergenceEvent>();
  const opened = new Map<string, EmergenceEvent>();
  for (let tick = 0; tick < ticks; tick++) {
    agents.forEach((agent, i) => {
      const fields = report(agent, i, tick);
      if (fields)
        engine.ingest({
          agentId: agent.id,
          timestamp: tick * TICK_MS + agent.offset,
          model: 'm',
          pool: agent.pool,
          type: 't',
          ...fields,
        });
    });
    for (const [a, b] of edges)
      engine.ingestInteraction({
        from: agents[a]!.id,
        to: agents[b]!.id,
        kind: 'delegation',
        outcome: 'success',
        latencySeconds: 1,
        timestamp: tick * TICK_MS + 5000,
      });
    for (const analysis of engine.advance((tick + 1) * TICK_MS)) {
      for (const change of analysis.changes) {
        events.set(change.id, change);
        if (change.event === 'opened') opened.set(change.id, change);
      }
    }
  }
  return { events, opened, engine };
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  const set = new Set(a);
  const shared = b.filter((x) => set.has(x)).length;
  return shared / (set.size + b.length - shared);
}

describe('synchronisation of a subset', () => {
  it('finds 40 of 400 agents phase-locked on a 90-s period across two pools, with its period, within 2 minutes', () => {
    const random = new SeededRandom(19);
    const agents = fleet(400, 5, random);
    // 20 from pool-0 and 20 from pool-1 lock from tick 80; 30 others run rhythms of their own all along.
    const locked = new Set(
      [
        ...agents.filter((a) => a.pool === 'pool-0').slice(0, 20),
        ...agents.filter((a) => a.pool === 'pool-1').slice(0, 20),
      ].map((a) => a.id),
    );
    const jitter = new Map([...locked].map((id) => [id, 0.3 * normal(random)]));
    const free = new Map(
      agents
        .filter((a) => !locked.has(a.id))
        .slice(0, 30)
        .map((a) => [a.id, { period: 3 + 30 * random.next(), phase: 2 * Math.PI * random.next() }]),
    );
    const onset = 80;
    const { events } = run(agents, 110, (agent, _i, tick) => {
      const t = (tick * TICK_MS + agent.offset) / 1000;
      let log = 0.25 * normal(random);
      if (locked.has(agent.id) && tick >= onset) log += 0.35 * Math.sin((2 * Math.PI * t) / 90 + jitter.get(agent.id)!);
      const own = free.get(agent.id);
      if (own) log += 0.35 * Math.sin((2 * Math.PI * tick) / own.period + own.phase);
      return {
        metrics: { requests: 5 + Math.round(2 * random.next()), errors: 0, response_time_seconds: Math.exp(log) },
        quality: {},
      };
    });
    const all = [...events.values()];
    const sync = all.filter((e) => e.type === 'collective_behavior');
    expect(sync).toHaveLength(1);
    expect(sync[0]!.startedAt - onset * TICK_MS).toBeLessThanOrEqual(120_000);
    expect(jaccard([...locked], sync[0]!.agents)).toBeGreaterThanOrEqual(0.8);
    expect(sync[0]!.evidence.periodSeconds).toBeGreaterThan(75);
    expect(sync[0]!.evidence.periodSeconds).toBeLessThan(110);
    expect(sync[0]!.evidence.pools).toBeGreaterThanOrEqual(2);
    expect(all.filter((e) => e.type !== 'collective_behavior').map((e) => e.type)).toEqual([]);
  });
});

describe('collective learning', () => {
  it('follows quality gains along a path of agents that work together, from its seed, beyond gains placed at random', () => {
    const random = new SeededRandom(23);
    const agents = fleet(200, 4, random);
    // A random sparse graph, plus a path of 12 agents along which the gain travels, 3 ticks a hop, from tick 70.
    const edges: Array<[number, number]> = Array.from(
      { length: 300 },
      () => [random.int(200), random.int(200)] as [number, number],
    ).filter(([a, b]) => a !== b);
    const path = Array.from({ length: 12 }, (_, k) => 7 + 13 * k);
    for (let k = 1; k < path.length; k++) edges.push([path[k - 1]!, path[k]!]);
    const learnedAt = new Map(path.map((agent, k) => [agent, 70 + 3 * k]));
    const { events } = run(
      agents,
      125,
      (_agent, i, tick) => {
        const gain = tick >= (learnedAt.get(i) ?? Infinity) ? 0.1 : 0;
        return {
          metrics: { requests: 4, errors: 0, response_time_seconds: 1 },
          quality: { accuracy: Math.min(1, 0.7 + gain + 0.04 * normal(random)) },
        };
      },
      edges,
    );
    const learning = [...events.values()].filter((e) => e.type === 'collective_learning');
    expect(learning).toHaveLength(1);
    const ids = path.map((i) => agents[i]!.id);
    expect(jaccard(ids, learning[0]!.agents)).toBeGreaterThanOrEqual(0.8);
    // The path starts at the seed and runs along the edges in order.
    expect(learning[0]!.path![0]!.agent).toBe(ids[0]);
    expect(learning[0]!.path![0]!.via).toBeNull();
    // Most steps along the planted path came via the agent before it on the path (the earliest improved neighbour is
    // taken as the source, so a random-graph neighbour that improved earlier can stand in for it, and a gain dated a
    // few ticks early, its change point an estimate, can stand in for the one before it).
    const steps = learning[0]!.path!.filter((step) => ids.includes(step.agent) && step.via !== null);
    expect(steps.length).toBeGreaterThanOrEqual(9);
    expect(steps.filter((step) => step.via === ids[ids.indexOf(step.agent) - 1]).length).toBeGreaterThanOrEqual(
      0.7 * steps.length,
    );
    // The gains follow their neighbours' far more often than the same gains on random agents of their pools would.
    const evidence = learning[0]!.evidence;
    expect(evidence.placementP).toBeLessThanOrEqual(0.01);
    expect(evidence.followers).toBeGreaterThan(3 * evidence.followersIfPlacedAtRandom!);
    expect(evidence.sources).toBeLessThanOrEqual(3);
    // Three ticks a hop: the median lag from a source's gain to its follower's is about 30 s.
    expect(evidence.spreadLagSeconds).toBeGreaterThanOrEqual(20);
    expect(evidence.spreadLagSeconds).toBeLessThanOrEqual(60);
    expect([...events.values()].filter((e) => e.type !== 'collective_learning').map((e) => e.type)).toEqual([]);
  });
  it('does not call a whole pool upgraded over five minutes, in no order along its edges (a common cause), collective learning', () => {
    const random = new SeededRandom(31);
    const agents = fleet(120, 3, random);
    // pool-0's 40 agents are densely linked (each to the next four of its pool); a few edges across pools.
    const pool0 = agents.map((a, i) => [a, i] as const).filter(([a]) => a.pool === 'pool-0');
    const edges: Array<[number, number]> = [];
    pool0.forEach(([, i], k) => {
      for (let d = 1; d <= 4; d++) edges.push([i, pool0[(k + d) % pool0.length]![1]]);
    });
    for (let e = 0; e < 60; e++) edges.push([random.int(120), random.int(120)]);
    // A rollout: each agent of pool-0 gets the better model at a random tick from 70 to 99, whoever it works with.
    const upgradedAt = new Map(pool0.map(([a]) => [a.id, 70 + random.int(30)]));
    const { events, engine } = run(
      agents,
      130,
      (agent, _i, tick) => ({
        metrics: { requests: 4, errors: 0, response_time_seconds: 1 },
        quality: { accuracy: 0.7 + (tick >= (upgradedAt.get(agent.id) ?? Infinity) ? 0.1 : 0) + 0.04 * normal(random) },
      }),
      edges.filter(([a, b]) => a !== b),
    );
    // The gains were seen (most of the pool improving), and they are not a spread.
    expect(Math.max(...engine.fleetState().history.map((s) => s.parameters.improving_agents))).toBeGreaterThanOrEqual(
      30,
    );
    expect([...events.values()].map((e) => e.type)).toEqual([]);
  });
});

describe('one phenomenon, one type', () => {
  it('calls a whole pool failing at once a phase transition, never a cascade, however densely its agents are linked', () => {
    const random = new SeededRandom(29);
    const agents = fleet(120, 3, random);
    const pool = agents
      .map((a, i) => [a, i] as const)
      .filter(([a]) => a.pool === 'pool-0')
      .map(([, i]) => i);
    const edges: Array<[number, number]> = [];
    for (const a of pool) for (let k = 0; k < 4; k++) edges.push([a, pool[random.int(pool.length)]!]);
    const jump = 80;
    const { events } = run(
      agents,
      100,
      (agent, _i, tick) => {
        const failing = agent.pool === 'pool-0' && tick >= jump;
        const requests = 20;
        let errors = 0;
        for (let k = 0; k < requests; k++) if (random.next() < (failing ? 0.4 : 0.01)) errors++;
        return {
          metrics: { requests, errors, response_time_seconds: Math.exp((failing ? 0.8 : 0) + 0.2 * normal(random)) },
          quality: {},
        };
      },
      edges.filter(([a, b]) => a !== b),
    );
    const types = [...events.values()].map((e) => e.type);
    expect(types).toContain('phase_transition');
    expect(types).not.toContain('cascade_failure');
  });

  it('calls errors passed along a chain of agents a cascade, not a transition of their pool', () => {
    const { agents, chain, all } = chainOfFailures(31, 14, 115);
    const cascades = all.filter((e) => e.type === 'cascade_failure');
    expect(cascades).toHaveLength(1);
    expect(cascades[0]!.startedAt - 80 * TICK_MS).toBeLessThanOrEqual(120_000);
    expect(
      jaccard(
        chain.map((i) => agents[i]!.id),
        cascades[0]!.agents,
      ),
    ).toBeGreaterThanOrEqual(0.8);
    expect(all.filter((e) => e.type !== 'cascade_failure').map((e) => e.type)).toEqual([]);
  });

  it('keeps a cascade that takes 60 % of its pool a cascade: its members do not become a pool-wide jump', () => {
    // A chain through 24 of pool-1's 40 agents, two ticks a hop: past half the pool its median agent is failing too.
    const { agents, chain, all } = chainOfFailures(37, 24, 140);
    const cascades = all.filter((e) => e.type === 'cascade_failure');
    expect(cascades).toHaveLength(1);
    expect(
      jaccard(
        chain.map((i) => agents[i]!.id),
        cascades[0]!.agents,
      ),
    ).toBeGreaterThanOrEqual(0.6);
    // The members that fail once it holds half the pool are not flagged (failing with the pool's median agent, they
    // look like their pool): a known cost to its Jaccard.
    // No transition of its pool. The pool's error rate wandering as the unflagged members fail does raise an early
    // warning (an advisory, which opens no incident): left as it is, a known second type.
    expect(all.filter((e) => e.type !== 'cascade_failure' && e.type !== 'early_warning').map((e) => e.type)).toEqual(
      [],
    );
  });
});

/**
 * Errors passed along a chain of `length` agents of pool-1 (of 120 in 3 pools), two ticks a hop from tick 80, among
 * 150 random edges; the events of `ticks` ticks.
 */
function chainOfFailures(seed: number, length: number, ticks: number) {
  const random = new SeededRandom(seed);
  const agents = fleet(120, 3, random);
  const chain = agents
    .map((a, i) => [a, i] as const)
    .filter(([a]) => a.pool === 'pool-1')
    .map(([, i]) => i)
    .slice(0, length);
  const edges: Array<[number, number]> = [];
  for (let k = 1; k < chain.length; k++) edges.push([chain[k - 1]!, chain[k]!]);
  for (let k = 0; k < 150; k++) edges.push([random.int(120), random.int(120)]);
  const failsAt = new Map(chain.map((a, k) => [a, 80 + 2 * k]));
  const { events } = run(
    agents,
    ticks,
    (_agent, i, tick) => {
      const failing = tick >= (failsAt.get(i) ?? Infinity);
      const requests = 20;
      let errors = 0;
      for (let k = 0; k < requests; k++) if (random.next() < (failing ? 0.6 : 0.01)) errors++;
      return { metrics: { requests, errors, response_time_seconds: Math.exp(0.2 * normal(random)) }, quality: {} };
    },
    edges.filter(([a, b]) => a !== b),
  );
  return { agents, chain, all: [...events.values()] };
}

describe('absent data', () => {
  it('is no phase transition: a pool that stops reporting (its load test ended) raises nothing', () => {
    const random = new SeededRandom(37);
    const agents = fleet(100, 2, random);
    const { events, engine } = run(agents, 110, (agent, _i, tick) =>
      agent.pool === 'pool-1' && tick >= 80
        ? undefined
        : {
            metrics: {
              requests: 5 + random.int(3),
              errors: random.next() < 0.05 ? 1 : 0,
              response_time_seconds: Math.exp(0.2 * normal(random)),
            },
            quality: { accuracy: 0.8 + 0.03 * normal(random) },
          },
    );
    expect([...events.values()].map((e) => `${e.type}: ${e.explanation}`)).toEqual([]);
    expect(engine.warningRecord().raised).toBe(0);
  });
});
