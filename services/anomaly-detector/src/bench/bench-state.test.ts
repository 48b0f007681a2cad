import { runStateBench } from './bench-state';

describe('runStateBench', () => {
  it("counts every agent's state by part, and only the detectors of the signals it sent", () => {
    const r = runStateBench({ agents: 12, reports: 40 });
    expect(r.agents).toBe(12);
    expect(r.reports).toBe(40);
    // The parts add up to the engine's count per agent.
    const sum = r.parts.reduce((s, p) => s + p.bytes, 0);
    expect(sum).toBeCloseTo(r.stateBytesPerAgent, 6);
    const parts = r.parts.map((p) => p.part);
    expect(parts).toEqual(expect.arrayContaining(['agent', 'tail-shift:response_time_seconds', 'memory-leak']));
    // No SLO is configured: no agent holds an SLO detector.
    expect(parts).not.toContain('latency-slo');
    // 40 reports: too few to train a forest, whose trees (24 KB) are not allocated before the first training — only
    // its reservoir (256 × 7 float32 = 7 KB) is.
    const forest = r.parts.find((p) => p.part === 'isolation-forest')!.bytes;
    expect(forest).toBeGreaterThan(256 * 7 * 4);
    expect(forest).toBeLessThan(256 * 7 * 4 + 2048);
    expect(r.cpuMsPerNewAgent).toBeGreaterThan(0);
    expect(r.cpuMicrosPerReport).toBeGreaterThan(0);
    // Jest runs without --expose-gc: the heap figures are not measured, and say so.
    expect(Number.isNaN(r.bytesPerAgent)).toBe(true);
  });
});
