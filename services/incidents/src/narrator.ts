import type { Incident, Narrative } from '@swarmscope/core';
import type { AgentMonitor } from '@swarmscope/telemetry-client';
import { chat, LlmError, type LlmEndpoint, type LlmFailure } from './llm-client';
import { buildPrompt, parseAnswer } from './prompt';
import { templateNarrative } from './template-narrative';

/** Why the templates narrated although an LLM is configured. */
export type FallbackReason = LlmFailure | 'rate_limited' | 'budget_exhausted';

export interface NarratorOptions {
  /** The LLM to ask; without one every narrative comes from the templates. */
  endpoint?: LlmEndpoint;
  /** LLM calls allowed per minute (a token bucket of that size). */
  ratePerMinute: number;
  /** Prompt + answer tokens allowed over any hour; a call that could exceed it is not made. */
  tokenBudgetPerHour: number;
  /** Our own SDK: the narrator is an agent like any other (model usage, tokens, errors, latency, prompt templates). */
  monitor?: Pick<AgentMonitor, 'trackRequest' | 'recordToolCall'>;
  /** Wall clock, epoch ms (rate limit and budget are about real time). */
  now?: () => number;
}

const HOUR_MS = 3_600_000;

/**
 * Explains incidents: through the LLM when one is configured and within its rate and budget, else — or when it
 * fails, is slow or answers garbage — through the deterministic templates, saying why in `fallbackReason`.
 * Never throws.
 */
export class Narrator {
  private readonly now: () => number;
  private bucket: number;
  private bucketAt: number;
  private readonly spent: Array<{ at: number; tokens: number }> = [];

  constructor(private readonly options: NarratorOptions) {
    this.now = options.now ?? Date.now;
    this.bucket = options.ratePerMinute;
    this.bucketAt = this.now();
  }

  get llmConfigured(): boolean {
    return this.options.endpoint !== undefined;
  }

  /** The templates' narrative (synchronous, always available). */
  template(incident: Incident, fallbackReason?: FallbackReason): Narrative {
    return templateNarrative(incident, this.now(), fallbackReason);
  }

  /** The best narrative available now: the LLM's, or the templates' with the reason. */
  async narrate(incident: Incident): Promise<Narrative> {
    const endpoint = this.options.endpoint;
    if (!endpoint) return this.template(incident);
    const { template, messages } = buildPrompt(incident);
    // Token estimate before the call: ~4 characters a token, plus the answer's cap.
    const estimate = Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4) + endpoint.maxTokens;
    if (this.tokensLastHour() + estimate > this.options.tokenBudgetPerHour)
      return this.template(incident, 'budget_exhausted');
    if (!this.take()) return this.template(incident, 'rate_limited');

    const started = performance.now();
    let failure: FallbackReason | undefined;
    let narrative: Narrative | undefined;
    const call = async (req?: {
      setUsage(u: { inputTokens?: number; outputTokens?: number }): void;
      setResponseModel(m: string): void;
      fail(reason: string): void;
    }) => {
      const answer = await chat(endpoint, messages);
      const input = answer.inputTokens ?? Math.ceil(estimate - endpoint.maxTokens);
      const output = answer.outputTokens ?? Math.ceil(answer.text.length / 4);
      this.spend(input + output);
      req?.setUsage({ inputTokens: input, outputTokens: output });
      if (answer.model && answer.model !== endpoint.model) req?.setResponseModel(answer.model);
      const parsed = parseAnswer(answer.text);
      if (!parsed) {
        failure = 'invalid_response';
        req?.fail('invalid_response');
        return;
      }
      narrative = {
        source: 'llm',
        template,
        model: answer.model ?? endpoint.model,
        revision: incident.revision,
        generatedAt: this.now(),
        ...parsed,
      };
    };
    try {
      if (this.options.monitor) await this.options.monitor.trackRequest({ model: endpoint.model }, call);
      else await call();
    } catch (error) {
      failure = error instanceof LlmError ? error.kind : 'invalid_response';
      if (!(error instanceof LlmError)) this.spend(estimate);
    }
    this.options.monitor?.recordToolCall(template, {
      durationSeconds: (performance.now() - started) / 1000,
      ...(failure ? { error: failure } : {}),
    });
    return narrative ?? this.template(incident, failure ?? 'invalid_response');
  }

  /** Prompt + answer tokens spent over the last hour. */
  tokensLastHour(): number {
    const cutoff = this.now() - HOUR_MS;
    while (this.spent.length > 0 && this.spent[0]!.at <= cutoff) this.spent.shift();
    return this.spent.reduce((n, s) => n + s.tokens, 0);
  }

  private take(): boolean {
    const now = this.now();
    const rate = this.options.ratePerMinute;
    this.bucket = Math.min(rate, this.bucket + ((now - this.bucketAt) * rate) / 60_000);
    this.bucketAt = now;
    if (this.bucket < 1) return false;
    this.bucket -= 1;
    return true;
  }

  private spend(tokens: number): void {
    this.spent.push({ at: this.now(), tokens });
  }
}

/** What makes an incident worth explaining again: severity, status, what and how many (in powers of two). */
export function materialKey(incident: Incident): string {
  const types = new Set(incident.anomalies.map((a) => a.type));
  return [
    incident.status,
    incident.severity,
    [...types].sort().join(','),
    incident.emergence
      .map((e) => e.type)
      .sort()
      .join(','),
    Math.floor(Math.log2(Math.max(1, incident.agentCount))),
  ].join('|');
}
