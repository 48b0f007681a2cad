import { isRightType } from './anomaly-scoring';
import { incidentPurity, measureAnomalies } from './anomalies';

// A small `swarmscope bench anomalies`: both generators end to end through the engines and the correlator; the
// scores are checked against the raw events they were computed from.
describe('bench anomalies, small', () => {
  const figures = measureAnomalies({
    agents: 30,
    simulatorAgents: 10,
    hours: 1,
    seed: 3,
    generators: ['simulator', 'fleetgen'],
  });

  it('replays both generators, faulted and fault-free, and scores every planted fault', () => {
    expect(figures.map((g) => g.generator)).toEqual(['simulator', 'fleetgen']);
    for (const g of figures) {
      expect(g.faulted.reports).toBeGreaterThan(10_000);
      expect(g.clean.reports).toBeGreaterThan(10_000);
      expect(g.detection.faults).toBe(g.faulted.feed.faults.length);
      expect(g.detection.faults).toBeGreaterThanOrEqual(7);
      expect(g.clean.feed.faults).toEqual([]);
      expect(g.detection.detected).toBeLessThanOrEqual(g.detection.detectedAnyType);
      expect(g.purity.faults.map((f) => f.id)).toEqual(g.faulted.feed.faults.map((f) => f.id));
      expect(g.falseAlarms.falseAlarms).toBe(g.clean.sightings.filter((s) => s.opened).length);
      expect(g.falseAlarms.falseAlarmsPerAgentDay).toBeCloseTo(g.falseAlarms.falseAlarms / g.clean.agentDays);
    }
  });

  it('a fault landed in an incident when one overlapping its window names one of its agents', () => {
    for (const g of figures) {
      for (const [i, f] of g.faulted.feed.faults.entries()) {
        const naming = g.faulted.incidents.filter(
          (x) =>
            x.startedAt <= f.end && (x.resolvedAt ?? Infinity) >= f.start && x.agents.some((a) => f.agents.includes(a)),
        );
        expect(g.purity.faults[i]!.incidents).toBe(naming.length);
      }
      expect(g.purity.landed).toBeLessThanOrEqual(g.purity.faults.length);
      expect(g.cleanPurity.faults).toEqual([]);
    }
  });

  it('each fault found has a right-typed event on its agent at start + delay', () => {
    for (const g of figures) {
      for (const o of g.detection.outcomes.filter((x) => x.delayMs !== undefined)) {
        const at = o.fault.start + o.delayMs!;
        expect(
          g.faulted.sightings.some(
            (s) => o.fault.agents.includes(s.agentId) && s.at === at && isRightType(o.fault.type, s),
          ),
        ).toBe(true);
      }
    }
  });

  it('measures what fleetgen’s load-test pool stopping raised, on the fault-free run', () => {
    const fleetgen = figures.find((g) => g.generator === 'fleetgen')!;
    expect(fleetgen.stops).toHaveLength(1);
    const stop = fleetgen.stops[0]!;
    expect(stop.pool).toBe('loadtest-shadow');
    expect(stop.silentAnomalies).toBe(
      fleetgen.clean.silentOpened.filter(
        (s) => s.at >= stop.at && s.at < stop.at + 900_000 && s.agentId.startsWith('loadtest-shadow:'),
      ).length,
    );
  });
});

describe('incidentPurity', () => {
  it('scores the bench’s faults with the incidents service, allowing no delay past a fault’s end', () => {
    const faults = [{ id: 'f1', type: 'latency', agents: ['a', 'b'], start: 1000, end: 2000 }];
    const during = incidentPurity(faults, [{ id: 'i', agents: ['a', 'b'], pools: ['p'], startedAt: 2000 }]);
    expect(during.faults).toEqual([
      {
        id: 'f1',
        cause: 'latency',
        agents: 2,
        incident: 'i',
        jaccard: 1,
        incidents: 1,
        smallestIncident: 2,
        named: true,
        own: true,
      },
    ]);
    // One millisecond after the fault ended: not about it, and two agents of one pool nothing explains.
    const after = incidentPurity(faults, [{ id: 'i', agents: ['a', 'b'], pools: ['p'], startedAt: 2001 }]);
    expect([after.landed, after.poolOnly]).toEqual([0, [{ id: 'i', agents: 2, pool: 'p' }]]);
  });
});
