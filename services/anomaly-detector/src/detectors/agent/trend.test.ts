import { TrendDetector, mannKendall, theilSenSlope } from './trend';
import { gaussian } from '../../test-support/random';

const SECOND = 1000;

describe('mannKendall', () => {
  it('matches hand-computed S, Var(S) and Z', () => {
    // 1..5: every pair rises, S = 10; Var = 5·4·15/18 = 16.667; Z = (10 − 1)/√16.667 = 2.2045.
    const up = mannKendall([1, 2, 3, 4, 5]);
    expect(up.s).toBe(10);
    expect(up.variance).toBeCloseTo(16.6667, 4);
    expect(up.z).toBeCloseTo(2.2045, 4);
    expect(mannKendall([5, 4, 3, 2, 1]).z).toBeCloseTo(-2.2045, 4);
    // Ties: 1, 2, 2, 3 → S = 5; Var = (4·3·13 − 2·1·9)/18 = 7.6667; Z = 4/√7.6667 = 1.4446.
    const tied = mannKendall([1, 2, 2, 3]);
    expect(tied.s).toBe(5);
    expect(tied.variance).toBeCloseTo(7.6667, 4);
    expect(tied.z).toBeCloseTo(1.4446, 4);
    expect(mannKendall([3, 3, 3]).z).toBe(0);
  });
});

describe('theilSenSlope', () => {
  it('is the median pairwise slope, robust to an outlier', () => {
    // Slopes of (0..4, [1, 3, 5, 7, 100]): six pairs of slope 2 among ten → median 2 (least squares would say 20.6).
    expect(theilSenSlope([0, 1, 2, 3, 4], [1, 3, 5, 7, 100])).toBe(2);
    expect(theilSenSlope([0, 1, 2, 3], [2, 4, 6, 100])).toBeCloseTo((2 + 98 / 3) / 2, 12);
    expect(Number.isNaN(theilSenSlope([1, 1], [2, 3]))).toBe(true);
  });
});

describe('TrendDetector', () => {
  it('stays quiet on stable noisy quality, then flags a falling trend with its slope', () => {
    const g = gaussian(1);
    const d = new TrendDetector({ minChange: 0.05, label: 'accuracy' });
    let t = 0;
    let worst = 0;
    for (let i = 0; i < 5000; i++) worst = Math.max(worst, d.update((t += SECOND), 0.9 + 0.04 * g()).score);
    expect(worst).toBeLessThan(0.5);
    // Falls by 0.35 over 400 reports (the simulator's quality_degradation).
    const level = (i: number) => 0.9 - (0.35 * i) / 400;
    let detectedAt = -1;
    for (let i = 0; i < 400 && detectedAt < 0; i++)
      if (d.update((t += SECOND), level(i) + 0.04 * g()).score >= 0.5) detectedAt = i;
    expect(detectedAt).toBeGreaterThan(0);
    expect(detectedAt).toBeLessThan(200);
    for (let i = detectedAt + 1; i < 400; i++) d.update((t += SECOND), level(i) + 0.04 * g());
    const e = d.verdict.evidence;
    expect(d.verdict.score).toBeGreaterThan(0.99);
    expect(d.type).toBe('quality_degradation');
    expect(e.z).toBeLessThan(-3.09);
    expect(e.change).toBeLessThan(-0.05);
    expect(e.from).toBeGreaterThan(e.to!);
    // Once the window lies inside the decline, Theil–Sen finds its slope: 0.35 over 400 s = −3.15 an hour.
    expect(e.slopePerHour).toBeGreaterThan(-3.6);
    expect(e.slopePerHour).toBeLessThan(-2.7);
    expect(d.describe()).toMatch(/^accuracy is falling: from 0\.\d+ to 0\.\d+ over the last 32 buckets/);
  });

  it('needs the change to be large enough, not only significant', () => {
    const g = gaussian(2);
    const d = new TrendDetector({ minChange: 0.05 });
    let worst = 0;
    // A real but tiny decline: 0.01 over 3000 samples with very little noise.
    for (let i = 0; i < 3000; i++)
      worst = Math.max(worst, d.update(i * SECOND, 0.9 - (0.01 * i) / 3000 + 0.0005 * g()).score);
    expect(worst).toBe(0);
    expect(d.verdict.ready).toBe(true);
  });

  it('flags a rising trend as a memory leak in the up direction, and ignores falls', () => {
    const up = new TrendDetector({ direction: 'up', minRelativeChange: 0.05 });
    expect(up.type).toBe('memory_leak');
    for (let i = 0; i < 200; i++) up.update(i * SECOND, 4e8);
    expect(up.verdict.score).toBe(0);
    let flagged = false;
    for (let i = 0; i < 400 && !flagged; i++) flagged = up.update((200 + i) * SECOND, 4e8 + 1e6 * i).score >= 0.5;
    expect(flagged).toBe(true);
    const down = new TrendDetector({ direction: 'up' });
    for (let i = 0; i < 600; i++) expect(down.update(i * SECOND, 1000 - i).score).toBe(0);
  });

  it('keeps bounded state', () => {
    const d = new TrendDetector();
    const bytes = d.stateBytes();
    for (let i = 0; i < 10_000; i++) d.update(i, i % 7);
    expect(d.stateBytes()).toBe(bytes);
    expect(bytes).toBeLessThan(1200);
  });
});
