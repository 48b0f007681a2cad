import { costSteps, logisticGrowth, poolShiftTraces, twoPeakCrowds } from './pool-shifts';

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const quantile = (values: readonly number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))]!;

describe('pool-shift held-out traces (a third family)', () => {
  it('are the same for a seed and differ between seeds', () => {
    expect(twoPeakCrowds(1, 60, 2).values).toEqual(twoPeakCrowds(1, 60, 2).values);
    expect(twoPeakCrowds(1, 60, 2).values).not.toEqual(twoPeakCrowds(2, 60, 2).values);
  });

  it('two-peak crowds: 2-minute steps, evenings busier than nights, a crowd tail above the daily peak', () => {
    const { values, stepSeconds, startupSeconds } = twoPeakCrowds(404, 60);
    expect(stepSeconds).toBe(120);
    expect(startupSeconds).toBe(60);
    const perDay = 720;
    const at = (hour: number) => mean(Array.from({ length: 21 }, (_, d) => values[d * perDay + hour * 30]!));
    expect(at(20)).toBeGreaterThan(3 * at(3));
    expect(at(9.5)).toBeGreaterThan(2 * at(3));
    expect(quantile(values, 0.999)).toBeGreaterThan(1.3 * quantile(values, 0.95));
  });

  it('logistic growth: the last days several times the first, five-minute start-up', () => {
    const { values, stepSeconds, startupSeconds } = logisticGrowth(505);
    expect(stepSeconds).toBe(30);
    expect(startupSeconds).toBe(300);
    const perDay = 2880;
    expect(mean(values.slice(-2 * perDay))).toBeGreaterThan(4 * mean(values.slice(0, 2 * perDay)));
  });

  it('cost steps: two steps of the per-request cost, load without a step at them', () => {
    const trace = costSteps(606);
    expect(trace.costSteps.map((s) => s.factor)).toEqual([1.4, 0.6]);
    const i = trace.costSteps[0]!.atSeconds / trace.stepSeconds;
    const hourSteps = 180;
    const before = mean(trace.values.slice(i - hourSteps, i));
    const after = mean(trace.values.slice(i, i + hourSteps));
    expect(Math.abs(after / before - 1)).toBeLessThan(0.5);
  });

  it('the family has four traces with three start-up delays, all non-negative counts', () => {
    const traces = poolShiftTraces();
    expect(traces.map((t) => t.name)).toEqual([
      'two-peak-crowds-404',
      'two-peak-crowds-414',
      'logistic-growth-505',
      'cost-steps-606',
    ]);
    expect(new Set(traces.map((t) => t.startupSeconds)).size).toBeGreaterThanOrEqual(3);
    for (const t of traces) expect(t.values.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
  });
});
