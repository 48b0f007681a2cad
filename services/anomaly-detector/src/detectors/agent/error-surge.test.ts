import { ErrorSurgeDetector } from './error-surge';
import { seeded } from '../../test-support/random';
import { logistic } from './signal';

describe('ErrorSurgeDetector', () => {
  it('never calls one failed request a surge', () => {
    const d = new ErrorSurgeDetector();
    expect(d.update(1, 1).score).toBe(0);
    expect(d.verdict.evidence.errorRate).toBe(1);
    expect(d.update(1, 1).score).toBe(0); // 2 errors < minErrors
  });

  it('computes the Poisson tail against the prior-smoothed baseline (known answer)', () => {
    // No decay, a prior of 1 % worth 1,000 requests: baseline 0.01. 5 errors in 20 requests: λ = 0.2,
    // p = P(X ≥ 5; 0.2) = 1 − e^−0.2 (1 + 0.2 + 0.02 + 0.00133 + 0.0000667) = 2.258e-6.
    const d = new ErrorSurgeDetector({
      recentHalfLife: 1e12,
      baselineHalfLife: 1e12,
      priorRate: 0.01,
      priorRequests: 1000,
    });
    const v = d.update(20, 5);
    const p = 1 - Math.exp(-0.2) * (1 + 0.2 + 0.02 + 0.2 ** 3 / 6 + 0.2 ** 4 / 24);
    expect(v.evidence.baselineRate).toBeCloseTo(0.01, 12);
    expect(v.evidence.ratio).toBeCloseTo(25, 6);
    expect(v.evidence.pValue).toBeCloseTo(p, 9);
    expect(v.evidence.pValue).toBeCloseTo(2.258e-6, 9);
    expect(v.score).toBeCloseTo(logistic(-Math.log10(p), 4, 1.5), 9);
    expect(v.score).toBeGreaterThan(0.5);
  });

  it('needs ≥ 3× the baseline: a significant but small rise is not a surge', () => {
    const d = new ErrorSurgeDetector({
      recentHalfLife: 1e12,
      baselineHalfLife: 1e12,
      priorRate: 0.1,
      priorRequests: 10_000,
    });
    expect(d.update(1000, 250).score).toBe(0); // 25 % against 10 %: very significant, only 2.5×
  });

  it('stays quiet at a steady 1.5 % error rate and flags a 40 % surge within 25 requests', () => {
    const random = seeded(7);
    const d = new ErrorSurgeDetector();
    let alarms = 0;
    for (let i = 0; i < 50_000; i++) if (d.update(1, random() < 0.015 ? 1 : 0).score >= 0.5) alarms++;
    expect(alarms).toBeLessThan(25); // < 0.05 % of requests
    let detectedAt = -1;
    for (let i = 0; i < 100 && detectedAt < 0; i++)
      if (d.update(1, random() < 0.4 ? 1 : 0).score >= 0.5) detectedAt = i;
    expect(detectedAt).toBeGreaterThanOrEqual(4);
    expect(detectedAt).toBeLessThan(25);
    expect(d.describe()).toMatch(
      /^error rate \d+(\.\d+)?% over the last ≈ \d+ requests against a baseline of 1(\.\d+)?%/,
    );
  });

  it('ignores reports without requests', () => {
    const d = new ErrorSurgeDetector();
    d.update(0, 0);
    expect(d.verdict.ready).toBe(false);
    expect(d.stateBytes()).toBeGreaterThan(0);
  });
});
