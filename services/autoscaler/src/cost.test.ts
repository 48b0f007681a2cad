import { cheapestReplicas, type CostInput } from './cost';

// Each replica holds 8 rps within the SLO (10 before its queue is unstable); one point a minute long, after the
// start-up: the count that serves there is n.
const base: CostInput = {
  horizon: [{ offsetSeconds: 120, weightSeconds: 60, mean: 95, sd: 0 }],
  serving: 5,
  startupSeconds: 120,
  holds: (n) => 8 * n,
  stableReplicas: 10,
  costPerReplicaHourUsd: 0.6,
  sloViolationMinuteUsd: 1,
  minReplicas: 1,
  maxReplicas: 1000,
};

describe('cheapestReplicas (cost and SLO as one objective)', () => {
  it('a certain load: the fewest replicas holding it, as long as a violation-minute costs more than the replicas', () => {
    expect(cheapestReplicas(base)).toMatchObject({ replicas: 12, sloRiskUsd: 0 });
    // 2 replica-minutes at $0.01 < $1 of violation: hold. At $0.01 a violation-minute, the stable floor is cheaper.
    expect(cheapestReplicas({ ...base, sloViolationMinuteUsd: 0.01 }).replicas).toBe(10);
  });

  it('an uncertain load: the newsvendor quantile (replica-minute price / violation-minute price)', () => {
    // Normal(95, 10); a replica-minute costs $0.01 and a violation-minute $1: add replicas (8 rps each) while one
    // lowers P(exceed) by more than 1 %: 15 holds 120 (P = 0.62 %); 14 holds 112 (P = 4.46 %).
    const plan = cheapestReplicas({ ...base, horizon: [{ offsetSeconds: 120, weightSeconds: 60, mean: 95, sd: 10 }] });
    expect(plan.replicas).toBe(15);
    expect(plan.violationMinutes).toBeCloseTo(0.0062, 3);
  });

  it('a minute of 15 s ticks is over when about any of its 4 ticks is: P(minute) = 1 − (1 − P(tick))⁴', () => {
    // Normal(95, 10) per tick, $0.01 a replica-minute, $1 a violation-minute. P(tick > 8n): n = 15 → 0.621 %, 16 →
    // 0.0483 %, 17 → 0.00207 %; per minute 2.46 %, 0.193 %, 0.0083 %. 15 → 16 saves $0.0227 > $0.01: add; 16 → 17
    // saves $0.00185: stop. One tick per minute stops at 15 (previous test).
    const plan = cheapestReplicas({
      ...base,
      horizon: [{ offsetSeconds: 120, weightSeconds: 60, mean: 95, sd: 10 }],
      ticksPerMinute: 4,
    });
    expect(plan.replicas).toBe(16);
    expect(plan.violationMinutes).toBeCloseTo(1 - Math.pow(1 - 0.000483, 4), 4);
  });

  it('replicas asked now do not serve before the start-up: the risk there is the serving count’s', () => {
    const plan = cheapestReplicas({
      ...base,
      horizon: [
        { offsetSeconds: 0, weightSeconds: 60, mean: 95, sd: 0 },
        { offsetSeconds: 120, weightSeconds: 60, mean: 95, sd: 0 },
      ],
    });
    expect(plan.replicas).toBe(12);
    expect(plan.violationMinutes).toBe(1);
  });

  it('a burst history weighs in where the Normal forecast has no tail', () => {
    // P(load > x) = 0.5·e^−(x − 95)/20: the next replica (8 rps) saves 33 % of the risk left, worth its $0.01 while
    // the risk is ≥ $0.0303, i.e. up to 8n − 95 ≤ 56: 18 replicas, so the plan is 19.
    const plan = cheapestReplicas({ ...base, burstExceedance: (load) => 0.5 * Math.exp(-(load - 95) / 20) });
    expect(plan.replicas).toBe(19);
  });

  it('a step in the burst tail: the count holding it is tried, though the next replica on the flat before it saves nothing', () => {
    // Load 95 for sure, and in 30 % of lead times a spike to exactly 200 (spikes of one size: batch jobs). 12 replicas
    // (96 rps) cost $0.12 + $0.30 of risk; 13 to 24 save nothing more (the tail is flat up to 200); 25 (200 rps) cost
    // $0.25 and no risk. The convex search alone stops at 12 (i20-cost's defect: $0.30 of risk left for $0.13).
    const burstExceedance = (load: number) => (load < 200 ? 0.3 : 0);
    expect(cheapestReplicas({ ...base, burstExceedance }).replicas).toBe(12);
    const plan = cheapestReplicas({ ...base, burstExceedance, burstSteps: (above) => [200].filter((l) => l > above) });
    expect(plan).toMatchObject({ replicas: 25, sloRiskUsd: 0 });
    expect(plan.replicaCostUsd).toBeCloseTo(0.25, 10);
  });

  it('a step too dear to hold is not taken, and the steps beyond it are not tried (the replicas alone cost more)', () => {
    // Spikes to 2,000 in 30 % of lead times: 250 replicas ($2.50) to hold them against $0.30 of risk: stay at 12.
    let most = 0;
    const plan = cheapestReplicas({
      ...base,
      holds: (n) => {
        most = Math.max(most, n);
        return 8 * n;
      },
      burstExceedance: (load) => (load < 2000 ? 0.3 : load < 4000 ? 0.1 : 0),
      burstSteps: (above) => [2000, 4000].filter((l) => l > above),
    });
    expect(plan.replicas).toBe(12);
    expect(plan.sloRiskUsd).toBeCloseTo(0.3, 10);
    // Finding the count for 2,000 rps asks up to 256 replicas; for 4,000 it would have asked 512.
    expect(most).toBeLessThan(500);
  });

  it('the budget and maxReplicas cap the plan and say so', () => {
    expect(cheapestReplicas({ ...base, maxCostUsdPerHour: 4.8 })).toMatchObject({ replicas: 8, limitedBy: 'budget' });
    expect(cheapestReplicas({ ...base, maxReplicas: 7 })).toMatchObject({ replicas: 7, limitedBy: 'maxReplicas' });
  });
});
