import { DDSketch } from '@datadog/sketches-js';
import { LatencyBins, MAX_BINS } from './latency-bins';

/** Values from a fixed seed: heavy-tailed latencies from 1 ms to ~100 s, with zeros and (not latencies) negatives. */
function values(count: number, seed: number, { zeros = false, negatives = false } = {}): number[] {
  let state = seed;
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, () => {
    const u = next();
    if (zeros && u < 0.05) return 0;
    if (negatives && u > 0.97) return -0.01 * Math.exp(4 * next());
    return 0.001 * Math.exp(11.5 * next() ** 2);
  });
}

const reference = (list: readonly number[]) => {
  const sketch = new DDSketch({ relativeAccuracy: 0.01 });
  for (const value of list) sketch.accept(value);
  return sketch;
};

const binsOf = (list: readonly number[]) => {
  const bins = new LatencyBins();
  for (const value of list) bins.add(value);
  return bins;
};

/** Every figure a summary reads, and the quantiles on a fine grid: the same as the DDSketch fed every value. */
function expectSameAs(bins: LatencyBins, list: readonly number[]): void {
  const want = reference(list);
  const got = bins.toSketch();
  expect({ count: got.count, min: got.min, max: got.max, zeroCount: got.zeroCount }).toEqual({
    count: want.count,
    min: want.min,
    max: want.max,
    zeroCount: want.zeroCount,
  });
  expect(got.sum).toBeCloseTo(want.sum, 9);
  for (let q = 0; q <= 100; q++) expect(got.getValueAtQuantile(q / 100)).toBe(want.getValueAtQuantile(q / 100));
  // The encoded sketch (what aggregate windows publish) decodes to what the DDSketch's own encoding decodes to.
  const decoded = DDSketch.fromProto(got.toProto());
  const wanted = DDSketch.fromProto(want.toProto());
  for (let q = 0; q <= 100; q++) expect(decoded.getValueAtQuantile(q / 100)).toBe(wanted.getValueAtQuantile(q / 100));
}

describe('LatencyBins', () => {
  it.each([1, 2, 17, 100, 5000])('gives the DDSketch of %i values, bin for bin', (count) => {
    const list = values(count, count);
    expectSameAs(binsOf(list), list);
  });

  it('keeps zeros and negative values as a DDSketch does', () => {
    const list = values(800, 9, { zeros: true, negatives: true });
    expect(list.some((v) => v === 0) && list.some((v) => v < 0)).toBe(true);
    expectSameAs(binsOf(list), list);
  });

  it('grows down and up from its first key (values descending, then ascending)', () => {
    const list = [...values(300, 3)].sort((a, b) => b - a);
    expectSameAs(binsOf(list), list);
    const ascending = [...list].reverse();
    expectSameAs(binsOf(ascending), ascending);
  });

  it('merges as if it had seen both lists, either way round and into an empty one', () => {
    const a = values(400, 4, { zeros: true });
    const b = values(30, 5, { negatives: true });
    const ab = binsOf(a);
    ab.merge(binsOf(b));
    expectSameAs(ab, [...a, ...b]);
    const ba = binsOf(b);
    ba.merge(binsOf(a));
    expectSameAs(ba, [...b, ...a]);
    const empty = new LatencyBins();
    empty.merge(binsOf(a));
    expectSameAs(empty, a);
  });

  it('uses 4 bytes a bin over the keys seen: latencies within a factor of 4 take at most 96 bins', () => {
    // γ = 1.0202: ln(4) / ln(γ) ≈ 69.3 keys, rounded up to whole chunks of 16.
    const bins = binsOf(values(2000, 6).map((v) => 0.5 + (v % 1.5)));
    expect(bins.binCapacity).toBeLessThanOrEqual(96);
  });

  it('tells how many bins a range of values spans (known answers: γ = 1.0202, ln 4 / ln γ = 69.3)', () => {
    expect(LatencyBins.binsSpanned(1, 4)).toBe(71); // keys 0 … 70
    expect(LatencyBins.binsSpanned(0.5, 0.5)).toBe(1);
    expect(LatencyBins.binsSpanned(0, 0)).toBe(1); // only zeros: no bins
    expect(LatencyBins.binsSpanned(1e-300, 1e300)).toBe(MAX_BINS);
  });

  it('stays within MAX_BINS whatever a client sends, folding the lowest values into its lowest bin', () => {
    // Keys from ≈ -34,500 (1e-300) to ≈ 230 (100 s): the outliers below the top 2048 bins fold into the lowest kept.
    const list = [1e-300, 1e-200, 1e-100, ...values(1000, 8)];
    const bins = binsOf(list);
    expect(bins.binCapacity).toBe(MAX_BINS);
    const got = bins.toSketch();
    const want = reference(list);
    expect({ count: got.count, min: got.min, max: got.max }).toEqual({ count: want.count, min: 1e-300, max: want.max });
    // The high quantiles are a DDSketch's; only the folded lowest values read as the lowest bin kept.
    for (const q of [0.01, 0.5, 0.9, 0.99, 1]) expect(got.getValueAtQuantile(q)).toBe(want.getValueAtQuantile(q));
    expect(got.getValueAtQuantile(0)).toBeGreaterThan(1e-20); // γ^-2048 below the top key (≈ 1e-16), not 1e-300
    expect(want.getValueAtQuantile(0)).toBeLessThan(1e-299);
    // And one far above: the bins follow it (the rest folds into its lowest bin), never past the bound.
    bins.add(1e300);
    expect(bins.binCapacity).toBe(MAX_BINS);
    expect(bins.toSketch().getValueAtQuantile(1)).toBeCloseTo(1e300, -298);
  });
});
