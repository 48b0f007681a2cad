import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the stand-in answers the next calls. */
export type StandInMode = 'ok' | 'http_error' | 'slow' | 'garbage_body' | 'garbage_answer';

export interface StandInRequest {
  path: string;
  body: {
    model?: string;
    messages?: Array<{ role: string; content: string }>;
    stream?: boolean;
    format?: string;
    max_tokens?: number;
    options?: { num_predict?: number };
  };
  authorization?: string;
}

export interface LlmStandIn {
  url: string;
  requests: StandInRequest[];
  mode: StandInMode;
  /** How long `slow` waits before answering, ms. */
  slowMs: number;
  close(): Promise<void>;
}

export const GOOD_ANSWER = {
  what: 'Twelve support agents answer slowly.',
  where: 'Pool support, models gpt-4o and gpt-4o-mini.',
  since: 'Since 06:00 UTC, 12 minutes so far.',
  cause: 'Latency is 6.1 s against a baseline of 0.9 s on every model: a shared dependency of the pool.',
  next: 'Check the pool’s retrieval service and its saturation.',
};

/**
 * A stand-in for an LLM server speaking the two wire formats the narrator uses: Ollama's `POST /api/chat`
 * (non-streaming: `{ model, message: { role, content }, done, prompt_eval_count, eval_count }`) and the OpenAI
 * chat completions API `POST /v1/chat/completions` (`{ choices: [{ message }], usage }`). No model runs on these
 * machines; this speaks their HTTP so the real client code is exercised.
 */
export async function startLlmStandIn(): Promise<LlmStandIn> {
  const state: LlmStandIn = { url: '', requests: [], mode: 'ok', slowMs: 2000, close: async () => {} };
  const server: Server = createServer((request, response) => {
    void readJson(request).then(async (body) => {
      const path = request.url ?? '';
      state.requests.push({
        path,
        body: body as StandInRequest['body'],
        ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      });
      const ollama = path === '/api/chat';
      if (!ollama && path !== '/v1/chat/completions') {
        response
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: `no route ${path}` }));
        return;
      }
      if (state.mode === 'http_error') {
        response
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'model failed to load' }));
        return;
      }
      // Slow, but no longer than the caller waits: a timer left running after the client gave up (and the stand-in
      // closed) kept jest's worker alive past its exit ("A worker process has failed to exit gracefully").
      if (state.mode === 'slow') await untilOrClosed(state.slowMs, response);
      if (state.mode === 'garbage_body') {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"choices": [ this is not json');
        return;
      }
      const content =
        state.mode === 'garbage_answer' ? 'Sure! The incident is bad. I hope this helps.' : JSON.stringify(GOOD_ANSWER);
      const model = (body as StandInRequest['body']).model ?? 'unknown';
      const answer = ollama
        ? {
            model,
            created_at: new Date().toISOString(),
            message: { role: 'assistant', content },
            done: true,
            done_reason: 'stop',
            prompt_eval_count: 321,
            eval_count: 87,
          }
        : {
            id: 'chatcmpl-1',
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model,
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 321, completion_tokens: 87, total_tokens: 408 },
          };
      if (!response.destroyed)
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return {};
  }
}

/** Resolves after `ms`, or as soon as the response's connection closes, whichever comes first; leaves no timer behind. */
function untilOrClosed(ms: number, response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    response.once('close', done);
    function done() {
      clearTimeout(timer);
      response.off('close', done);
      resolve();
    }
  });
}
