import { AnomalyLikelihood, logLikelihood, tailProbability } from './anomaly-likelihood';
import { seeded } from '../../test-support/random';

describe('AnomalyLikelihood', () => {
  it('answers 0.5 while learning (learning period + estimation samples)', () => {
    const l = new AnomalyLikelihood({ learningPeriod: 20, estimationSamples: 10 });
    for (let i = 0; i < 30; i++) expect(l.update(0.1)).toBe(0.5);
    expect(l.ready).toBe(false);
    l.update(0.1);
    expect(l.ready).toBe(true);
  });

  it('stays low for the raw scores a stream always produces, and goes red for a burst of high ones', () => {
    const random = seeded(3);
    const l = new AnomalyLikelihood({ learningPeriod: 50, estimationSamples: 50 });
    let red = 0;
    const n = 5000;
    for (let i = 0; i < n; i++) if (l.update(random() < 0.05 ? 1 : 0) > 0.99999) red++; // fires 5 % of the time
    expect(red / n).toBeLessThan(0.002);
    let burstMax = 0;
    for (let i = 0; i < 10; i++) burstMax = Math.max(burstMax, l.update(1));
    expect(burstMax).toBeGreaterThan(0.99999);
  });

  it('caps a red point that follows a red point at yellow (NuPIC filter)', () => {
    const l = new AnomalyLikelihood({ learningPeriod: 10, estimationSamples: 10 });
    for (let i = 0; i < 500; i++) l.update(0);
    // Fitted mean and variance sit at their floors (0.03, 0.0003): one raw 1 lifts the 10-sample mean to 0.1 (z ≈ 4,
    // not yet red), two to 0.2 (z ≈ 9.8: red); the third red in a row is shown as yellow.
    const first = l.update(1);
    const second = l.update(1);
    const third = l.update(1);
    expect(1 - first).toBeGreaterThan(1e-5);
    expect(1 - second).toBeLessThanOrEqual(1e-5);
    expect(third).toBeCloseTo(0.999, 12);
  });

  it('computes tail probabilities of the normal distribution, folded two-sided', () => {
    expect(tailProbability(0, 0, 1)).toBeCloseTo(0.5, 6);
    expect(tailProbability(1.959964, 0, 1)).toBeCloseTo(0.025, 6);
    expect(tailProbability(-1.959964, 0, 1)).toBeCloseTo(0.025, 6);
  });

  it('log-scales likelihoods as NuPIC does: 0.99999 → 0.5, 0.999 → 0.3', () => {
    expect(logLikelihood(0.99999)).toBeCloseTo(0.5, 6);
    expect(logLikelihood(0.999)).toBeCloseTo(0.3, 6);
    expect(logLikelihood(0.5)).toBeCloseTo(Math.log(0.5) / Math.log(1e-10), 6);
    expect(logLikelihood(1)).toBeCloseTo(1, 6);
  });
});
