import { DDSketch } from '@datadog/sketches-js';
import { WindowAccumulator } from './window-accumulator';

/** Latencies from 5 ms to ~50 s, heavy-tailed, from a fixed seed. */
function latencies(count: number, seed: number): number[] {
  let state = seed;
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, () => 0.005 * Math.exp(9 * next() ** 2));
}

/** What a window's latency summary must be: a 1 % DDSketch fed every value (the accumulator's contract). */
function reference(values: readonly number[]) {
  const sketch = new DDSketch({ relativeAccuracy: 0.01 });
  for (const value of values) sketch.accept(value);
  return {
    p50: sketch.getValueAtQuantile(0.5),
    p95: sketch.getValueAtQuantile(0.95),
    p99: sketch.getValueAtQuantile(0.99),
    max: sketch.max,
    samples: sketch.count,
    mean: sketch.sum / sketch.count,
  };
}

function windowOf(values: readonly number[]): WindowAccumulator {
  const window = new WindowAccumulator(0);
  for (const value of values) window.addReport({ response_time_seconds: value }, {});
  return window;
}

function expectLatency(window: WindowAccumulator, values: readonly number[]): void {
  const { latency, count } = window.summarize(60_000);
  const want = reference(values);
  expect(latency).toMatchObject({ p50: want.p50, p95: want.p95, p99: want.p99, max: want.max, samples: want.samples });
  expect(latency.mean).toBeCloseTo(want.mean, 12);
  expect(count).toBe(values.length);
}

describe('WindowAccumulator latency', () => {
  it.each([1, 5, 32, 33, 200])('summarises %i latencies as a sketch of them all would', (count) => {
    const values = latencies(count, count);
    expectLatency(windowOf(values), values);
  });

  it.each([
    [3, 4],
    [3, 100],
    [100, 3],
    [100, 100],
  ])('merges a window of %i latencies into one of %i as if it had seen them all', (a, b) => {
    const first = latencies(a, 1);
    const second = latencies(b, 2);
    const merged = windowOf(second);
    merged.merge(windowOf(first));
    expectLatency(merged, [...second, ...first]);
    // Merging into an empty window (the model, pool and fleet windows) gives the same.
    const empty = new WindowAccumulator(0);
    empty.merge(windowOf(first));
    expectLatency(empty, first);
  });

  it('has no latency figures, all zero, when no report carried one', () => {
    const window = new WindowAccumulator(0);
    window.addReport({ requests: 2 }, { accuracy: 0.5 });
    expect(window.summarize(60_000).latency).toEqual({ mean: 0, p50: 0, p95: 0, p99: 0, max: 0, samples: 0 });
    expect(window.summarize(60_000).means).toEqual({ accuracy: 0.5 });
  });
});
