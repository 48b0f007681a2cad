import { addSample, createDecayedStats, means, PRIOR_REQUESTS } from './decayed-stats';

const sample = (over: Partial<Parameters<typeof addSample>[2]> = {}) => ({
  requests: 1,
  errors: 0,
  latencySeconds: NaN,
  resourcePercent: NaN,
  quality: NaN,
  ...over,
});

describe('decayed stats', () => {
  it('is NaN for signals never reported and 0 errors without requests', () => {
    expect(means(createDecayedStats())).toEqual({ errorRate: 0, latencySeconds: NaN, resourcePercent: NaN, quality: NaN });
  });

  it('averages reports at the same instant plainly', () => {
    const stats = createDecayedStats();
    addSample(stats, 1000, sample({ latencySeconds: 1, errors: 1 }), 60_000);
    addSample(stats, 1000, sample({ latencySeconds: 3 }), 60_000);
    expect(means(stats).latencySeconds).toBeCloseTo(2, 12);
    expect(means(stats).errorRate).toBeCloseTo(1 / (2 + PRIOR_REQUESTS), 12);
  });

  it('smooths the error rate of a new agent toward 0 and lets it converge with traffic', () => {
    const stats = createDecayedStats();
    addSample(stats, 0, sample({ errors: 1 }), 60_000);
    expect(means(stats).errorRate).toBeCloseTo(1 / 11, 12);
    for (let i = 0; i < 990; i++) addSample(stats, 0, sample({ errors: i % 5 === 0 ? 1 : 0 }), 60_000);
    expect(means(stats).errorRate).toBeCloseTo(199 / 1001, 12);
  });

  it('weighs an older report by e^(−Δt/τ)', () => {
    const stats = createDecayedStats();
    const tau = 60_000;
    addSample(stats, 0, sample({ latencySeconds: 10 }), tau);
    addSample(stats, tau, sample({ latencySeconds: 1 }), tau); // the first now weighs e^-1
    const w = Math.exp(-1);
    expect(means(stats).latencySeconds).toBeCloseTo((10 * w + 1) / (w + 1), 12);
  });

  it('gives a late (out-of-order) report the weight it would have had by now', () => {
    const inOrder = createDecayedStats();
    addSample(inOrder, 0, sample({ quality: 0.2 }), 1000);
    addSample(inOrder, 500, sample({ quality: 1 }), 1000);
    const reversed = createDecayedStats();
    addSample(reversed, 500, sample({ quality: 1 }), 1000);
    addSample(reversed, 0, sample({ quality: 0.2 }), 1000);
    expect(means(reversed).quality).toBeCloseTo(means(inOrder).quality, 12);
  });
});
