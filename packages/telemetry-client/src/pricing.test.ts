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
    const custom = new Pricing({
      'gpt-4o': { inputPerMillion: 1, outputPerMillion: 1 },
      'in-house': { inputPerMillion: 0.5, outputPerMillion: 0.5, provider: 'self' },
    });
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
    [{ m: { inputPerMillion: 1, outputPerMillion: 1, cacheReadPerMillion: -0.1 } }, /prices\.m\.cacheReadPerMillion/],
  ])('refuses %j with a TypeError naming the entry', (overrides, problem) => {
    expect(() => new Pricing(overrides as never)).toThrow(problem);
  });

  it('every built-in price is a finite number ≥ 0', () => {
    for (const price of Object.values(DEFAULT_PRICES)) {
      expect(price.inputPerMillion).toBeGreaterThanOrEqual(0);
      expect(price.outputPerMillion).toBeGreaterThanOrEqual(0);
    }
  });

  it('prices cache reads and writes at their own rates, the rest of the input at the input rate, reasoning as output', () => {
    const pricing = new Pricing({
      cached: { inputPerMillion: 3, outputPerMillion: 15, cacheReadPerMillion: 0.3, cacheWritePerMillion: 3.75 },
    });
    // 10,000 input tokens of which 6,000 read from the cache and 2,000 written to it; 1,000 output (reasoning included).
    expect(
      pricing.costOfUsage('cached', {
        inputTokens: 10_000,
        outputTokens: 1000,
        cacheReadTokens: 6000,
        cacheWriteTokens: 2000,
      }),
    ).toBeCloseTo((2000 * 3 + 6000 * 0.3 + 2000 * 3.75 + 1000 * 15) / 1e6, 15);
    // No cache prices in the table: cache tokens cost what input costs, the same as without them.
    expect(pricing.costOfUsage('gpt-4o', { inputTokens: 1000, outputTokens: 10, cacheReadTokens: 400 })).toBeCloseTo(
      pricing.cost('gpt-4o', 1000, 10)!,
      15,
    );
    expect(pricing.costOfUsage('no-such-model', { inputTokens: 1, outputTokens: 1 })).toBeUndefined();
  });
});
