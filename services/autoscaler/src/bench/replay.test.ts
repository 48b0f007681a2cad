import { compareOnTrace } from './replay';

// The benchmark's comparison, small and deterministic (one seeded day and a half): its direction, never timings.
describe('combined policy vs the plain HPA (replayed through the pool model)', () => {
  it('on a diurnal trace with a flash crowd: fewer SLO-violation minutes, no more replica-hours', () => {
    const { hpa, combined } = compareOnTrace('diurnal-flash-crowd', { days: 2, seed: 11 });
    expect(combined.sloViolationMinutes).toBeLessThan(hpa.sloViolationMinutes);
    expect(combined.replicaHours).toBeLessThanOrEqual(hpa.replicaHours);
    expect(combined.forecastError).not.toBeNull();
    expect(hpa.forecastError).toBeNull();
  });

  it('is deterministic for a seed', () => {
    const a = compareOnTrace('growth-bursts', { days: 1, seed: 5 });
    const b = compareOnTrace('growth-bursts', { days: 1, seed: 5 });
    expect(a).toEqual(b);
  });
});
