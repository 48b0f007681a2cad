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
  it.each([1, 5, 32, 33, 65, 200, 300])('summarises %i latencies as a sketch of them all would', (count) => {
    const values = latencies(count, count);
    expectLatency(windowOf(values), values);
    // Within 10 % of each other: binned from the 33rd value on (wide ones stay raw longer); the same figures.
    const narrow = values.map((value) => 0.2 + (value % 0.02));
    expectLatency(windowOf(narrow), narrow);
  });

  it.each([
    [3, 4],
    [3, 100],
    [100, 3],
    [100, 100],
    [300, 40],
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

describe('WindowAccumulator means', () => {
  it.each([3, 40])('averages %i custom metrics and quality scores, and merges them, known answers', (names) => {
    // Name k gets the values k and k + 2 in window a and k + 4 in window b: mean k + 1 in a, k + 2 merged.
    const a = new WindowAccumulator(0);
    const b = new WindowAccumulator(0);
    const report = (offset: number) => {
      const metrics: Record<string, number> = {};
      const quality: Record<string, number> = {};
      for (let k = 0; k < names; k++) (k % 2 === 0 ? metrics : quality)[`name_${k}`] = k + offset;
      return { metrics, quality };
    };
    for (const offset of [0, 2]) {
      const { metrics, quality } = report(offset);
      a.addReport(metrics, quality);
    }
    const { metrics, quality } = report(4);
    b.addReport(metrics, quality);
    const means = a.summarize(60_000).means;
    expect(Object.keys(means)).toHaveLength(names);
    for (let k = 0; k < names; k++) expect(means[`name_${k}`]).toBe(k + 1);
    const merged = new WindowAccumulator(0);
    merged.merge(a);
    merged.merge(b);
    for (let k = 0; k < names; k++) expect(merged.summarize(60_000).means[`name_${k}`]).toBe(k + 2);
  });
});
