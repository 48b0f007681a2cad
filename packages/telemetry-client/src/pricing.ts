/** What a model costs, in USD per million tokens, and who serves it. */
export interface ModelPrice {
  /** USD per 1,000,000 input (prompt) tokens, ≥ 0. */
  inputPerMillion: number;
  /** USD per 1,000,000 output (completion) tokens, ≥ 0. */
  outputPerMillion: number;
  /** USD per 1,000,000 input tokens read from the provider's prompt cache; default: the input price. */
  cacheReadPerMillion?: number;
  /** USD per 1,000,000 input tokens written to the prompt cache; default: the input price. */
  cacheWritePerMillion?: number;
  /**
   * The GenAI semantic conventions' `gen_ai.provider.name` (`openai`, `anthropic`, `gcp.gemini`, …),
   * used when the monitor or the request names none.
   */
  provider?: string;
}

/** Model name → price. A name matches a model that equals it or starts with it followed by `-`, `:`, `@` or `.`. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * List prices of common models (standard tier, no caching or batch discounts), as published by their
 * providers in 2025. Prices change: pass `prices` to AgentMonitor to correct or extend them.
 */
export const DEFAULT_PRICES: PriceTable = Object.freeze({
  // OpenAI
  'gpt-5': { inputPerMillion: 1.25, outputPerMillion: 10, provider: 'openai' },
  'gpt-5-mini': { inputPerMillion: 0.25, outputPerMillion: 2, provider: 'openai' },
  'gpt-5-nano': { inputPerMillion: 0.05, outputPerMillion: 0.4, provider: 'openai' },
  'gpt-5-pro': { inputPerMillion: 15, outputPerMillion: 120, provider: 'openai' },
  'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8, provider: 'openai' },
  'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6, provider: 'openai' },
  'gpt-4.1-nano': { inputPerMillion: 0.1, outputPerMillion: 0.4, provider: 'openai' },
  'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10, provider: 'openai' },
  'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6, provider: 'openai' },
  'gpt-4-turbo': { inputPerMillion: 10, outputPerMillion: 30, provider: 'openai' },
  'gpt-3.5-turbo': { inputPerMillion: 0.5, outputPerMillion: 1.5, provider: 'openai' },
  o1: { inputPerMillion: 15, outputPerMillion: 60, provider: 'openai' },
  'o1-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4, provider: 'openai' },
  'o1-pro': { inputPerMillion: 150, outputPerMillion: 600, provider: 'openai' },
  o3: { inputPerMillion: 2, outputPerMillion: 8, provider: 'openai' },
  'o3-pro': { inputPerMillion: 20, outputPerMillion: 80, provider: 'openai' },
  'o3-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4, provider: 'openai' },
  'o4-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4, provider: 'openai' },
  // Anthropic
  'claude-opus-4-5': { inputPerMillion: 5, outputPerMillion: 25, provider: 'anthropic' },
  'claude-opus-4': { inputPerMillion: 15, outputPerMillion: 75, provider: 'anthropic' },
  'claude-haiku-4-5': { inputPerMillion: 1, outputPerMillion: 5, provider: 'anthropic' },
  'claude-sonnet-4': { inputPerMillion: 3, outputPerMillion: 15, provider: 'anthropic' },
  'claude-3-7-sonnet': { inputPerMillion: 3, outputPerMillion: 15, provider: 'anthropic' },
  'claude-3-5-sonnet': { inputPerMillion: 3, outputPerMillion: 15, provider: 'anthropic' },
  'claude-3-5-haiku': { inputPerMillion: 0.8, outputPerMillion: 4, provider: 'anthropic' },
  'claude-3-opus': { inputPerMillion: 15, outputPerMillion: 75, provider: 'anthropic' },
  'claude-3-haiku': { inputPerMillion: 0.25, outputPerMillion: 1.25, provider: 'anthropic' },
  // Google (Gemini API, prompts up to 200k tokens)
  'gemini-2.5-pro': { inputPerMillion: 1.25, outputPerMillion: 10, provider: 'gcp.gemini' },
  'gemini-2.5-flash': { inputPerMillion: 0.3, outputPerMillion: 2.5, provider: 'gcp.gemini' },
  'gemini-2.0-flash': { inputPerMillion: 0.1, outputPerMillion: 0.4, provider: 'gcp.gemini' },
  'gemini-1.5-pro': { inputPerMillion: 1.25, outputPerMillion: 5, provider: 'gcp.gemini' },
  'gemini-1.5-flash': { inputPerMillion: 0.075, outputPerMillion: 0.3, provider: 'gcp.gemini' },
  // Mistral
  'mistral-large': { inputPerMillion: 2, outputPerMillion: 6, provider: 'mistral_ai' },
  'mistral-small': { inputPerMillion: 0.1, outputPerMillion: 0.3, provider: 'mistral_ai' },
  // Open-weight models at typical hosted prices (no provider: it depends on who serves them)
  'llama-3.1-8b': { inputPerMillion: 0.05, outputPerMillion: 0.08 },
  'llama-3.1-70b': { inputPerMillion: 0.59, outputPerMillion: 0.79 },
  'llama-3.3-70b': { inputPerMillion: 0.59, outputPerMillion: 0.79 },
  'deepseek-chat': { inputPerMillion: 0.27, outputPerMillion: 1.1, provider: 'deepseek' },
  'deepseek-reasoner': { inputPerMillion: 0.55, outputPerMillion: 2.19, provider: 'deepseek' },
});

/** Characters after a known name that still mean "a version of that model": `gpt-4o-2024-08-06`, `claude-sonnet-4@2025…`. */
const VERSION_SEPARATORS = new Set(['-', ':', '@', '.']);

/**
 * Resolves model names to prices: exact match first, then the longest table name the model starts
 * with (so `gpt-4o-mini-2024-07-18` is `gpt-4o-mini`, not `gpt-4o`). Answers are cached per model.
 */
export class Pricing {
  private readonly table: PriceTable;
  /** [lower-case name, name], longest first: the first prefix that matches is the most specific. */
  private readonly names: Array<[string, string]>;
  private readonly cache = new Map<string, ModelPrice | null>();

  /** `overrides` replace or extend `DEFAULT_PRICES` name by name; throws a TypeError naming a bad entry. */
  constructor(overrides?: PriceTable) {
    if (overrides === undefined) {
      this.table = DEFAULT_PRICES;
    } else {
      if (typeof overrides !== 'object' || overrides === null)
        throw new TypeError('prices must be an object of model → price');
      for (const [model, price] of Object.entries(overrides)) checkPrice(model, price);
      this.table = { ...DEFAULT_PRICES, ...overrides };
    }
    this.names = Object.keys(this.table)
      .sort((a, b) => b.length - a.length)
      .map((name) => [name.toLowerCase(), name]);
  }

  /** The price of `model`, or undefined when the table does not know it. */
  lookup(model: string): ModelPrice | undefined {
    let price = this.cache.get(model);
    if (price === undefined) {
      price = this.resolve(model) ?? null;
      // Bounded: a caller inventing model names must not grow memory without end.
      if (this.cache.size < 1024) this.cache.set(model, price);
    }
    return price ?? undefined;
  }

  /** USD for one call, or undefined when the model's price is unknown. */
  cost(model: string, inputTokens: number, outputTokens: number): number | undefined {
    const price = this.lookup(model);
    return price === undefined ? undefined : costOf(price, inputTokens, outputTokens);
  }

  /** USD for one call's usage with cache tokens, or undefined when the model's price is unknown. */
  costOfUsage(model: string, usage: CallUsage): number | undefined {
    const price = this.lookup(model);
    return price === undefined ? undefined : costOfUsage(price, usage);
  }

  private resolve(model: string): ModelPrice | undefined {
    const exact = this.table[model];
    if (exact !== undefined) return exact;
    const lower = model.toLowerCase();
    for (const [key, name] of this.names) {
      if (lower === key || (lower.startsWith(key) && VERSION_SEPARATORS.has(lower[key.length]!)))
        return this.table[name];
    }
    return undefined;
  }
}

export function costOf(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  return (inputTokens * price.inputPerMillion + outputTokens * price.outputPerMillion) / 1_000_000;
}

/** Tokens of one call, as the GenAI conventions count them. */
export interface CallUsage {
  /** All input tokens, cache reads and writes included (gen_ai.usage.input_tokens). */
  inputTokens: number;
  /** All output tokens, reasoning included (gen_ai.usage.output_tokens): reasoning is billed as output. */
  outputTokens: number;
  /** gen_ai.usage.cache_read.input_tokens. */
  cacheReadTokens?: number;
  /** gen_ai.usage.cache_creation.input_tokens. */
  cacheWriteTokens?: number;
}

/** Cache reads and writes at their own prices (the input price where the table has none), the rest at the input price. */
export function costOfUsage(price: ModelPrice, usage: CallUsage): number {
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  // Without cache tokens, exactly what costOf answers (the same sum in the same order).
  if (cacheRead === 0 && cacheWrite === 0) return costOf(price, usage.inputTokens, usage.outputTokens);
  const uncached = Math.max(0, usage.inputTokens - cacheRead - cacheWrite);
  const input =
    uncached * price.inputPerMillion +
    cacheRead * (price.cacheReadPerMillion ?? price.inputPerMillion) +
    cacheWrite * (price.cacheWritePerMillion ?? price.inputPerMillion);
  return (input + usage.outputTokens * price.outputPerMillion) / 1_000_000;
}

/** The table shared by every monitor without overrides: one cache for all of them. */
export const defaultPricing = new Pricing();

function checkPrice(model: string, price: unknown): void {
  const entry = price as Partial<ModelPrice> | null;
  if (typeof entry !== 'object' || entry === null)
    throw new TypeError(`prices.${model} must be { inputPerMillion, outputPerMillion }`);
  for (const field of ['inputPerMillion', 'outputPerMillion', 'cacheReadPerMillion', 'cacheWritePerMillion'] as const) {
    const value = entry[field];
    if (value === undefined && (field === 'cacheReadPerMillion' || field === 'cacheWritePerMillion')) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new TypeError(
        `prices.${model}.${field} must be a finite number ≥ 0 (USD per million tokens), got ${String(value)}`,
      );
    }
  }
  if (entry.provider !== undefined && (typeof entry.provider !== 'string' || entry.provider === '')) {
    throw new TypeError(`prices.${model}.provider must be a non-empty string`);
  }
}
