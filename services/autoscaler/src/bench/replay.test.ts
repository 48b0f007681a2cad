import { loadTrace } from './load-traces';
import { serversForSlo } from '../queueing';
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
    const jump = {
      name: 'jump',
      stepSeconds: 60,
      rps: Float64Array.from({ length: 30 }, (_, i) => (i < 10 ? 5 : 100)),
    };
    expect(replay(jump, 'hpa', { startupSeconds: 120 }).sloViolationMinutes).toBeGreaterThanOrEqual(2);
    expect(replay(jump, 'oracle', { startupSeconds: 120 }).sloViolationMinutes).toBe(0);
  });

  it('a step in the cost of a request: each replica serves less from then on, and the oracle follows', () => {
    // 50 rps for an hour; from minute 30 a request costs 1.5 times as much (μ 5 → 3.33).
    const flat = { name: 'flat', stepSeconds: 60, rps: new Float64Array(60).fill(50) };
    const setup = { startupSeconds: 120, costSteps: [{ atSeconds: 1800, factor: 1.5 }] };
    const before = serversForSlo(50, 5, 1, 1000);
    const after = serversForSlo(50, 5 / 1.5, 1, 1000);
    expect(after).toBeGreaterThan(before);
    const oracle = replay(flat, 'oracle', setup);
    expect(oracle.sloViolationMinutes).toBe(0);
    // Half an hour at each count, the later one asked a start-up (8 ticks) early.
    expect(oracle.replicaHours).toBeCloseTo(0.5 * before + 0.5 * after + ((after - before) * 8 * 15) / 3600, 6);
    expect(replay(flat, 'oracle', { startupSeconds: 120 }).replicaHours).toBeCloseTo(before, 6);
  });

  it('refuses a cost step no replica count can serve within the SLO (a lone request over it)', () => {
    const flat = { name: 'flat', stepSeconds: 60, rps: new Float64Array(10).fill(50) };
    expect(() => replay(flat, 'oracle', { costSteps: [{ atSeconds: 60, factor: 2 }] })).toThrow(
      /SLO of 1 s cannot be held at 2.50 rps per replica/,
    );
  });

  it('is deterministic', () => {
    const short = loadTrace('growth-bursts', { days: 0.25, seed: 5 });
    expect(replay(short, 'combined')).toMatchObject({
      sloViolationMinutes: replay(short, 'combined').sloViolationMinutes,
      replicaHours: replay(short, 'combined').replicaHours,
    });
  });

  it('reads the load over a tick: the mean of finer points, else held or interpolated', () => {
    const fine = { name: 'f', stepSeconds: 1, rps: Float64Array.from({ length: 30 }, (_, i) => i) };
    expect(loadAt(fine, 0, false, 15)).toBe(7);
    const coarse = { name: 'c', stepSeconds: 60, rps: Float64Array.from([0, 60]) };
    expect(loadAt(coarse, 30, false, 15)).toBe(0);
    expect(loadAt(coarse, 30, true, 15)).toBe(30);
  });
});
