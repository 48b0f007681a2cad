import type { LlmApi } from './llm-client';
import { Narrator } from './narrator';
import { buildPrompt, PROMPT_TEMPLATES } from './prompt';
import { burstIncident } from './test-support/fixtures';
import { GOOD_ANSWER, startLlmStandIn, type LlmStandIn } from './test-support/llm-stand-in';
import { freePort } from '@swarmscope/testkit';

describe('Narrator', () => {
  let llm: LlmStandIn;
  beforeEach(async () => {
    llm = await startLlmStandIn();
  });
  afterEach(async () => {
    await llm.close();
  });

  const narrator = (
    api: LlmApi,
    over: {
      timeoutMs?: number;
      ratePerMinute?: number;
      tokenBudgetPerHour?: number;
      now?: () => number;
      apiKey?: string;
      url?: string;
    } = {},
  ) =>
    new Narrator({
      endpoint: {
        url: over.url ?? llm.url,
        model: 'llama3.1:8b',
        api,
        timeoutMs: over.timeoutMs ?? 5000,
        maxTokens: 300,
        ...(over.apiKey ? { apiKey: over.apiKey } : {}),
      },
      ratePerMinute: over.ratePerMinute ?? 100,
      tokenBudgetPerHour: over.tokenBudgetPerHour ?? 100_000,
      ...(over.now ? { now: over.now } : {}),
    });

  it('narrates from the templates when no LLM is configured, from the numbers', async () => {
    const incident = burstIncident();
    const n = await new Narrator({ ratePerMinute: 10, tokenBudgetPerHour: 1000 }).narrate(incident);
    expect(n).toMatchObject({ source: 'template', template: 'correlated_anomalies', revision: incident.revision });
    expect(n.fallbackReason).toBeUndefined();
    expect(n.what).toMatch(
      /^Latency spike across 12 agents of pool support: 12 agents, 12 anomalies \(12 still open\)/,
    );
    expect(n.where).toBe(
      'Pool support; models gpt-4o, gpt-4o-mini; agents support-0, support-1, support-2, support-3, support-4 and 7 more.',
    );
    expect(n.since).toMatch(/^Since 2026-01-05T06:00:00.000Z \(/);
    expect(n.cause).toContain('2 models are affected in pool support alone');
    expect(n.cause).toContain('value 6.1, baseline 0.9, ratio 6.78');
    expect(n.next).toContain('GET /agents/support-0/anomalies');
    expect(llm.requests).toEqual([]);
  });

  it.each<[LlmApi, string]>([
    ['ollama', '/api/chat'],
    ['openai', '/v1/chat/completions'],
  ])('asks %s at %s with the evidence numbers only, and uses its answer', async (api, path) => {
    const incident = burstIncident();
    const n = await narrator(api, { apiKey: 'sk-test', url: api === 'openai' ? `${llm.url}/v1` : llm.url }).narrate(
      incident,
    );
    expect(n).toMatchObject({
      source: 'llm',
      template: PROMPT_TEMPLATES.anomalies,
      model: 'llama3.1:8b',
      revision: incident.revision,
      ...GOOD_ANSWER,
    });
    expect(llm.requests).toHaveLength(1);
    const [request] = llm.requests;
    expect(request!.path).toBe(path);
    expect(request!.authorization).toBe('Bearer sk-test');
    expect(request!.body.model).toBe('llama3.1:8b');
    if (api === 'ollama')
      expect(request!.body).toMatchObject({ stream: false, format: 'json', options: { num_predict: 300 } });
    else expect(request!.body.max_tokens).toBe(300);
    const facts = JSON.parse(request!.body.messages!.find((m) => m.role === 'user')!.content) as {
      agentCount: number;
      strongestAnomalies: Array<{ evidence: Record<string, number> }>;
    };
    expect(facts.agentCount).toBe(12);
    expect(facts.strongestAnomalies[0]!.evidence).toEqual({ value: 6.1, baseline: 0.9, ratio: 6.78 });
    expect(JSON.stringify(request!.body)).not.toContain('RAW DETECTOR PROSE');
  });

  it.each<[string, Partial<LlmStandIn>, number | undefined, string]>([
    ['an HTTP error', { mode: 'http_error' }, undefined, 'http_error'],
    ['a timeout', { mode: 'slow', slowMs: 3000 }, 200, 'timeout'],
    ['a body that is not JSON', { mode: 'garbage_body' }, undefined, 'invalid_response'],
    ['an answer that is not the JSON asked for', { mode: 'garbage_answer' }, undefined, 'invalid_response'],
  ])('falls back to the templates on %s and says why', async (_name, behaviour, timeoutMs, reason) => {
    Object.assign(llm, behaviour);
    const incident = burstIncident();
    for (const api of ['ollama', 'openai'] as const) {
      const n = await narrator(api, timeoutMs ? { timeoutMs } : {}).narrate(incident);
      expect({ api, source: n.source, fallbackReason: n.fallbackReason, template: n.template }).toEqual({
        api,
        source: 'template',
        fallbackReason: reason,
        template: 'correlated_anomalies',
      });
      expect(n.what).toContain('12 agents');
    }
    expect(llm.requests).toHaveLength(2);
  });

  it('falls back when the LLM server is unreachable', async () => {
    const n = await narrator('ollama', { url: `http://127.0.0.1:${await freePort()}` }).narrate(burstIncident());
    expect(n).toMatchObject({ source: 'template', fallbackReason: 'unreachable' });
  });

  it('keeps to the token budget per hour: no call that could exceed it, calls again an hour later', async () => {
    let now = Date.UTC(2026, 0, 5, 12);
    const incident = burstIncident();
    expect(await narrator('ollama', { tokenBudgetPerHour: 100, now: () => now }).narrate(incident)).toMatchObject({
      source: 'template',
      fallbackReason: 'budget_exhausted',
    });
    expect(llm.requests).toHaveLength(0);
    // Room for one call (the prompt estimate, ~4 characters a token, plus the 300-token cap), not two after it spent 408.
    const estimate = Math.ceil(buildPrompt(incident).messages.reduce((sum, m) => sum + m.content.length, 0) / 4) + 300;
    const n = narrator('openai', { tokenBudgetPerHour: estimate + 100, now: () => now });
    expect((await n.narrate(incident)).source).toBe('llm');
    expect(n.tokensLastHour()).toBe(408);
    expect(await n.narrate(incident)).toMatchObject({ source: 'template', fallbackReason: 'budget_exhausted' });
    now += 3_600_001;
    expect(n.tokensLastHour()).toBe(0);
    expect((await n.narrate(incident)).source).toBe('llm');
    expect(llm.requests).toHaveLength(2);
  });

  it('keeps to the rate limit', async () => {
    let now = Date.UTC(2026, 0, 5, 12);
    const n = narrator('ollama', { ratePerMinute: 1, now: () => now });
    const incident = burstIncident();
    expect((await n.narrate(incident)).source).toBe('llm');
    expect(await n.narrate(incident)).toMatchObject({ source: 'template', fallbackReason: 'rate_limited' });
    now += 60_000;
    expect((await n.narrate(incident)).source).toBe('llm');
    expect(llm.requests).toHaveLength(2);
  });
});
