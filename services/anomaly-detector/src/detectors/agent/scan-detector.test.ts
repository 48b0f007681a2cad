import { ScanDetector } from './scan-detector';

describe('ScanDetector (TRW)', () => {
  it('declares a source that fails its first contacts with many agents, once, with the evidence', () => {
    const d = new ScanDetector();
    const found = [];
    for (let i = 0; i < 40; i++) {
      for (let probe = 0; probe < 3; probe++) {
        const r = d.observe({ from: 'scanner-1', to: `agent-${i}`, timestamp: 1000 * i + probe, outcome: 'error' });
        if (r) found.push(r);
      }
    }
    expect(found).toHaveLength(1);
    const r = found[0]!;
    // log₁₀ 4 = 0.602 a failure; η₁ = log₁₀ 99 = 1.996 after 4 failures, but minTargets = 10 distinct agents.
    expect(r.targets).toBe(10);
    expect(r.failures).toBe(10);
    expect(r.failedShare).toBe(1);
    expect(r.log10LikelihoodRatio).toBeCloseTo(10 * Math.log10(4), 9);
    expect(r.detectedAt).toBe(9000);
    expect(r.firstSeen).toBe(0);
    expect(r.sample.slice(0, 2)).toEqual(['agent-0', 'agent-1']);
    expect(d.isScanner('scanner-1')).toBe(true);
    expect(d.targets('scanner-1')).toBe(40);
  });

  it('reaches η₁ after exactly four straight failures when breadth is not required', () => {
    const d = new ScanDetector({ minTargets: 1 });
    const hits = [0, 1, 2, 3].map((i) => d.observe({ from: 's', to: `a${i}`, timestamp: i, outcome: 'error' }));
    expect(hits.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(hits[3]?.targets).toBe(4);
  });

  it('leaves benign callers alone: repeated failures to the same neighbour, or mostly successful contacts', () => {
    const d = new ScanDetector();
    // An agent whose one neighbour is down: hundreds of failures, one destination.
    for (let i = 0; i < 500; i++)
      expect(d.observe({ from: 'planner-1', to: 'worker-9', timestamp: i, outcome: 'error' })).toBeUndefined();
    // A busy router: 1,000 agents, 10 % failing.
    for (let i = 0; i < 1000; i++)
      expect(
        d.observe({ from: 'router', to: `agent-${i}`, timestamp: i, outcome: i % 10 === 0 ? 'error' : 'success' }),
      ).toBeUndefined();
    expect(d.isScanner('router')).toBe(false);
  });

  it('bounds and evicts its sources', () => {
    const d = new ScanDetector({ maxSources: 2 });
    d.observe({ from: 'a', to: 'x', timestamp: 1, outcome: 'success' });
    d.observe({ from: 'b', to: 'x', timestamp: 2, outcome: 'success' });
    d.observe({ from: 'c', to: 'x', timestamp: 3, outcome: 'success' });
    expect(d.size).toBe(2);
    expect(d.targets('a')).toBe(0);
    expect(d.stateBytes()).toBeGreaterThan(0);
    expect(d.evictIdle(3)).toBe(1);
    expect(d.size).toBe(1);
  });
});
