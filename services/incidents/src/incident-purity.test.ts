import { scoreIncidents, type ScoredIncident, type TruthFault } from './incident-purity';

const MIN = 60_000;
const fault = (id: string, cause: string, agents: string[], from: number, to: number): TruthFault => ({
  id,
  cause,
  agents,
  from: from * MIN,
  to: to * MIN,
});
const incident = (
  id: string,
  agents: string[],
  pools: string[],
  startedAt: number,
  over: Partial<ScoredIncident> = {},
): ScoredIncident => ({ id, agents, pools, startedAt: startedAt * MIN, ...over });

describe('scoreIncidents', () => {
  const truth = [
    fault('f1', 'latency_spike', ['a', 'b', 'c', 'd', 'e'], 10, 20),
    fault('f2', 'error_surge', ['x', 'y'], 12, 18),
    fault('f3', 'memory_leak', ['m'], 100, 140),
  ];

  it('counts a fault as landed when an incident about it names its agents (Jaccard ≥ 0.8)', () => {
    const r = scoreIncidents(truth, [
      incident('i1', ['a', 'b', 'c', 'd'], ['support'], 11), // 4/5 = 0.8
      incident('i2', ['x', 'y'], ['support'], 13),
      incident('i3', ['m'], ['coding'], 105, { resolvedAt: 150 * MIN }),
    ]);
    expect(r.faults.map((f) => [f.id, f.incident, f.jaccard, f.own])).toEqual([
      ['f1', 'i1', 0.8, true],
      ['f2', 'i2', 1, true],
      ['f3', 'i3', 1, true],
    ]);
    expect(r.ownShare).toBe(1);
    expect([r.landed, r.named, r.onlyInLarge]).toEqual([3, 3, 0]);
    expect(r.poolOnly).toEqual([]);
    expect(r.incidents).toBe(3);
  });

  it('does not count two faults of one pool swallowed by one incident, and names it an incident of pool membership alone', () => {
    // One pool-wide incident holding both faults and three bystanders of the pool.
    const r = scoreIncidents(truth, [
      incident('pool', ['a', 'b', 'c', 'd', 'e', 'x', 'y', 'p', 'q', 'r'], ['support'], 10),
    ]);
    expect(r.faults.map((f) => [f.id, f.incident ?? null, f.jaccard, f.own])).toEqual([
      ['f1', 'pool', 0.5, false],
      ['f2', 'pool', 0.2, false],
      ['f3', null, 0, false],
    ]);
    expect(r.ownShare).toBe(0);
    // Both faults landed, but only in a 10-agent incident: lost in a crowd; f3 landed nowhere.
    expect(r.faults.map((f) => [f.incidents, f.smallestIncident])).toEqual([
      [1, 10],
      [1, 10],
      [0, 0],
    ]);
    expect([r.landed, r.named, r.onlyInLarge]).toEqual([2, 0, 2]);
    expect(
      scoreIncidents(truth, [incident('pool', ['a', 'b', 'c', 'd', 'e', 'x', 'y', 'p', 'q', 'r'], ['support'], 10)], {
        largeAgents: 11,
      }).onlyInLarge,
    ).toBe(0);
    expect(r.poolOnly).toEqual([{ id: 'pool', agents: 10, pool: 'support' }]);
  });

  it('gives a fault to the incident that is about it, not to one about another fault that also names it', () => {
    // i-big is about f1 (5 of its 6 agents) and names x too; f2's own incident names x and y.
    const r = scoreIncidents(truth, [
      incident('i-big', ['a', 'b', 'c', 'd', 'e', 'x'], ['support'], 10),
      incident('i-x', ['x', 'y'], ['support'], 12),
    ]);
    expect(r.faults.find((f) => f.id === 'f1')).toMatchObject({ incident: 'i-big', own: true });
    expect(r.faults.find((f) => f.id === 'f2')).toMatchObject({ incident: 'i-x', jaccard: 1, own: true });
    // f2 is named in both; the smaller one is its own, so it is not lost in a crowd even with a threshold of 2.
    expect(r.faults.find((f) => f.id === 'f2')).toMatchObject({ incidents: 2, smallestIncident: 2 });
    expect(
      scoreIncidents(
        truth,
        [
          incident('i-big', ['a', 'b', 'c', 'd', 'e', 'x'], ['support'], 10),
          incident('i-x', ['x', 'y'], ['support'], 12),
        ],
        { largeAgents: 3 },
      ).onlyInLarge,
    ).toBe(1);
    // An incident matching f2 with Jaccard 1/7 and better matching f1 does not make f2 land in it.
    const only = scoreIncidents(truth, [incident('i-big', ['a', 'b', 'c', 'd', 'e', 'x'], ['support'], 10)]);
    expect(only.faults.find((f) => f.id === 'f2')).toMatchObject({ incident: 'i-big', named: false, own: false });
  });

  it('names a fault whose agents an incident about another fault names, without making it its own', () => {
    // Two faults of one agent at once: one incident names both; it is about the first (ties go to the earlier fault).
    const twice = [fault('t1', 'latency_spike', ['a'], 10, 20), fault('t2', 'error_surge', ['a'], 12, 18)];
    const r = scoreIncidents(twice, [incident('i', ['a'], ['support'], 11)]);
    expect(r.faults.map((f) => [f.id, f.incident, f.jaccard, f.named, f.own])).toEqual([
      ['t1', 'i', 1, true, true],
      ['t2', 'i', 1, true, false],
    ]);
    expect([r.landed, r.named, r.ownShare]).toEqual([2, 2, 0.5]);
  });

  it('matches only in time: an incident long after a fault is not about it; merged incidents are skipped', () => {
    const r = scoreIncidents(truth, [
      incident('late', ['a', 'b', 'c', 'd', 'e'], ['support'], 60),
      incident('merged', ['m'], ['coding'], 101, { resolution: 'merged' }),
    ]);
    expect(r.faults.map((f) => f.own)).toEqual([false, false, false]);
    expect(r.landed).toBe(0);
    // With a detection delay of 40 minutes allowed, the late incident is about f1.
    expect(
      scoreIncidents(truth, [incident('late', ['a', 'b', 'c', 'd', 'e'], ['support'], 60)], { lateMs: 40 * MIN })
        .faults[0],
    ).toMatchObject({ incident: 'late', own: true });
    expect(r.incidents).toBe(1);
    // Agents of one pool grouped with no fault behind them (in its time): pool membership alone.
    expect(r.poolOnly).toEqual([{ id: 'late', agents: 5, pool: 'support' }]);
    expect(scoreIncidents([], [incident('noise', ['p', 'q'], ['triage'], 5)]).poolOnly).toEqual([
      { id: 'noise', agents: 2, pool: 'triage' },
    ]);
    expect(scoreIncidents([], []).ownShare).toBe(1);
  });

  it('scores a fleet stop as one fault landing in one incident', () => {
    const stopped = Array.from({ length: 300 }, (_, i) => `n-${i}`);
    const r = scoreIncidents(
      [fault('stop', 'stopped_reporting', stopped, 50, 51)],
      [incident('s', stopped, ['north', 'south'], 50)],
    );
    expect(r.faults[0]).toMatchObject({ jaccard: 1, own: true });
    expect(r.poolOnly).toEqual([]);
  });
});
