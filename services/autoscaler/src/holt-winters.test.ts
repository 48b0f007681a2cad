import { HoltWinters, smapeTerm } from './holt-winters';
import { LoadForecaster } from './load-forecaster';

describe('HoltWinters (additive)', () => {
  it('forecasts a constant series as that constant', () => {
    const hw = new HoltWinters({ period: 4 });
    for (let i = 0; i < 40; i++) hw.update(10);
    for (let h = 1; h <= 6; h++) expect(hw.forecast(h)).toBeCloseTo(10, 9);
  });

  it('learns a linear trend plus a season and forecasts it within 1%', () => {
    const season = [5, -3, 8, -10];
    const truth = (t: number) => 100 + 0.5 * t + season[t % 4]!;
    const hw = new HoltWinters({ period: 4, alpha: 0.3, beta: 0.1, gamma: 0.3 });
    for (let t = 0; t < 400; t++) hw.update(truth(t));
    expect(hw.isSeasonal).toBe(true);
    for (let h = 1; h <= 8; h++) expect(Math.abs(hw.forecast(h) - truth(399 + h)) / truth(399 + h)).toBeLessThan(0.01);
  });

  it('is Holt linear before one full season, and NaN before any data', () => {
    const hw = new HoltWinters({ period: 10 });
    expect(hw.forecast(1)).toBeNaN();
    for (let t = 0; t < 5; t++) hw.update(t);
    expect(hw.isSeasonal).toBe(false);
    expect(hw.forecast(1)).toBeGreaterThan(2);
  });

  it('refuses a period that is not a whole number ≥ 1', () => {
    expect(() => new HoltWinters({ period: 0 })).toThrow('period');
  });
});

describe('smapeTerm', () => {
  it('is |F − A| / ((|F| + |A|) / 2), 0 for 0 vs 0', () => {
    expect(smapeTerm(110, 90)).toBeCloseTo(0.2, 9);
    expect(smapeTerm(0, 0)).toBe(0);
    expect(smapeTerm(0, 5)).toBe(2);
  });
});

describe('LoadForecaster', () => {
  it('sees a daily ramp coming a lead time ahead once a season is learnt, and scores itself', () => {
    const forecaster = new LoadForecaster({ bucketSeconds: 60, seasonBuckets: 60, initialSmoothing: 0 });
    // A 60-minute "day": flat 100, a ramp to 300 in minutes 30-40, back to 100 at 50.
    const load = (minute: number) => {
      const m = minute % 60;
      return m < 30 ? 100 : m < 40 ? 100 + (m - 30) * 20 : m < 50 ? 300 : 100;
    };
    for (let s = 0; s < 3 * 3600; s += 10) forecaster.observe(s * 1000 + 10_000, load(Math.floor(s / 60)), 10_000);
    // At minute 28 of the 4th "day", the ramp starts within the next 5 minutes.
    for (let s = 3 * 3600; s < 3 * 3600 + 28 * 60; s += 10)
      forecaster.observe(s * 1000 + 10_000, load(Math.floor(s / 60)), 10_000);
    const ahead = forecaster.forecast(300)!;
    expect(ahead.seasonal).toBe(true);
    expect(ahead.peak).toBeGreaterThan(140);
    expect(forecaster.forecast(0)!.peak).toBeLessThan(ahead.peak);
    expect(forecaster.error()).toBeGreaterThanOrEqual(0);
    expect(forecaster.error()).toBeLessThan(0.2);
  });

  it('has no forecast before any data', () => {
    expect(new LoadForecaster().forecast(60)).toBeUndefined();
    expect(new LoadForecaster().error()).toBeUndefined();
  });
});
