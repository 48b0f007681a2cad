import { BocpdDetector, logGamma } from './bocpd';
import { at, gaussian } from '../../test-support/random';

describe('BocpdDetector', () => {
  it('collapses the run-length posterior at a known change point', () => {
    const noise = gaussian(21);
    const d = new BocpdDetector({ maxRunLength: 128 });
    for (let i = 0; i < 150; i++) d.update(at(i), 10 + noise());
    // No change so far: the most probable run is long (the posterior's mass sits at large run lengths).
    expect(d.mapRunLength()).toBeGreaterThan(80);
    for (let i = 150; i < 155; i++) d.update(at(i), 16 + noise());
    // Five samples after a 6σ shift the mass has collapsed onto runs that started at the change.
    const posterior = d.runLengthPosterior();
    const recent = posterior.slice(0, 8).reduce((a, b) => a + b, 0);
    expect(recent).toBeGreaterThan(0.9);
    expect(d.mapRunLength()).toBeLessThanOrEqual(6);
    expect(d.mapRunLength()).toBeGreaterThanOrEqual(4);
  });

  it('scores the confirmed change high and steady data low', () => {
    const noise = gaussian(22);
    const d = new BocpdDetector();
    let quietMax = 0;
    for (let i = 0; i < 300; i++) quietMax = Math.max(quietMax, d.update(at(i), noise()).score);
    let changeMax = 0;
    for (let i = 300; i < 310; i++) changeMax = Math.max(changeMax, d.update(at(i), 8 + noise()).score);
    expect(quietMax).toBeLessThan(0.5);
    expect(changeMax).toBeGreaterThan(0.9);
  });

  it('keeps a posterior that sums to 1 over at most maxRunLength + 1 run lengths', () => {
    const noise = gaussian(23);
    const d = new BocpdDetector({ maxRunLength: 32 });
    for (let i = 0; i < 500; i++) d.update(at(i), noise());
    const p = d.runLengthPosterior();
    expect(p.length).toBe(33);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('computes log Γ accurately', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });
});
