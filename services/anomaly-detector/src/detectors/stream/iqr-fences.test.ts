import { IqrFenceDetector } from './iqr-fences';
import { at } from '../../test-support/random';

describe('IqrFenceDetector', () => {
  const filled = () => {
    const d = new IqrFenceDetector({ window: 11, minSamples: 11 });
    for (let i = 0; i <= 10; i++) d.update(at(i), i * 10); // 0..100: Q1 25, Q3 75, IQR 50
    return d;
  };

  it('scores 0 inside the inner fences [Q1 − 1.5 IQR, Q3 + 1.5 IQR]', () => {
    expect(filled().update(at(11), 75 + 1.5 * 50).score).toBe(0);
    expect(filled().update(at(11), 25 - 1.5 * 50).score).toBe(0);
  });

  it('rises linearly to 1 at the outer fence (3 IQR) and reports the distance in IQRs', () => {
    const half = filled().update(at(11), 75 + 2.25 * 50);
    expect(half.score).toBeCloseTo(0.5, 12);
    expect(half.deviation).toBeCloseTo(2.25, 12);
    expect(filled().update(at(11), 75 + 3 * 50).score).toBe(1);
    const low = filled().update(at(11), 25 - 10 * 50);
    expect(low.score).toBe(1);
    expect(low.deviation).toBeCloseTo(-10, 12);
  });
});
