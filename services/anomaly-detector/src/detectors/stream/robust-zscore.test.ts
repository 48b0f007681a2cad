import { MAD_TO_SIGMA, RobustZScoreDetector } from './robust-zscore';
import { at, gaussian } from '../../test-support/random';

describe('RobustZScoreDetector', () => {
  it('is not ready (and scores 0) until it has minSamples values', () => {
    const d = new RobustZScoreDetector({ minSamples: 5 });
    for (let i = 0; i < 5; i++) expect(d.update(at(i), 100).ready).toBe(false);
    expect(d.update(at(5), 100).ready).toBe(true);
  });

  it('measures deviation in robust σ: (x − median) / (1.4826 · MAD)', () => {
    const d = new RobustZScoreDetector({ window: 8, minSamples: 5 });
    for (const [i, x] of [1, 1, 2, 2, 4, 6, 9].entries()) d.update(at(i), x); // median 2, MAD 1
    const r = d.update(at(7), 2 + 3 * MAD_TO_SIGMA);
    expect(r.expected).toBe(2);
    expect(r.deviation).toBeCloseTo(3, 10);
  });

  it('scores a single 10σ spike ≈ 1 and leaves the points around it where they were (≈ 0)', () => {
    const run = (spike: boolean) => {
      const noise = gaussian(3);
      const d = new RobustZScoreDetector();
      return Array.from({ length: 300 }, (_, i) => {
        const x = 50 + noise();
        return d.update(at(i), spike && i === 200 ? 60 : x).score;
      });
    };
    const withSpike = run(true);
    const without = run(false);
    expect(withSpike[200]).toBeGreaterThan(0.99);
    const around = [190, 195, 199, 201, 202, 205, 210];
    for (const i of around) expect(Math.abs(withSpike[i]! - without[i]!)).toBeLessThan(0.05);
    expect(around.reduce((sum, i) => sum + withSpike[i]!, 0) / around.length).toBeLessThan(0.1);
  });

  it('scores ordinary Gaussian noise low', () => {
    const noise = gaussian(11);
    const d = new RobustZScoreDetector();
    let high = 0;
    for (let i = 0; i < 5000; i++) if (d.update(at(i), noise()).score > 0.5) high++;
    expect(high).toBeLessThan(10); // |z| > 4 is rare for normal data
  });

  it('treats any departure of a flat line as far out, and a flat line itself as normal', () => {
    const d = new RobustZScoreDetector();
    for (let i = 0; i < 100; i++) expect(d.update(at(i), 7).score).toBeLessThan(0.01);
    expect(d.update(at(100), 8).score).toBeGreaterThan(0.99);
  });
});
