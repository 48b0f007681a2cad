import { loadTrace } from './load-traces';
import { compare, loadAt, replay } from './replay';

describe('trace replay through the pool model', () => {
  const trace = loadTrace('diurnal-flash-crowd', { days: 1, seed: 11 });

  it('the oracle, knowing the load, never violates and costs least', () => {
    const { hpa, combined, oracle } = compare(trace);
    expect(oracle.sloViolationMinutes).toBe(0);
    expect(oracle.replicaHours).toBeLessThan(hpa.replicaHours);
    expect(oracle.replicaHours).toBeLessThan(combined.replicaHours);
    expect(combined.decisionP99Ms).not.toBeNull();
    expect(hpa.decisionP99Ms).toBeNull();
  });

  it('an overload is counted minute by minute: a jump the start-up delay cannot meet, for the HPA but not the oracle', () => {
    // 5 rps for 10 minutes, then 100: the HPA's new replicas serve 2 minutes after it asks; the oracle asked in time.
    const jump = { name: 'jump', stepSeconds: 60, rps: Float64Array.from({ length: 30 }, (_, i) => (i < 10 ? 5 : 100)) };
    expect(replay(jump, 'hpa', { startupSeconds: 120 }).sloViolationMinutes).toBeGreaterThanOrEqual(2);
    expect(replay(jump, 'oracle', { startupSeconds: 120 }).sloViolationMinutes).toBe(0);
  });

  it('is deterministic', () => {
    const short = loadTrace('growth-bursts', { days: 0.25, seed: 5 });
    expect(replay(short, 'combined')).toMatchObject({ sloViolationMinutes: replay(short, 'combined').sloViolationMinutes, replicaHours: replay(short, 'combined').replicaHours });
  });

  it('reads the load over a tick: the mean of finer points, else held or interpolated', () => {
    const fine = { name: 'f', stepSeconds: 1, rps: Float64Array.from({ length: 30 }, (_, i) => i) };
    expect(loadAt(fine, 0, false, 15)).toBe(7);
    const coarse = { name: 'c', stepSeconds: 60, rps: Float64Array.from([0, 60]) };
    expect(loadAt(coarse, 30, false, 15)).toBe(0);
    expect(loadAt(coarse, 30, true, 15)).toBe(30);
  });
});
