import { SeriesBudget } from './series-budget';

describe('SeriesBudget', () => {
  const standard = new Set(['requests', 'errors', 'accuracy']);

  it('counts only names outside the standard set, once each', () => {
    const budget = new SeriesBudget(2, standard);
    expect(budget.admit('a', ['requests', 'errors', 'queue_depth'])).toBeUndefined();
    expect(budget.admit('a', ['queue_depth', 'accuracy'])).toBeUndefined();
    expect(budget.count('a')).toBe(1);
  });

  it('refuses the first name past the budget and counts nothing of that report', () => {
    const budget = new SeriesBudget(2, standard);
    expect(budget.admit('a', ['x1'])).toBeUndefined();
    expect(budget.admit('a', ['x2', 'x3', 'x4'])).toBe('x3');
    expect(budget.count('a')).toBe(1);
    expect(budget.admit('a', ['x2'])).toBeUndefined();
    expect(budget.admit('a', ['x1', 'x2', 'requests'])).toBeUndefined(); // known names still pass when full
    expect(budget.admit('a', ['x5'])).toBe('x5');
  });

  it('keeps one budget per agent', () => {
    const budget = new SeriesBudget(1, standard);
    expect(budget.admit('a', ['x1'])).toBeUndefined();
    expect(budget.admit('b', ['x2'])).toBeUndefined();
    expect(budget.admit('a', ['x2'])).toBe('x2');
  });

  it('does not count a name twice within one report', () => {
    const budget = new SeriesBudget(1, standard);
    expect(budget.admit('a', ['x1', 'x1'])).toBeUndefined();
    expect(budget.count('a')).toBe(1);
  });
});
