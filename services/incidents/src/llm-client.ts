import { z } from 'zod';
import type { ChatMessage } from './prompt';

/** Which wire format the endpoint speaks: Ollama's `/api/chat` or the OpenAI chat completions API. */
export type LlmApi = 'ollama' | 'openai';

export interface LlmEndpoint {
  /** Base URL: `http://127.0.0.1:11434` (Ollama), `https://api.openai.com` or any compatible server (a trailing `/v1` is fine). */
  url: string;
  model: string;
  api: LlmApi;
  apiKey?: string;
  timeoutMs: number;
  /** Upper bound on the answer's tokens. */
  maxTokens: number;
}

export interface ChatAnswer {
  text: string;
  /** Token counts as the server reports them (absent when it does not). */
  inputTokens?: number;
  outputTokens?: number;
  /** The model that answered, when the server names it. */
  model?: string;
}

/** Why a call failed, as a short stable kind (it becomes the narrator's `error.type` and the fallback reason). */
export type LlmFailure = 'timeout' | 'http_error' | 'unreachable' | 'invalid_response';

export class LlmError extends Error {
  constructor(
    readonly kind: LlmFailure,
    message: string,
  ) {
    super(message);
    // The SDK reports error.name as the request's error.type.
    this.name = kind;
  }
}

const ollamaAnswer = z.object({
  model: z.string().optional(),
  message: z.object({ content: z.string() }),
  prompt_eval_count: z.number().int().nonnegative().optional(),
  eval_count: z.number().int().nonnegative().optional(),
});

const openaiAnswer = z.object({
  model: z.string().optional(),
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
  usage: z
    .object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() })
    .partial()
    .optional(),
});

/** One chat call, non-streaming, with a deadline. Throws an LlmError naming what went wrong. */
export async function chat(endpoint: LlmEndpoint, messages: readonly ChatMessage[]): Promise<ChatAnswer> {
  const base = endpoint.url.replace(/\/+$/, '').replace(/\/v1$/, '');
  const ollama = endpoint.api === 'ollama';
  const url = ollama ? `${base}/api/chat` : `${base}/v1/chat/completions`;
  const body = ollama
    ? {
        model: endpoint.model,
        messages,
        stream: false,
        format: 'json',
        options: { temperature: 0.2, num_predict: endpoint.maxTokens },
      }
    : { model: endpoint.model, messages, temperature: 0.2, max_tokens: endpoint.maxTokens };
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError')
      throw new LlmError('timeout', `no answer from ${url} within ${endpoint.timeoutMs} ms`);
    throw new LlmError('unreachable', `${url}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new LlmError('http_error', `${url} answered ${response.status}: ${text.slice(0, 200)}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LlmError('invalid_response', `${url} answered something that is not JSON: ${text.slice(0, 100)}`);
  }
  if (ollama) {
    const parsed = ollamaAnswer.safeParse(json);
    if (!parsed.success) throw new LlmError('invalid_response', `${url}: not an Ollama chat answer`);
    const a = parsed.data;
    return {
      text: a.message.content,
      ...(a.prompt_eval_count !== undefined ? { inputTokens: a.prompt_eval_count } : {}),
      ...(a.eval_count !== undefined ? { outputTokens: a.eval_count } : {}),
      ...(a.model ? { model: a.model } : {}),
    };
  }
  const parsed = openaiAnswer.safeParse(json);
  if (!parsed.success) throw new LlmError('invalid_response', `${url}: not a chat completion`);
  const a = parsed.data;
  return {
    text: a.choices[0]!.message.content ?? '',
    ...(a.usage?.prompt_tokens !== undefined ? { inputTokens: a.usage.prompt_tokens } : {}),
    ...(a.usage?.completion_tokens !== undefined ? { outputTokens: a.usage.completion_tokens } : {}),
    ...(a.model ? { model: a.model } : {}),
  };
}
