import { AdaptiveThreshold } from './adaptive-threshold';
import { seeded } from '../../test-support/random';

describe('AdaptiveThreshold', () => {
  it('keeps its floor for a quiet stream', () => {
    const t = new AdaptiveThreshold({ floor: 0.5 });
    for (let i = 0; i < 1000; i++) expect(t.update(0.1)).toBe(false);
    expect(t.value).toBe(0.5);
  });

  it('rises on a stream whose scores are often high, toward the target share of alerts', () => {
    const random = seeded(5);
    const t = new AdaptiveThreshold({ targetRate: 0.01, floor: 0.3, ceiling: 1, step: 0.01 });
    let alerts = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) if (t.update(random())) alerts++; // uniform scores: the 99th percentile is 0.99
    expect(t.value).toBeGreaterThan(0.97);
    expect(alerts / n).toBeGreaterThan(0.005);
    expect(alerts / n).toBeLessThan(0.02);
  });

  it('never rises above its ceiling: confirmed anomalies always alert', () => {
    const t = new AdaptiveThreshold({ ceiling: 0.98 });
    for (let i = 0; i < 10_000; i++) t.update(1);
    expect(t.value).toBe(0.98);
    expect(t.update(0.99)).toBe(true);
  });
});
