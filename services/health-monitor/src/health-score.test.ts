import { assessHealth, type HealthSignals } from './health-score';

const policy = { latencySloSeconds: 2, timeoutMs: 30_000 };
const fine: HealthSignals = { errorRate: 0, latencySeconds: 1, resourcePercent: 40, quality: 0.9, silenceMs: 1000 };

describe('assessHealth', () => {
  it('scores a quiet, fast, accurate agent 1 and healthy, with no reasons', () => {
    expect(assessHealth(fine, policy)).toEqual({ score: 1, status: 'healthy', reasons: [] });
  });

  it('treats never-reported signals (NaN) as no penalty', () => {
    const result = assessHealth(
      { errorRate: 0, latencySeconds: NaN, resourcePercent: NaN, quality: NaN, silenceMs: 0 },
      policy,
    );
    expect(result.score).toBe(1);
  });

  it('multiplies penalties: 10 % errors → 1 − 0.6 × 0.4 = 0.76, degraded', () => {
    const result = assessHealth({ ...fine, errorRate: 0.1 }, policy);
    expect(result.score).toBeCloseTo(0.76, 10);
    expect(result.status).toBe('degraded');
    expect(result.reasons).toEqual(['error rate 10.0 %']);
  });

  it('makes an agent at 2 × its latency SLO with 25 % errors unhealthy: (1 − 0.5)(1 − 0.6) = 0.2', () => {
    const result = assessHealth({ ...fine, latencySeconds: 4, errorRate: 0.25 }, policy);
    expect(result.score).toBeCloseTo(0.2, 10);
    expect(result.status).toBe('unhealthy');
    expect(result.reasons[0]).toBe('error rate 25.0 %');
    expect(result.reasons[1]).toContain('latency 4.000 s');
  });

  it('penalises resources above 70 % and quality below 0.8 linearly', () => {
    expect(assessHealth({ ...fine, resourcePercent: 85 }, policy).score).toBeCloseTo(1 - 0.3 * 0.5, 10);
    expect(assessHealth({ ...fine, quality: 0.55 }, policy).score).toBeCloseTo(1 - 0.4 * 0.5, 10);
  });

  it('lowers the score with silence past half the timeout, and is unresponsive at the timeout', () => {
    expect(assessHealth({ ...fine, silenceMs: 15_000 }, policy).score).toBe(1);
    const late = assessHealth({ ...fine, silenceMs: 22_500 }, policy);
    expect(late.score).toBeCloseTo(0.75, 10);
    expect(late.status).toBe('degraded');
    const gone = assessHealth({ ...fine, silenceMs: 30_000 }, policy);
    expect(gone.status).toBe('unresponsive');
    expect(gone.reasons).toEqual(['silent for 30 s']);
  });

  it('stays in [0, 1] when every signal is at its worst', () => {
    const result = assessHealth(
      { errorRate: 1, latencySeconds: 100, resourcePercent: 400, quality: 0, silenceMs: 29_999 },
      policy,
    );
    expect(result.score).toBeGreaterThanOrEqual(0);
    expect(result.score).toBeCloseTo(0.4 * 0.5 * 0.7 * 0.6 * (1 - 0.5 * (14_999 / 15_000)), 6);
    expect(result.status).toBe('unhealthy');
  });
});
