import { DecayedStatsTable, PRIOR_REQUESTS } from './decayed-stats';

const sample = (over: Partial<Parameters<DecayedStatsTable['add']>[2]> = {}) => ({
  requests: 1,
  errors: 0,
  latencySeconds: NaN,
  resourcePercent: NaN,
  quality: NaN,
  ...over,
});

describe('DecayedStatsTable', () => {
  it('is NaN for signals never reported and 0 errors without requests', () => {
    const table = new DecayedStatsTable(60_000);
    expect(table.means(table.allocate())).toEqual({
      errorRate: 0,
      latencySeconds: NaN,
      resourcePercent: NaN,
      quality: NaN,
    });
  });

  it('averages reports at the same instant plainly', () => {
    const table = new DecayedStatsTable(60_000);
    const row = table.allocate();
    table.add(row, 1000, sample({ latencySeconds: 1, errors: 1 }));
    table.add(row, 1000, sample({ latencySeconds: 3 }));
    expect(table.means(row).latencySeconds).toBeCloseTo(2, 12);
    expect(table.means(row).errorRate).toBeCloseTo(1 / (2 + PRIOR_REQUESTS), 12);
  });

  it('smooths the error rate of a new agent toward 0 and lets it converge with traffic', () => {
    const table = new DecayedStatsTable(60_000);
    const row = table.allocate();
    table.add(row, 0, sample({ errors: 1 }));
    expect(table.means(row).errorRate).toBeCloseTo(1 / 11, 12);
    for (let i = 0; i < 990; i++) table.add(row, 0, sample({ errors: i % 5 === 0 ? 1 : 0 }));
    expect(table.means(row).errorRate).toBeCloseTo(199 / 1001, 12);
  });

  it('weighs an older report by e^(−Δt/τ)', () => {
    const tau = 60_000;
    const table = new DecayedStatsTable(tau);
    const row = table.allocate();
    table.add(row, 0, sample({ latencySeconds: 10 }));
    table.add(row, tau, sample({ latencySeconds: 1 })); // the first now weighs e^-1
    const w = Math.exp(-1);
    expect(table.means(row).latencySeconds).toBeCloseTo((10 * w + 1) / (w + 1), 12);
  });

  it('gives a late (out-of-order) report the weight it would have had by now', () => {
    const table = new DecayedStatsTable(1000);
    const inOrder = table.allocate();
    table.add(inOrder, 0, sample({ quality: 0.2 }));
    table.add(inOrder, 500, sample({ quality: 1 }));
    const reversed = table.allocate();
    table.add(reversed, 500, sample({ quality: 1 }));
    table.add(reversed, 0, sample({ quality: 0.2 }));
    expect(table.means(reversed).quality).toBeCloseTo(table.means(inOrder).quality, 12);
  });

  it('keeps rows apart as it grows past its first allocation', () => {
    const table = new DecayedStatsTable(1000);
    const rows = Array.from({ length: 3000 }, () => table.allocate());
    rows.forEach((row) => table.add(row, 0, sample({ latencySeconds: row })));
    expect(rows.every((row) => table.means(row).latencySeconds === row)).toBe(true);
  });
});
