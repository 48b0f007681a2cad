import { OTHER_TOOL, ToolUsageTable } from './tool-usage';

const totals = (table: ToolUsageTable) =>
  [...table.entries()].map(({ pool, tool, totals: t }) => [pool, tool, t.calls, t.errors, t.durationSeconds]);

describe('ToolUsageTable', () => {
  it('adds calls, errors and time up by pool and tool (missing errors and durations count as 0)', () => {
    const table = new ToolUsageTable(10);
    table.add('support', 'agent-support', {
      search: { calls: 2, errors: 1, durationSeconds: 0.5 },
      fetch: { calls: 1 },
    });
    table.add('support', 'agent-support', { search: { calls: 3, durationSeconds: 1 } });
    table.add('billing', 'agent-billing', { search: { calls: 1, errors: 1, durationSeconds: 0.25 } });
    expect(totals(table)).toEqual([
      ['support', 'search', 5, 1, 1.5],
      ['support', 'fetch', 1, 0, 0],
      ['billing', 'search', 1, 1, 0.25],
    ]);
    // A name is counted once, whatever the pools.
    expect(table.distinctNames).toBe(2);
    expect(table.overflowed).toBe(0);
  });

  it('gives the first maxNames names their own series and adds later names up under _OTHER, counting each entry', () => {
    const table = new ToolUsageTable(2);
    table.add('p', 'agent-p', { a: { calls: 1 }, b: { calls: 1 } });
    table.add('p', 'agent-p', { c: { calls: 2, errors: 1 }, a: { calls: 1 } });
    table.add('q', 'agent-q', { d: { calls: 4 }, b: { calls: 1 } });
    expect(totals(table)).toEqual([
      ['p', 'a', 2, 0, 0],
      ['p', 'b', 1, 0, 0],
      ['p', OTHER_TOOL, 2, 1, 0],
      ['q', OTHER_TOOL, 4, 0, 0],
      ['q', 'b', 1, 0, 0],
    ]);
    expect(table.distinctNames).toBe(2);
    expect(table.overflowed).toBe(2);
  });

  it('never spends the budget on a client that calls a tool "_OTHER", nor counts it as overflow', () => {
    const table = new ToolUsageTable(1);
    table.add('p', 'agent-p', { [OTHER_TOOL]: { calls: 1 }, real: { calls: 1 } });
    expect(totals(table)).toEqual([
      ['p', OTHER_TOOL, 1, 0, 0],
      ['p', 'real', 1, 0, 0],
    ]);
    expect(table.overflowed).toBe(0);
  });

  it("keeps each agent's own totals, with the same cap on names", () => {
    const table = new ToolUsageTable(2);
    table.add('p', 'a-1', { search: { calls: 2, errors: 1, durationSeconds: 0.5 }, fetch: { calls: 5 } });
    table.add('p', 'a-2', { search: { calls: 1 } });
    table.add('p', 'a-1', { search: { calls: 1, durationSeconds: 0.25 }, invented: { calls: 3 } });
    expect(table.ofAgent('a-1')).toEqual([
      { tool: 'fetch', totals: { calls: 5, errors: 0, durationSeconds: 0 } },
      // A tie in calls: by name ('_' sorts before letters).
      { tool: OTHER_TOOL, totals: { calls: 3, errors: 0, durationSeconds: 0 } },
      { tool: 'search', totals: { calls: 3, errors: 1, durationSeconds: 0.75 } },
    ]);
    expect(table.ofAgent('a-2')).toEqual([{ tool: 'search', totals: { calls: 1, errors: 0, durationSeconds: 0 } }]);
    expect(table.ofAgent('never-reported')).toEqual([]);
  });
});
