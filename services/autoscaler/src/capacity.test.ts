import { CapacityEstimator, type CapacityEvidence } from './capacity';
import { holdsSlo, meanSojourn, sojournQuantile } from './queueing';

/** A settled M/M/c tick at λ on c replicas of rate μ, as agents would report it (no noise). */
function steady(at: number, load: number, c: number, mu: number, slo = 1): CapacityEvidence {
  return {
    at,
    loadRps: load,
    ready: c,
    latencyMeanSeconds: meanSojourn(load, c, mu),
    latencyP95Seconds: sojournQuantile(0.95, load, c, mu),
    cpuPercent: (100 * load) / (c * mu),
    sloSeconds: slo,
    settled: true,
  };
}

describe('CapacityEstimator', () => {
  it('recovers μ from settled ticks (utilisation law and Little through M/M/c agree)', () => {
    const estimator = new CapacityEstimator();
    for (let i = 0; i < 40; i++) expect(estimator.observe(steady(i * 15_000, 20 + (i % 7) * 3, 10, 5))).toBe('reading');
    const estimate = estimator.estimate(40 * 15_000)!;
    expect(estimate.trusted).toBe(true);
    expect(estimate.median).toBeCloseTo(5, 2);
    expect(estimate.serviceRate).toBeLessThanOrEqual(5.001);
    expect(estimate.serviceRate).toBeGreaterThan(4.9);
    expect(estimate.calibration).toBeCloseTo(1, 2);
  });

  it('a backlog-draining interval never lowers the estimate: pinned CPU, breached SLO, replicas starting', () => {
    const estimator = new CapacityEstimator();
    for (let i = 0; i < 20; i++) estimator.observe(steady(i * 15_000, 30, 10, 5));
    const before = estimator.estimate(20 * 15_000)!;
    // After an overload: load back to 20 rps on 10 replicas, but a backlog makes every request wait 8 s.
    const draining = (at: number, o: Partial<CapacityEvidence>): CapacityEvidence => ({
      at,
      loadRps: 20,
      ready: 10,
      latencyMeanSeconds: 8.2,
      latencyP95Seconds: 8.6,
      cpuPercent: 100,
      sloSeconds: 1,
      settled: true,
      ...o,
    });
    expect(estimator.observe(draining(21 * 15_000, {}))).toBe('cpu pinned');
    expect(estimator.observe(draining(22 * 15_000, { cpuPercent: 60 }))).toBe('over the SLO');
    expect(estimator.observe(draining(23 * 15_000, { settled: false, latencyP95Seconds: 0.9, cpuPercent: 60 }))).toBe(
      'not settled',
    );
    const after = estimator.estimate(23 * 15_000)!;
    expect(after.median).toBe(before.median);
    expect(after.serviceRate).toBeGreaterThanOrEqual(before.serviceRate);
    expect(after.readings).toBe(before.readings);
  });

  it('never estimates below what the pool demonstrably served within the SLO', () => {
    const estimator = new CapacityEstimator();
    // Latency says μ ≈ 2.5 (a slow backend on some ticks) but 10 replicas kept p95 ≤ 1 s at 35 rps for 12 ticks:
    // that needs μ ≥ the least μ holding 35 rps on 10 replicas.
    for (let i = 0; i < 12; i++)
      estimator.observe({
        at: i * 15_000,
        loadRps: 35,
        ready: 10,
        latencyMeanSeconds: 0.9,
        latencyP95Seconds: 0.95,
        sloSeconds: 1,
        settled: true,
      });
    const estimate = estimator.estimate(12 * 15_000)!;
    expect(estimate.median).toBeLessThan(4.5);
    expect(holdsSlo(35, 10, estimate.serviceRate, 1)).toBe(true);
    expect(holdsSlo(35, 10, estimate.serviceRate * 0.99, 1)).toBe(false);
  });

  it('a step in a request’s cost is counted once: μ follows it, the tail’s calibration stays 1', () => {
    const estimator = new CapacityEstimator();
    for (let i = 0; i < 240; i++) estimator.observe(steady(i * 15_000, 30 + (i % 5), 10, 5));
    // Requests cost ×1.4 from tick 240 on: μ 5 → 3.571; the pool (14 replicas) keeps within the SLO.
    // (Against the estimate's median, the calibration climbed toward ×1.4 while the median caught up.)
    let worst = 1;
    for (let i = 240; i < 720; i++) {
      estimator.observe(steady(i * 15_000, 30 + (i % 5), 14, 5 / 1.4));
      worst = Math.max(worst, estimator.estimate(i * 15_000)!.calibration);
    }
    const estimate = estimator.estimate(720 * 15_000)!;
    expect(estimate.median).toBeCloseTo(5 / 1.4, 2);
    expect(worst).toBeLessThan(1.001);
  });

  it('a tail heavier than M/M/c at the same mean is the calibration, not a lower μ', () => {
    const estimator = new CapacityEstimator();
    for (let i = 0; i < 200; i++) {
      const e = steady(i * 15_000, 20 + (i % 5), 10, 5);
      estimator.observe({ ...e, latencyP95Seconds: 1.3 * e.latencyP95Seconds });
    }
    const estimate = estimator.estimate(200 * 15_000)!;
    expect(estimate.median).toBeCloseTo(5, 2);
    // The log smoothed at weight 0.05 over 200 ticks: within 1e-4 of ln 1.3.
    expect(estimate.calibration).toBeCloseTo(1.3, 3);
  });

  it('old readings expire', () => {
    const estimator = new CapacityEstimator({ maxAgeSeconds: 3600 });
    for (let i = 0; i < 10; i++) estimator.observe(steady(i * 15_000, 30, 10, 5));
    expect(estimator.estimate(10 * 15_000)).toBeDefined();
    expect(estimator.estimate(2 * 3_600_000)).toBeUndefined();
  });

  it('explores: the utilisation ceiling is the highest served within the SLO plus the step, and only rises', () => {
    const estimator = new CapacityEstimator({ explorationStep: 0.1 });
    for (let i = 0; i < 10; i++) estimator.observe(steady(i * 15_000, 30, 10, 5));
    expect(estimator.estimate(10 * 15_000)!.utilisationCeiling).toBeCloseTo(0.7, 3);
    for (let i = 10; i < 20; i++) estimator.observe(steady(i * 15_000, 10, 10, 5));
    expect(estimator.estimate(20 * 15_000)!.utilisationCeiling).toBeCloseTo(0.7, 3);
    for (let i = 20; i < 30; i++) estimator.observe(steady(i * 15_000, 40, 10, 5));
    expect(estimator.estimate(30 * 15_000)!.utilisationCeiling).toBeCloseTo(0.9, 3);
  });
});
