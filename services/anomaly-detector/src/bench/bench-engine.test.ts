import { runEngineBench } from './bench-engine';

describe('runEngineBench', () => {
  it('reports per-report cost and per-agent memory as finite positive figures (no timing asserted)', () => {
    const r = runEngineBench({ agents: 20, warmupRounds: 100, rounds: 10, batch: 10 });
    expect(Number.isFinite(r.medianNsPerReport) && r.medianNsPerReport > 0).toBe(true);
    expect(r.p99NsPerReport).toBeGreaterThanOrEqual(r.medianNsPerReport);
    expect(r.medianNsPerSample).toBeCloseTo(r.medianNsPerReport / 9, 9);
    expect(r.stateBytesPerAgent).toBeGreaterThan(10_000);
    expect(r.bytesPerAgent).toBeGreaterThan(0);
    expect(r.reports).toBe(20 * 110);
  });
});
