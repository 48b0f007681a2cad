import { rollUp, rollUpByPeriod, HOUR_MS } from './rollup';
import { window } from './test-support/fixtures';

describe('rollUp', () => {
  it('adds counts and money, recomputes the error rate and weighs latency by samples and means by requests', () => {
    const a = { ...window(0, 10), errors: 1, latency: { mean: 1, p50: 1, p95: 2, p99: 3, max: 4, samples: 10 }, means: { queue_depth: 2 } };
    const b = { ...window(60_000, 30), errors: 6, latency: { mean: 2, p50: 3, p95: 4, p99: 5, max: 9, samples: 30 }, means: { queue_depth: 6, cpu: 50 } };
    expect(rollUp([a, b], 0, HOUR_MS)).toEqual({
      start: 0,
      durationMs: HOUR_MS,
      count: 40,
      errors: 7,
      errorRate: 7 / 40,
      latency: { mean: 1.75, p50: 2.5, p95: 3.5, p99: 4.5, max: 9, samples: 40 },
      inputTokens: 200,
      outputTokens: 100,
      costUsd: 0.02,
      means: { queue_depth: 5, cpu: 50 },
    });
  });

  it('gives zeros, not NaN, for an hour without requests or latency samples', () => {
    const idle = { ...window(0, 0), errors: 0, errorRate: 0, latency: { mean: 0, p50: 0, p95: 0, p99: 0, max: 0, samples: 0 }, means: { queue_depth: 4 } };
    const rolled = rollUp([idle, { ...idle, start: 60_000, means: { queue_depth: 2 } }], 0, HOUR_MS);
    expect(rolled.errorRate).toBe(0);
    expect(rolled.latency).toEqual({ mean: 0, p50: 0, p95: 0, p99: 0, max: 0, samples: 0 });
    expect(rolled.means).toEqual({ queue_depth: 3 });
  });

  it('groups windows by the hour they start in', () => {
    const rolled = rollUpByPeriod([window(HOUR_MS + 60_000), window(0), window(59 * 60_000)], HOUR_MS);
    expect(rolled.map((w) => [w.start, w.count])).toEqual([[0, 20], [HOUR_MS, 10]]);
  });
});
