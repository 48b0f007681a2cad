import { PeerGroupMonitor, cohortKeyOf, peerOutliers, type PeerObservation } from './peer-group';
import { gaussian } from '../../test-support/random';

const MINUTE = 60_000;
const COHORT = cohortKeyOf('gpt-4o', 'support');

function window(values: number[], metric = 'latency', cohortKey = COHORT): PeerObservation[] {
  return values.map((value, i) => ({ agentId: `a-${i}`, cohortKey, metric, value }));
}

describe('peerOutliers', () => {
  it('computes the robust z of each agent against its cohort’s median and MAD (known answer)', () => {
    // median 10; |deviations| 0 0 0 0 1 1 2 2 30 → MAD 1 → scale 1.4826; z(40) = 30 / 1.4826 = 20.235.
    const found = peerOutliers(window([10, 11, 9, 10, 10, 12, 8, 10, 40]));
    expect(found).toHaveLength(1);
    expect(found[0]!.agentId).toBe('a-8');
    expect(found[0]!.median).toBe(10);
    expect(found[0]!.scale).toBeCloseTo(1.482602, 6);
    expect(found[0]!.z).toBeCloseTo(20.2347, 4);
    expect(found[0]!.score).toBeGreaterThan(0.99);
    expect(found[0]!.cohortSize).toBe(9);
  });

  it('flags both tails at the 3.5 cut-off and nothing inside it', () => {
    // median 100, MAD 10 → scale 14.826; 150 → z = 3.37 (not flagged), 155 → 3.71, 45 → −3.71 (flagged).
    const found = peerOutliers(window([90, 110, 100, 100, 90, 110, 95, 105, 150, 155, 45]));
    expect(found.map((a) => a.value).sort((a, b) => a - b)).toEqual([45, 155]);
    expect(found.find((a) => a.value === 45)!.z).toBeLessThan(-3.5);
  });

  it('judges each cohort and each metric on its own', () => {
    const obs = [
      ...window([10, 11, 9, 10, 10], 'latency', 'a/x'),
      ...window([100, 101, 99, 100, 100], 'latency', 'b/x'),
      ...window([1, 1, 1, 1, 1], 'cpu_percent', 'a/x'),
    ];
    expect(peerOutliers(obs)).toEqual([]);
  });

  it('needs minCohort agents', () => {
    // |deviations| 0 0 0 0 99: MAD 0, mean AD 19.8 × 1.2533 = 24.8 → z(100) = 99 / 24.8 = 3.99.
    expect(peerOutliers(window([1, 1, 1, 1, 100]))[0]!.z).toBeCloseTo(3.989, 3);
    expect(peerOutliers(window([1, 1, 1, 1, 100]), { minCohort: 6 })).toEqual([]);
  });

  it('falls back to the mean absolute deviation when MAD is 0, above the metric’s floor', () => {
    // 19 agents at 0 % errors, one at 30 %: MAD 0; mean AD 0.015 × 1.2533 = 0.0188 < floor 0.02 → z = 0.3 / 0.02 = 15.
    const found = peerOutliers(window([...new Array<number>(19).fill(0), 0.3], 'error_rate'));
    expect(found).toHaveLength(1);
    expect(found[0]!.scale).toBe(0.02);
    expect(found[0]!.z).toBeCloseTo(15, 9);
    // Below the floor a 1 % difference is not news.
    expect(peerOutliers(window([...new Array<number>(19).fill(0), 0.01], 'error_rate'))).toEqual([]);
  });
});

describe('PeerGroupMonitor', () => {
  const agents = 20;
  function fleet(g: () => number, level: (agent: number) => number): PeerObservation[] {
    return Array.from({ length: agents }, (_, i) => ({
      agentId: `a-${i}`,
      cohortKey: COHORT,
      metric: 'latency',
      value: level(i) * (1 + 0.05 * g()),
    }));
  }

  it('flags one faulty agent while the fleet is fine, and no cohort', () => {
    const g = gaussian(1);
    const m = new PeerGroupMonitor();
    for (let w = 0; w < 20; w++)
      expect(
        m.evaluate(
          w * MINUTE,
          fleet(g, () => 1),
        ).agents,
      ).toEqual([]);
    const r = m.evaluate(
      20 * MINUTE,
      fleet(g, (i) => (i === 7 ? 3 : 1)),
    );
    expect(r.agents.map((a) => a.agentId)).toEqual(['a-7']);
    expect(r.agents[0]!.z).toBeGreaterThan(10);
    expect(r.cohorts).toEqual([]);
  });

  it('reports a fleet-wide shift once, as a cohort anomaly, without flagging the agents', () => {
    const g = gaussian(2);
    const m = new PeerGroupMonitor();
    for (let w = 0; w < 20; w++)
      expect(
        m.evaluate(
          w * MINUTE,
          fleet(g, () => 1),
        ).cohorts,
      ).toEqual([]);
    const r = m.evaluate(
      20 * MINUTE,
      fleet(g, () => 3),
    );
    expect(r.agents).toEqual([]);
    expect(r.cohorts).toHaveLength(1);
    const shift = r.cohorts[0]!;
    expect(shift.cohortKey).toBe(COHORT);
    expect(shift.ratio).toBeGreaterThan(2.7);
    expect(shift.ratio).toBeLessThan(3.3);
    expect(shift.agents).toBe(agents);
    expect(shift.agentsShifted).toBe(agents);
    expect(shift.score).toBeGreaterThan(0.99);
  });

  it('keeps a shifted median out of the baseline for maxFreeze windows, then accepts it', () => {
    const g = gaussian(3);
    const m = new PeerGroupMonitor({ maxFreeze: 4 });
    for (let w = 0; w < 20; w++)
      m.evaluate(
        w * MINUTE,
        fleet(g, () => 1),
      );
    const flagged: boolean[] = [];
    for (let w = 20; w < 60; w++)
      flagged.push(
        m.evaluate(
          w * MINUTE,
          fleet(g, () => 2),
        ).cohorts.length > 0,
      );
    expect(flagged.slice(0, 4)).toEqual([true, true, true, true]);
    expect(flagged.slice(4)).toEqual(new Array<boolean>(36).fill(false)); // the new level became the baseline
  });

  it('bounds its histories and evicts idle ones', () => {
    const m = new PeerGroupMonitor({ maxSeries: 3 });
    for (let c = 0; c < 5; c++) m.evaluate(c * MINUTE, window([1, 2, 3, 4, 5], 'latency', `m/${c}`));
    expect(m.size).toBe(3);
    expect(m.stateBytes()).toBeGreaterThan(0);
    expect(m.evictIdle(4 * MINUTE)).toBe(2);
    expect(m.size).toBe(1);
  });
});
