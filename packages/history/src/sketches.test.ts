import { DDSketch } from '@datadog/sketches-js';
import { encodeSketch, mergeSketches, sketchBins, sketchOfBins, sumBins } from './sketches';

describe('sketch bins', () => {
  it('keep a sketch exactly: the same bins, the zero bucket, the same quantiles', () => {
    const sketch = new DDSketch({ relativeAccuracy: 0.01 });
    for (let i = 1; i <= 1000; i++) sketch.accept(Math.exp((i % 97) / 10 - 4));
    sketch.accept(0, 3);
    const bins = sketchBins(encodeSketch(sketch))!;
    expect(bins[0]).toEqual({ k: null, n: 3 });
    expect(bins.reduce((sum, b) => sum + b.n, 0)).toBe(1003);
    const again = sketchOfBins(bins);
    for (const q of [0, 0.001, 0.5, 0.95, 0.99, 1])
      expect(again.getValueAtQuantile(q)).toBe(sketch.getValueAtQuantile(q));
    expect(sketchBins(encodeSketch(again))).toEqual(bins);
  });

  it('sum to the bins of the merged sketch', () => {
    const sketches = [0, 1, 2].map((s) => {
      const sketch = new DDSketch({ relativeAccuracy: 0.01 });
      for (let i = 1; i <= 300; i++) sketch.accept(((i * (s + 3)) % 211) / 7);
      return encodeSketch(sketch);
    });
    const summed = sumBins(sketches.map((encoded) => sketchBins(encoded)!));
    const byKey = (bins: Array<{ k: number | null; n: number }>) =>
      [...bins].sort((a, b) => (a.k ?? -Infinity) - (b.k ?? -Infinity));
    expect(byKey(summed)).toEqual(byKey(sketchBins(encodeSketch(mergeSketches(sketches)!))!));
    expect(
      sumBins([
        [{ k: null, n: 2 }],
        [
          { k: null, n: 1 },
          { k: 5, n: 4 },
        ],
      ]),
    ).toEqual([
      { k: null, n: 3 },
      { k: 5, n: 4 },
    ]);
  });

  it('refuses a sketch of another accuracy: its keys would not add up with the others', () => {
    const coarse = new DDSketch({ relativeAccuracy: 0.05 });
    coarse.accept(1);
    expect(sketchBins(encodeSketch(coarse))).toBeUndefined();
  });
});
