import { MultivariateDetector } from './multivariate';
import { gaussian } from '../../test-support/random';

const FEATURES = ['latency', 'error_rate', 'tokens'];
const MINUTE = 60_000;

/** A normal report vector: latency ≈ 1 ± 0.1, error rate ≈ 0.02 ± 0.005, tokens ≈ 500 ± 50. */
function normal(g: () => number): number[] {
  return [1 + 0.1 * g(), 0.02 + 0.005 * g(), 500 + 50 * g()];
}

describe('MultivariateDetector', () => {
  it('waits for minSamples normal vectors in the reservoir, then trains and scores', () => {
    const g = gaussian(1);
    const d = new MultivariateDetector({ features: FEATURES, minSamples: 32, admitProbability: 1 });
    let i = 0;
    while (d.reservoirSize < 32) {
      expect(d.update(i * MINUTE, normal(g)).ready).toBe(false);
      expect(d.trainings).toBe(d.reservoirSize >= 32 ? 1 : 0);
      i++;
    }
    // Aggarwal's reservoir appends with probability 1 − fill: it takes more than 32 admissions to hold 32.
    expect(i).toBeGreaterThan(32);
    expect(d.trainings).toBe(1);
    expect(d.update(i * MINUTE, normal(g)).ready).toBe(true);
  });

  it('flags a report that is unusual in one feature and names that feature', () => {
    const g = gaussian(2);
    const d = new MultivariateDetector({ features: FEATURES, seed: 3 });
    let falseAlarms = 0;
    for (let i = 0; i < 2000; i++) if (d.update(i * MINUTE, normal(g)).score >= 0.5) falseAlarms++;
    expect(falseAlarms).toBeLessThan(20); // < 1 % of ordinary reports
    const odd = [1.02, 0.021, 1400]; // 18σ more tokens, everything else ordinary
    const r = d.score(odd);
    expect(r.isolationScore).toBeGreaterThan(0.7);
    expect(r.score).toBeGreaterThan(0.5);
    const [first] = d.explain(odd, 1);
    expect(first!.feature).toBe('tokens');
    expect(first!.robustZ).toBeGreaterThan(10);
    expect(Math.abs(first!.median - 500)).toBeLessThan(20);
    expect(first!.share).toBeGreaterThan(0.5);
  });

  it('keeps anomalous vectors out of the reservoir', () => {
    const g = gaussian(4);
    const d = new MultivariateDetector({
      features: FEATURES,
      admitProbability: 1,
      reservoir: 64,
      minSamples: 48,
      retrainEvery: 16,
      retrainAfterMs: Number.POSITIVE_INFINITY,
    });
    for (let i = 0; i < 200; i++) d.update(i * MINUTE, normal(g));
    const trainings = d.trainings;
    // A long run of outliers: scored anomalous, never admitted, so no retraining is triggered by them…
    for (let i = 0; i < 100; i++) expect(d.update((200 + i) * MINUTE, [5, 0.5, 5000]).score).toBeGreaterThan(0.5);
    expect(d.trainings).toBe(trainings);
    // …and vectors the caller calls abnormal are not admitted either.
    for (let i = 0; i < 100; i++) d.update((300 + i) * MINUTE, normal(g), false);
    expect(d.trainings).toBe(trainings);
  });

  it('retrains on data time as well as on counts', () => {
    const g = gaussian(5);
    const d = new MultivariateDetector({
      features: FEATURES,
      admitProbability: 1,
      minSamples: 16,
      retrainEvery: 10_000,
      retrainAfterMs: 60 * MINUTE,
    });
    for (let i = 0; i < 16; i++) d.update(i * MINUTE, normal(g));
    expect(d.trainings).toBe(1);
    for (let i = 16; i < 75; i++) d.update(i * MINUTE, normal(g));
    expect(d.trainings).toBe(1); // 59 minutes after the first training
    d.update(76 * MINUTE, normal(g));
    expect(d.trainings).toBe(2);
  });

  it('is deterministic with a seed', () => {
    const run = (seed: number) => {
      const g = gaussian(6);
      const d = new MultivariateDetector({ features: FEATURES, seed });
      const scores: number[] = [];
      for (let i = 0; i < 600; i++) scores.push(d.update(i * MINUTE, normal(g)).isolationScore);
      return scores;
    };
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
  });

  it('ignores vectors with non-finite components and reports bounded state', () => {
    const d = new MultivariateDetector({ features: FEATURES });
    expect(d.update(0, [1, Number.NaN, 3]).score).toBe(0);
    expect(d.reservoirSize).toBe(0);
    // Reservoir (256 × 3 × 4 B) + headers until the first training; then the forest (32 × (63 × 10 + 127) B) too,
    // constant whatever is fed.
    const untrained = d.stateBytes();
    expect(untrained).toBeGreaterThan(256 * 3 * 4);
    expect(untrained).toBeLessThan(256 * 3 * 4 + 2048);
    const g = gaussian(7);
    for (let i = 0; i < 1000; i++) d.update(i, normal(g));
    const bytes = d.stateBytes();
    expect(bytes).toBe(untrained + 32 * (63 * 10 + 127));
    for (let i = 1000; i < 2000; i++) d.update(i, normal(g));
    expect(d.stateBytes()).toBe(bytes);
  });
});
