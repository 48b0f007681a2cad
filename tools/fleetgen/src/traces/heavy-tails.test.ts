import { batchSpikes, heavyTailTraces, paretoOnOff, regimeWeeks } from './heavy-tails';

const quantile = (values: readonly number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))]!;
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('heavy-tailed held-out traces (a second family)', () => {
  it('are the same for a seed and differ between seeds', () => {
    expect(paretoOnOff(5, 2).values).toEqual(paretoOnOff(5, 2).values);
    expect(paretoOnOff(5, 2).values).not.toEqual(paretoOnOff(6, 2).values);
  });

  it('Pareto ON/OFF: minute steps, a tail far above the median, and a weekend below the weekdays', () => {
    const { values, stepSeconds } = paretoOnOff(101);
    expect(stepSeconds).toBe(60);
    expect(values).toHaveLength(14 * 1440);
    expect(quantile(values, 0.999)).toBeGreaterThan(2.5 * quantile(values, 0.5));
    // Days 3 and 4 from a Wednesday are the weekend: their median below the weekdays' around them.
    const day = (d: number) => quantile(values.slice(d * 1440, (d + 1) * 1440), 0.5);
    expect(day(3) + day(4)).toBeLessThan(day(1) + day(2));
  });

  it('batch spikes: 15 s steps, and the first minutes of an hour busier than its middle', () => {
    const { values, stepSeconds } = batchSpikes(202);
    expect(stepSeconds).toBe(15);
    const perHour = 240;
    const starts: number[] = [];
    const middles: number[] = [];
    for (let h = 0; h + 1 < values.length / perHour; h++) {
      starts.push(mean(values.slice(h * perHour + 4, h * perHour + 8)));
      middles.push(mean(values.slice(h * perHour + 120, h * perHour + 124)));
    }
    expect(mean(starts)).toBeGreaterThan(1.3 * mean(middles));
  });

  it('regime weeks: 10-minute steps over five weeks whose level moves', () => {
    const { values, stepSeconds } = regimeWeeks(303);
    expect(stepSeconds).toBe(600);
    const weekly = [0, 1, 2, 3, 4].map((w) => mean(values.slice(w * 1008, (w + 1) * 1008)));
    expect(Math.max(...weekly) / Math.min(...weekly)).toBeGreaterThan(1.1);
  });

  it('the family has five traces, all non-negative counts', () => {
    const traces = heavyTailTraces();
    expect(traces.map((t) => t.name)).toEqual([
      'pareto-on-off-101',
      'pareto-on-off-111',
      'batch-spikes-202',
      'batch-spikes-212',
      'regime-weeks-303',
    ]);
    for (const t of traces) expect(t.values.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
  });
});
