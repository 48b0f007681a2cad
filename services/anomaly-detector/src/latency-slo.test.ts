import { LatencySloDetector } from './latency-slo';
import { logistic } from './signal';

describe('LatencySloDetector', () => {
  it('scores the median of the recent latencies against 2 × the SLO (known answer)', () => {
    const d = new LatencySloDetector({ sloSeconds: 2 });
    for (const l of [1, 1, 5, 5]) d.update(l);
    const v = d.update(5);
    // median 5 s = 2.5 × the SLO: logistic(5 / 4, 1, 8) = 1 / (1 + e^−2) = 0.8808
    expect(v.evidence.recentMedian).toBe(5);
    expect(v.evidence.ratio).toBe(2.5);
    expect(v.evidence.overShare).toBe(0.6);
    expect(v.score).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(v.score).toBe(logistic(1.25, 1, 8));
    expect(d.describe()).toBe('latency 5 s (median of the last 5 requests) is 2.5× the 2 s SLO');
  });

  it('scores exactly 0.5 at 2 × the SLO and ignores one slow request', () => {
    const d = new LatencySloDetector({ sloSeconds: 1 });
    for (let i = 0; i < 5; i++) d.update(2);
    expect(d.verdict.score).toBe(0.5);
    const e = new LatencySloDetector({ sloSeconds: 1 });
    for (let i = 0; i < 4; i++) e.update(0.4);
    expect(e.update(30).score).toBeLessThan(0.01);
  });

  it('is ready after half of its window and rejects a non-positive SLO', () => {
    const d = new LatencySloDetector({ recent: 5 });
    expect(d.update(1).ready).toBe(false);
    expect(d.update(1).ready).toBe(false);
    expect(d.update(1).ready).toBe(true);
    expect(() => new LatencySloDetector({ sloSeconds: 0 })).toThrow(RangeError);
  });
});
