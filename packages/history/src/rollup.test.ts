import { DDSketch } from '@datadog/sketches-js';
import { rollUp, HOUR_MS } from './rollup';
import { decodeSketch, encodeSketch } from './sketches';
import { window } from './test-support/fixtures';

describe('rollUp', () => {
  it('adds counts and money, recomputes the error rate and weighs latency by samples and means by requests', () => {
    const a = {
      ...window(0, 10),
      errors: 1,
      latency: { mean: 1, p50: 1, p95: 2, p99: 3, max: 4, samples: 10 },
      means: { queue_depth: 2 },
    };
    const b = {
      ...window(60_000, 30),
      errors: 6,
      latency: { mean: 2, p50: 3, p95: 4, p99: 5, max: 9, samples: 30 },
      means: { queue_depth: 6, cpu: 50 },
    };
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
    const idle = {
      ...window(0, 0),
      errors: 0,
      errorRate: 0,
      latency: { mean: 0, p50: 0, p95: 0, p99: 0, max: 0, samples: 0 },
      means: { queue_depth: 4 },
    };
    const rolled = rollUp([idle, { ...idle, start: 60_000, means: { queue_depth: 2 } }], 0, HOUR_MS);
    expect(rolled.errorRate).toBe(0);
    expect(rolled.latency).toEqual({ mean: 0, p50: 0, p95: 0, p99: 0, max: 0, samples: 0 });
    expect(rolled.means).toEqual({ queue_depth: 3 });
  });
});

describe('rollUp of windows with latency sketches', () => {
  const sketched = (start: number, values: number[]) => {
    const sketch = new DDSketch({ relativeAccuracy: 0.01 });
    for (const v of values) sketch.accept(v);
    const q = (p: number) => sketch.getValueAtQuantile(p);
    return {
      ...window(start, values.length),
      latency: {
        mean: sketch.sum / values.length,
        p50: q(0.5),
        p95: q(0.95),
        p99: q(0.99),
        max: sketch.max,
        samples: values.length,
      },
      latencySketch: encodeSketch(sketch),
    };
  };
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

  it("takes percentiles from the merged sketches: the hour's p99, not the mean of the minutes' p99s", () => {
    // Minute one: 1..100 s, minute two: 101..200 s. Over both, p99 is the 199th of 200 values ≈ 198 (mean of p99s: ≈ 149).
    const rolled = rollUp([sketched(0, range(1, 100)), sketched(60_000, range(101, 100))], 0, HOUR_MS);
    expect(Math.abs(rolled.latency.p99 - 198) / 198).toBeLessThan(0.02);
    expect(Math.abs(rolled.latency.p50 - 100) / 100).toBeLessThan(0.02);
    expect(rolled.latency.max).toBe(200);
    expect(decodeSketch(rolled.latencySketch!).count).toBe(200);
  });

  it("falls back to the weighted mean when a window with latencies has no sketch (an agent's, or one written before sketches)", () => {
    const bare = { ...window(60_000, 10), latency: { mean: 5, p50: 5, p95: 5, p99: 5, max: 5, samples: 10 } };
    const rolled = rollUp([sketched(0, Array(10).fill(1)), bare], 0, HOUR_MS);
    expect(rolled.latencySketch).toBeUndefined();
    expect(rolled.latency.p99).toBeCloseTo((5 * 10 + sketched(0, Array(10).fill(1)).latency.p99 * 10) / 20);
  });
});
