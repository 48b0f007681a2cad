import { isRightType } from './anomaly-scoring';
import { measureAnomalies } from './anomalies';

// A small `swarmscope bench anomalies`: both generators end to end through the engines and the correlator; the
// scores are checked against the raw events they were computed from.
describe('bench anomalies, small', () => {
  const figures = measureAnomalies({ agents: 30, simulatorAgents: 10, hours: 1, seed: 3, generators: ['simulator', 'fleetgen'] });

  it('replays both generators, faulted and fault-free, and scores every planted fault', () => {
    expect(figures.map((g) => g.generator)).toEqual(['simulator', 'fleetgen']);
    for (const g of figures) {
      expect(g.faulted.reports).toBeGreaterThan(10_000);
      expect(g.clean.reports).toBeGreaterThan(10_000);
      expect(g.detection.faults).toBe(g.faulted.feed.faults.length);
      expect(g.detection.faults).toBeGreaterThanOrEqual(7);
      expect(g.clean.feed.faults).toEqual([]);
      expect(g.detection.detected).toBeLessThanOrEqual(g.detection.detectedAnyType);
      expect(g.purity.faults).toBe(g.detection.faults);
      expect(g.falseAlarms.falseAlarms).toBe(g.clean.sightings.filter((s) => s.opened).length);
      expect(g.falseAlarms.falseAlarmsPerAgentDay).toBeCloseTo(g.falseAlarms.falseAlarms / g.clean.agentDays);
    }
  });

  it('each fault found has a right-typed event on its agent at start + delay', () => {
    for (const g of figures) {
      for (const o of g.detection.outcomes.filter((x) => x.delayMs !== undefined)) {
        const at = o.fault.start + o.delayMs!;
        expect(g.faulted.sightings.some((s) => o.fault.agents.includes(s.agentId) && s.at === at && isRightType(o.fault.type, s))).toBe(true);
      }
    }
  });

  it('measures what fleetgen’s load-test pool stopping raised, on the fault-free run', () => {
    const fleetgen = figures.find((g) => g.generator === 'fleetgen')!;
    expect(fleetgen.stops).toHaveLength(1);
    const stop = fleetgen.stops[0]!;
    expect(stop.pool).toBe('loadtest-shadow');
    expect(stop.silentAnomalies).toBe(fleetgen.clean.silentOpened.filter((s) => s.at >= stop.at && s.at < stop.at + 900_000 && s.agentId.startsWith('loadtest-shadow:')).length);
  });
});
