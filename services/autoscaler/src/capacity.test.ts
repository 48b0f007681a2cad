import { CapacityLearner } from './capacity';
import { cheapestReplicas } from './cost';

/** M/M/1 p95 at `load` req/s on a replica serving `mu` req/s. */
const p95 = (load: number, mu: number) => (load >= mu ? 120 : Math.log(20) / (mu - load));

describe('CapacityLearner', () => {
  it('finds where p95 crosses the SLO from pairs on both sides, robust to a few wrong-side outliers', () => {
    const learner = new CapacityLearner();
    // mu = 4: p95 ≤ 5 s up to 4 − ln20/5 = 3.40 req/s per replica.
    for (let i = 0; i < 200; i++) {
      const load = 1 + (i % 50) * 0.07; // 1 .. 4.43
      learner.observe(load, p95(load, 4), 5);
    }
    learner.observe(1.5, 30, 5); // a slow backend tick at low load
    learner.observe(3.9, 0.5, 5); // a lucky tick at high load
    const estimate = learner.estimate(5)!;
    expect(estimate).toMatchObject({ kind: 'boundary', trusted: true });
    expect(estimate.perReplica).toBeGreaterThan(3.3);
    expect(estimate.perReplica).toBeLessThan(3.5);
  });

  it('before any crossing, extrapolates 1/latency (linear in M/M/1) to the SLO, capped near what was seen', () => {
    const learner = new CapacityLearner();
    for (let i = 0; i < 300; i++) {
      const load = 1 + (i % 30) * 0.07; // 1 .. 3.03, never crossing
      learner.observe(load, p95(load, 4), 5);
    }
    const estimate = learner.estimate(5)!;
    expect(estimate).toMatchObject({ kind: 'regression', trusted: true });
    expect(estimate.perReplica).toBeCloseTo(4 - Math.log(20) / 5, 1);
  });

  it('with too little spread it only reports a lower bound, untrusted', () => {
    const learner = new CapacityLearner();
    for (let i = 0; i < 50; i++) learner.observe(2 + (i % 3) * 0.01, 1, 5);
    expect(learner.estimate(5)).toMatchObject({ kind: 'lower-bound', trusted: false, perReplica: 2.02 });
    expect(new CapacityLearner().estimate(5)).toBeUndefined();
  });

  it('ignores idle ticks', () => {
    const learner = new CapacityLearner();
    learner.observe(0, 0.2, 5);
    expect(learner.estimate(5)).toBeUndefined();
  });
});

describe('cheapestReplicas (cost-optimised)', () => {
  const base = { perReplicaCapacity: 4, headroom: 0.1, costPerReplicaHourUsd: 0.5, minReplicas: 1, maxReplicas: 1000 };

  it('is the smallest n with load / n ≤ capacity × (1 − headroom)', () => {
    // 36 req/s at 3.6 usable per replica: exactly 10.
    expect(cheapestReplicas({ ...base, load: 36 })).toMatchObject({ replicas: 10, costUsdPerHour: 5, holdsSlo: true });
    expect(cheapestReplicas({ ...base, load: 36.1 }).replicas).toBe(11);
    expect(cheapestReplicas({ ...base, load: 0 }).replicas).toBe(1);
  });

  it('stops at the budget and says the SLO is at risk', () => {
    expect(cheapestReplicas({ ...base, load: 72, maxCostUsdPerHour: 6 })).toMatchObject({ replicas: 12, holdsSlo: false, limitedBy: 'budget' });
  });

  it('stops at maxReplicas', () => {
    expect(cheapestReplicas({ ...base, load: 72, maxReplicas: 15 })).toMatchObject({ replicas: 15, holdsSlo: false, limitedBy: 'maxReplicas' });
  });
});
