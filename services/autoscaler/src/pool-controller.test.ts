import { defaultPolicy, type Policy } from './policy';
import { PoolController, type PoolObservation } from './pool-controller';

const tick = (at: number, o: Partial<PoolObservation>): PoolObservation => ({
  at,
  durationMs: 15_000,
  loadRps: 100,
  latencyMeanSeconds: 1,
  latencyP95Seconds: 2,
  latencySamples: 1500,
  cpuPercent: 50,
  memoryBytes: 200e6,
  agentsReporting: 10,
  ...o,
});

describe('PoolController', () => {
  it('cold start: decides like the HPA and explains inputs, strategy and reason', () => {
    const controller = new PoolController({ ...defaultPolicy('support'), strategies: ['reactive'] });
    const decision = controller.decide(tick(15_000, { cpuPercent: 140 }), 10);
    expect(decision).toMatchObject({ pool: 'support', current: 10, desired: 20, direction: 'up', strategy: 'reactive' });
    expect(decision.inputs).toMatchObject({ cpuPercent: 140, loadRps: 100, agentsReporting: 10 });
    expect(decision.crossed).toEqual(['cpu>70']);
    expect(decision.reason).toMatch(/^up 10 → 20 by reactive: reactive \(HPA\): cpu 140% \/ 70%/);
  });

  it('holds a reactive scale-down until CPU is under the scale-down threshold (hysteresis)', () => {
    const controller = new PoolController({ ...defaultPolicy('p'), strategies: ['reactive'], behavior: { ...defaultPolicy('p').behavior, scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] } } });
    expect(controller.decide(tick(15_000, { cpuPercent: 40 }), 10)).toMatchObject({ desired: 10, direction: 'hold' });
    expect(controller.decide(tick(30_000, { cpuPercent: 20 }), 10)).toMatchObject({ desired: 3, direction: 'down' });
  });

  it('a scheduled rule raises the floor and says which rule', () => {
    const policy: Policy = { ...defaultPolicy('p'), schedules: [{ cron: '* * * * *', minReplicas: 30, timezone: 'UTC', name: 'always' }] };
    const decision = new PoolController(policy).decide(tick(15_000, {}), 10);
    expect(decision).toMatchObject({ strategy: 'scheduled', recommendations: { scheduled: 30 } });
    // The HPA scale-up rate (max(+100%, +4) per 15 s) still applies on the way up.
    expect(decision.desired).toBe(20);
    expect(decision.reason).toMatch(/rule "always" keeps at least 30/);
  });

  it('never leaves [min, max]', () => {
    const controller = new PoolController({ ...defaultPolicy('p'), maxReplicas: 12, strategies: ['reactive'] });
    expect(controller.decide(tick(15_000, { cpuPercent: 300 }), 10).desired).toBe(12);
  });

  it('no scale-down within the cooldown after a scale-up', () => {
    const policy: Policy = { ...defaultPolicy('p'), strategies: ['reactive'], cooldownSeconds: 300, behavior: { ...defaultPolicy('p').behavior, scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] } } };
    const controller = new PoolController(policy);
    controller.recordScale(0, 5, 10);
    const held = controller.decide(tick(60_000, { cpuPercent: 10 }), 10);
    expect(held.desired).toBe(10);
    expect(held.reason).toMatch(/cooldown/);
    expect(controller.decide(tick(301_000, { cpuPercent: 10 }), 10).desired).toBeLessThan(10);
  });

  it('once capacity is learnt, sizes by cost-optimised for the load, and the SLO guard lets reactive raise it', () => {
    const controller = new PoolController({ ...defaultPolicy('p'), leadTimeSeconds: 0 });
    // Teach it: p95 follows M/M/1 with 4 req/s per replica (crosses 5 s at 3.4).
    let at = 0;
    for (let i = 0; i < 300; i++) {
      const perReplica = 1 + (i % 30) * 0.1;
      at += 15_000;
      controller.decide(tick(at, { loadRps: perReplica * 10, latencyP95Seconds: perReplica >= 4 ? 120 : Math.log(20) / (4 - perReplica), cpuPercent: perReplica * 25 }), 10);
    }
    const steady = controller.decide(tick((at += 15_000), { loadRps: 60, latencyP95Seconds: 1.5, cpuPercent: 60 }), 10);
    expect(steady.capacity).toMatchObject({ trusted: true });
    expect(steady.capacity!.perReplicaRps).toBeGreaterThan(3.2);
    expect(steady.recommendations['cost-optimised']).toBeGreaterThanOrEqual(Math.ceil(60 / (3.5 * 0.9)));
    expect(steady.strategy).toBe('cost-optimised');
    const breached = controller.decide(tick((at += 15_000), { loadRps: 60, latencyP95Seconds: 9, cpuPercent: 95, agentsReporting: 10 }), 10);
    expect(breached.crossed).toContain('p95>5s');
    expect(breached.desired).toBeGreaterThanOrEqual(14);
  });
});
