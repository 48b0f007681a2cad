import { LatencySloDetector, objectiveFor } from './latency-slo';
import { logistic } from './signal';
import { seeded } from '../../test-support/random';

/** One request a second from `from` for `seconds`, latency from `latency(i)`; returns the data time alerts began (or −1). */
function run(d: LatencySloDetector, from: number, seconds: number, latency: (i: number) => number): number {
  let first = -1;
  for (let i = 0; i < seconds; i++) {
    const t = from + i * 1000;
    if (d.update(t, latency(i)).score >= 0.5 && first < 0) first = t;
  }
  return first;
}

describe('LatencySloDetector', () => {
  it('burn rate: the bad share over the error budget in both windows of a pair (known answer)', () => {
    const d = new LatencySloDetector({
      objective: { seconds: 1, target: 0.9 },
      windows: [{ longMs: 60_000, shortMs: 10_000, burnRate: 2 }],
    });
    // Every request bad from the start: both windows hold a bad share of 1 = 10× the 10 % budget, 5× the pair's 2×.
    run(d, 0, 20, () => 5);
    const e = d.verdict.evidence;
    expect(e.burnLong).toBeCloseTo(10, 12);
    expect(e.burnShort).toBeCloseTo(10, 12);
    expect(d.verdict.score).toBeCloseTo(logistic(5, 1, 6), 12);
    expect(d.describe()).toBe(
      'latency SLO (90 % within 1 s) burning its error budget 10× over 1 min and 10× over 0.1667 min (alert at 2×; 100 % of recent requests over the objective)',
    );
  });

  it('an agent normally at 5 s with a 10 s objective is quiet for a day; the same agent against 2 s pages', () => {
    const u = seeded(5);
    // Heavy-tailed latency: log-normal with a 5 s median (σ 0.35: p99 ≈ 11 s, so ≈ 1 % over 10 s — on budget).
    const normal = () => {
      const z = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
      return 5 * Math.exp(0.35 * z);
    };
    const fitting = new LatencySloDetector({ objective: { seconds: 10, target: 0.99 } });
    expect(run(fitting, 0, 86_400, normal)).toBe(-1);
    const tight = new LatencySloDetector({ objective: { seconds: 2, target: 0.99 } });
    expect(run(tight, 0, 3600, normal)).toBeGreaterThan(0);
  });

  it('pages within minutes when latency doubles past the objective, and ignores a few slow requests', () => {
    const d = new LatencySloDetector({ objective: { seconds: 10, target: 0.99 } });
    expect(run(d, 0, 7200, (i) => (i % 600 === 0 ? 30 : 4))).toBe(-1); // one 30 s request every 10 minutes: 0.17 % bad
    const start = 7200 * 1000;
    const first = run(d, start, 600, () => 20);
    expect(first).toBeGreaterThan(start);
    // 14.4× a 1 % budget is a 14.4 % bad share: the 1 h window (τ = 1 h, weighted) crosses it after ≈ 9 minutes of
    // nothing but bad requests at most; the 5 min window long before.
    expect(first - start).toBeLessThanOrEqual(600_000);
    expect(d.verdict.evidence.burnShort).toBeGreaterThan(14.4);
  });

  it('needs minBad slow requests in its short window and its short window of data before alerting', () => {
    const d = new LatencySloDetector({ objective: { seconds: 1, target: 0.99 } });
    // Three slow requests of three is a 100× burn, but not five bad requests and not 5 minutes of data.
    for (let i = 0; i < 3; i++) expect(d.update(i * 1000, 9).score).toBe(0);
    expect(d.verdict.ready).toBe(false);
  });

  it('rejects impossible objectives and windows', () => {
    expect(() => new LatencySloDetector({ objective: { seconds: 0, target: 0.99 } })).toThrow(RangeError);
    expect(() => new LatencySloDetector({ objective: { seconds: 1, target: 1 } })).toThrow(RangeError);
    expect(() => new LatencySloDetector({ objective: { seconds: 1, target: 0.99 }, windows: [] })).toThrow(RangeError);
  });

  it('objectiveFor: the pool first, then the model, then the fallback, else none', () => {
    const table = {
      pools: { research: { seconds: 10, target: 0.99 } },
      models: { 'gpt-4o': { seconds: 6, target: 0.995 } },
    };
    expect(objectiveFor(table, 'research', 'gpt-4o')?.seconds).toBe(10);
    expect(objectiveFor(table, 'chat', 'gpt-4o')?.seconds).toBe(6);
    expect(objectiveFor(table, 'chat', 'other')).toBeUndefined();
    expect(objectiveFor({ ...table, fallback: { seconds: 30, target: 0.9 } }, 'chat', 'other')?.seconds).toBe(30);
  });
});
