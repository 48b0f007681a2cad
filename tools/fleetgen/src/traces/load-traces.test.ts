import { diurnalWeekly, flashCrowds, llmServingHour, slowGrowth, toCsv, validationTraces } from './load-traces';

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

describe('validation load traces', () => {
  it('are the same for a seed and differ between seeds', () => {
    expect(flashCrowds(5, 2).values).toEqual(flashCrowds(5, 2).values);
    expect(flashCrowds(5, 2).values).not.toEqual(flashCrowds(6, 2).values);
  });

  it('flash crowds are heavy-tailed: the busiest 5 minutes are many times the typical', () => {
    const { values, stepSeconds } = flashCrowds(1);
    expect(stepSeconds).toBe(300);
    expect(Math.max(...values)).toBeGreaterThan(5 * median(values));
  });

  it('the taxi-like trace has a weekly cycle (weekday rush hours above weekend ones) and an interpolated twin', () => {
    const { values } = diurnalWeekly(2, 2);
    const day = (d: number) => values.slice(d * 48, (d + 1) * 48);
    expect(Math.max(...day(1))).toBeGreaterThan(Math.max(...day(5)));
    const interpolated = diurnalWeekly(2, 2, true);
    expect(interpolated.stepSeconds).toBe(60);
    expect(interpolated.values[30]).toBeCloseTo(values[1]! / 30, 6);
  });

  it('slow growth grows, and the LLM hour is bursty second to second', () => {
    const growth = slowGrowth(3, 21).values;
    expect(median(growth.slice(-288))).toBeGreaterThan(1.5 * median(growth.slice(0, 288)));
    const llm = llmServingHour(4).values;
    expect(llm).toHaveLength(3600);
    expect(Math.max(...llm)).toBeGreaterThan(10 * Math.max(1, median(llm)));
  });

  it('writes CSV with a timestamp,value header and ISO timestamps', () => {
    const [first] = validationTraces();
    const lines = toCsv(first!).split('\n');
    expect(lines[0]).toBe('timestamp,value');
    expect(lines[1]).toMatch(/^2026-01-05T00:00:00\.000Z,\d+$/);
  });
});
