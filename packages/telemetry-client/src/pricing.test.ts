import { costOf, DEFAULT_PRICES, Pricing } from './pricing';

describe('Pricing', () => {
  const pricing = new Pricing();

  it('finds exact names, then the longest known name a dated or tagged model starts with', () => {
    expect(pricing.lookup('gpt-4o')).toBe(DEFAULT_PRICES['gpt-4o']);
    expect(pricing.lookup('gpt-4o-2024-08-06')).toBe(DEFAULT_PRICES['gpt-4o']);
    expect(pricing.lookup('gpt-4o-mini-2024-07-18')).toBe(DEFAULT_PRICES['gpt-4o-mini']);
    expect(pricing.lookup('claude-sonnet-4-20250514')).toBe(DEFAULT_PRICES['claude-sonnet-4']);
    expect(pricing.lookup('claude-opus-4-5-20251101')).toBe(DEFAULT_PRICES['claude-opus-4-5']);
    expect(pricing.lookup('o3-pro')).toBe(DEFAULT_PRICES['o3-pro']);
    expect(pricing.lookup('GPT-4o')).toBe(DEFAULT_PRICES['gpt-4o']);
  });

  it('knows nothing of models it has no name for, nor of names that only share letters', () => {
    expect(pricing.lookup('in-house-7b')).toBeUndefined();
    expect(pricing.lookup('gpt-4oo')).toBeUndefined();
    expect(pricing.cost('in-house-7b', 10, 10)).toBeUndefined();
  });

  it('computes USD from prices per million tokens', () => {
    expect(pricing.cost('gpt-4o', 1_000_000, 0)).toBe(2.5);
    expect(pricing.cost('gpt-4o', 0, 1_000_000)).toBe(10);
    expect(costOf({ inputPerMillion: 3, outputPerMillion: 15 }, 2000, 1000)).toBeCloseTo(0.021, 12);
  });

  it('lets overrides replace and extend the built-in table', () => {
    const custom = new Pricing({ 'gpt-4o': { inputPerMillion: 1, outputPerMillion: 1 }, 'in-house': { inputPerMillion: 0.5, outputPerMillion: 0.5, provider: 'self' } });
    expect(custom.cost('gpt-4o-2024-08-06', 1_000_000, 1_000_000)).toBe(2);
    expect(custom.lookup('in-house-v2')).toEqual({ inputPerMillion: 0.5, outputPerMillion: 0.5, provider: 'self' });
    expect(custom.lookup('claude-3-haiku')).toBe(DEFAULT_PRICES['claude-3-haiku']);
    // The built-in table is not changed by anyone's overrides.
    expect(pricing.cost('gpt-4o', 1_000_000, 0)).toBe(2.5);
  });

  it.each([
    [{ m: { inputPerMillion: -1, outputPerMillion: 1 } }, /prices\.m\.inputPerMillion/],
    [{ m: { inputPerMillion: 1 } }, /prices\.m\.outputPerMillion/],
    [{ m: null }, /prices\.m/],
    [{ m: { inputPerMillion: 1, outputPerMillion: 1, provider: '' } }, /prices\.m\.provider/],
  ])('refuses %j with a TypeError naming the entry', (overrides, problem) => {
    expect(() => new Pricing(overrides as never)).toThrow(problem);
  });

  it('every built-in price is a finite number ≥ 0', () => {
    for (const price of Object.values(DEFAULT_PRICES)) {
      expect(price.inputPerMillion).toBeGreaterThanOrEqual(0);
      expect(price.outputPerMillion).toBeGreaterThanOrEqual(0);
    }
  });
});
