import type { Span } from '@opentelemetry/api';
import type { RequestScope, TokenUsage } from './types';
import { checkInteger, checkString } from './validate';

/** trackRequest()'s `req`: what the function learns about its call, read by the monitor at the end. */
export class RequestState implements RequestScope {
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  responseModel?: string;
  /** error.type of a handled failure. */
  failure?: string;

  constructor(
    readonly span: Span,
    public inputTokens: number | undefined,
  ) {}

  setInputTokens(tokens: number): void {
    this.inputTokens = checkInteger(tokens, 'inputTokens', 0);
  }

  setOutputTokens(tokens: number): void {
    this.outputTokens = checkInteger(tokens, 'outputTokens', 0);
  }

  setUsage(usage: TokenUsage): void {
    if (typeof usage !== 'object' || usage === null)
      throw new TypeError(
        'usage must be { inputTokens?, outputTokens?, cacheReadInputTokens?, cacheCreationInputTokens?, reasoningOutputTokens? }',
      );
    if (usage.inputTokens !== undefined) this.setInputTokens(usage.inputTokens);
    if (usage.outputTokens !== undefined) this.setOutputTokens(usage.outputTokens);
    if (usage.cacheReadInputTokens !== undefined)
      this.cacheReadTokens = checkInteger(usage.cacheReadInputTokens, 'cacheReadInputTokens', 0);
    if (usage.cacheCreationInputTokens !== undefined)
      this.cacheWriteTokens = checkInteger(usage.cacheCreationInputTokens, 'cacheCreationInputTokens', 0);
    if (usage.reasoningOutputTokens !== undefined)
      this.reasoningTokens = checkInteger(usage.reasoningOutputTokens, 'reasoningOutputTokens', 0);
  }

  setResponseModel(model: string): void {
    this.responseModel = checkString(model, 'responseModel', 128);
  }

  fail(reason: string): void {
    this.failure = checkString(reason, 'fail(reason)', 128);
  }
}
