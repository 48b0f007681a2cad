import { BURSTY_FAULT_TYPES, burstyBlock, burstyBlockCount, planBurstyFleet } from './bursty-fleet';

describe('bursty fleet (a third shape)', () => {
  const plan = planBurstyFleet({ seed: 3, agents: 60, hours: 2 });

  it('is pure: a block replays alone and the same seed gives the same fleet, faults and reports', () => {
    const again = planBurstyFleet({ seed: 3, agents: 60, hours: 2 });
    expect(again.faults).toEqual(plan.faults);
    expect(burstyBlock(again, 17)).toEqual(burstyBlock(plan, 17));
    expect(burstyBlockCount(plan)).toBe(120);
    // The fault-free plan is the same fleet.
    const clean = planBurstyFleet({ seed: 3, agents: 60, hours: 2, faults: false });
    expect(clean.faults).toEqual([]);
    expect(clean.agents.map((a) => [a.id, a.rate, a.events])).toEqual(plan.agents.map((a) => [a.id, a.rate, a.events]));
  });

  it('plants every fault type, each inside the run, and natural latency excursions of which some outlast two minutes', () => {
    expect(new Set(plan.faults.map((f) => f.type))).toEqual(new Set(BURSTY_FAULT_TYPES));
    for (const f of plan.faults) {
      expect(f.start).toBeGreaterThanOrEqual(plan.startEpochMs);
      expect(f.end).toBeLessThanOrEqual(plan.endEpochMs);
    }
    const excursions = planBurstyFleet({ seed: 3, agents: 400, hours: 6 }).agents.flatMap((a) =>
      a.events.filter((e) => e.kind === 'latency'),
    );
    const long = excursions.filter((e) => e.end - e.start > 120_000).length / excursions.length;
    // Exponential lengths of mean 50 s: e^(−120/50) ≈ 9 % outlast 2 minutes.
    expect(long).toBeGreaterThan(0.05);
    expect(long).toBeLessThan(0.14);
  });

  it('sends cron agents in batches (gaps of minutes between seconds-apart requests) and request-only agents without heartbeats', () => {
    const reports = Array.from({ length: burstyBlockCount(plan) }, (_, b) => burstyBlock(plan, b).reports).flat();
    const batch = plan.agents.find((a) => a.pool.name === 'batch-enricher' && !a.fault)!;
    const times = reports.filter((r) => r.agentId === batch.id).map((r) => r.timestamp);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.max(...gaps)).toBeGreaterThan(3 * 60_000);
    expect(gaps.filter((g) => g < 10_000).length).toBeGreaterThan(gaps.length / 2);
    const drafter = plan.agents.find((a) => a.pool.name === 'legal-drafter')!;
    expect(reports.filter((r) => r.agentId === drafter.id).every((r) => r.metrics.requests === 1)).toBe(true);
  });

  it('shows a planted silent fault as no reports at all in its window', () => {
    const crash = plan.faults.find((f) => f.type === 'silent')!;
    const reports = Array.from({ length: burstyBlockCount(plan) }, (_, b) => burstyBlock(plan, b).reports).flat();
    expect(
      reports.filter((r) => r.agentId === crash.agentId && r.timestamp >= crash.start && r.timestamp < crash.end),
    ).toEqual([]);
  });
});
