import { HoltWintersDetector } from './holt-winters';
import { FIVE_MINUTES, T0, at, gaussian } from '../../test-support/random';

const DAY = 288; // five-minute samples a day

describe('HoltWintersDetector', () => {
  it('learns a pure daily sine: residual scores ≈ 0 after warm-up, and the cycle is strong', () => {
    const d = new HoltWintersDetector();
    let worstAfterWarmup = 0;
    for (let i = 0; i < 6 * DAY; i++) {
      const r = d.update(at(i), 100 + 40 * Math.sin((2 * Math.PI * i) / DAY));
      if (i >= 3 * DAY && r.ready) worstAfterWarmup = Math.max(worstAfterWarmup, r.score);
    }
    expect(d.bins).toBe(288);
    expect(worstAfterWarmup).toBeLessThan(0.05);
    expect(d.strength()).toBeGreaterThan(0.8);
    // Its offset for 6 a.m. (a quarter period in) is the sine's peak.
    expect(Math.abs(d.seasonalAt(T0 + 6 * 3_600_000) - 40)).toBeLessThan(4);
    expect(Math.abs(d.seasonalAt(T0 + 18 * 3_600_000) + 40)).toBeLessThan(4);
  });

  it('does not flag the busy hour that is busy every day, but flags a missing daily peak', () => {
    const noise = gaussian(5);
    const d = new HoltWintersDetector();
    const busy = (i: number) => (i % DAY >= 120 && i % DAY < 150 ? 80 : 20);
    let busyHourMax = 0;
    for (let i = 0; i < 7 * DAY; i++) {
      const r = d.update(at(i), busy(i) + noise());
      if (i >= 4 * DAY && i % DAY >= 120 && i % DAY < 150) busyHourMax = Math.max(busyHourMax, r.score);
    }
    expect(busyHourMax).toBeLessThan(0.5);
    // Day 8: the peak does not come.
    const missing = d.update(at(7 * DAY + 125), 20 + noise());
    expect(missing.score).toBeGreaterThan(0.99);
    expect(missing.deviation).toBeLessThan(-10);
  });

  it('does not learn a missing peak into its profile: the next day is normal again', () => {
    const noise = gaussian(6);
    const d = new HoltWintersDetector();
    const peak = (i: number) => i % DAY >= 120 && i % DAY < 150;
    for (let i = 0; i < 6 * DAY; i++) d.update(at(i), (peak(i) ? 80 : 20) + noise());
    const profileBefore = d.seasonalAt(at(6 * DAY + 130));
    for (let i = 6 * DAY; i < 7 * DAY; i++) d.update(at(i), 20 + noise()); // day 7: no peak
    expect(Math.abs(d.seasonalAt(at(7 * DAY + 130)) - profileBefore)).toBeLessThan(6);
    let nextPeakMax = 0;
    for (let i = 7 * DAY; i < 8 * DAY; i++) {
      const r = d.update(at(i), (peak(i) ? 80 : 20) + noise());
      if (peak(i) && i % DAY >= 130) nextPeakMax = Math.max(nextPeakMax, r.score);
    }
    expect(nextPeakMax).toBeLessThan(0.5);
  });

  it('finds no cycle in white noise (strength ≈ 0)', () => {
    const noise = gaussian(9);
    const d = new HoltWintersDetector();
    for (let i = 0; i < 5 * DAY; i++) d.update(at(i), 10 + noise());
    expect(d.strength()).toBeLessThan(0.1);
  });

  it('picks its bin count from the sampling interval, and stays off when sampled too sparsely', () => {
    const hourly = new HoltWintersDetector();
    for (let i = 0; i < 50; i++) hourly.update(T0 + i * 3_600_000, i);
    expect(hourly.bins).toBe(24);
    const daily = new HoltWintersDetector();
    for (let i = 0; i < 50; i++) expect(daily.update(T0 + i * 86_400_000, i).ready).toBe(false);
    expect(daily.bins).toBe(0);
    expect(daily.seasonalAt(T0)).toBe(0);
  });

  it('keeps constant state once its bins exist', () => {
    const d = new HoltWintersDetector();
    for (let i = 0; i < 10; i++) d.update(T0 + i * FIVE_MINUTES, i);
    const bytes = d.stateBytes();
    for (let i = 10; i < 5000; i++) d.update(T0 + i * FIVE_MINUTES, i % 7);
    expect(d.stateBytes()).toBe(bytes);
    expect(bytes).toBeLessThan(4 * 1024);
  });
});
