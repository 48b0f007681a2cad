import { Agent, request } from 'undici';
import type { FuzzCase, FuzzService } from './payloads';

export interface FuzzFailure {
  service: FuzzService;
  path: string;
  shape: string;
  status: number | 'no answer';
  answer: string;
  body: string;
}

export interface FuzzTally {
  sent: number;
  /** Answers by status class and code, e.g. `400 SWS_INVALID_FIELD`, `200`. */
  byStatus: Record<string, number>;
  fiveXx: number;
  /** Bodies that are not JSON (text/plain, XML, a form, no type) answered 2xx: dropped or misread, never refused. */
  notJsonAccepted: number;
  /** Requests with no HTTP answer (connection reset, timeout): a crash or a hang. */
  noAnswer: number;
  /** The first failures (5xx, a non-JSON body accepted, or no answer), for the report. */
  failures: FuzzFailure[];
}

const MAX_KEPT_FAILURES = 20;
const REQUEST_TIMEOUT_MS = 30_000;

export interface FuzzRunHooks {
  onProgress?: (sent: number) => void;
  /** Each case with its answer's status, as it comes. */
  onAnswer?: (c: FuzzCase, status: number) => void;
}

/** Sends every case (POST) to its service, `concurrency` at a time, and tallies the answers. */
export async function runFuzzCases(
  cases: Iterable<FuzzCase>,
  urls: Record<FuzzService, string>,
  concurrency: number,
  hooks: FuzzRunHooks = {},
): Promise<FuzzTally> {
  const { onProgress, onAnswer } = hooks;
  const tally: FuzzTally = { sent: 0, byStatus: {}, fiveXx: 0, notJsonAccepted: 0, noAnswer: 0, failures: [] };
  const dispatcher = new Agent({
    connections: concurrency,
    headersTimeout: REQUEST_TIMEOUT_MS,
    bodyTimeout: REQUEST_TIMEOUT_MS,
  });
  const iterator = cases[Symbol.iterator]();
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      await send(next.value);
      tally.sent++;
      if (onProgress && tally.sent % 1000 === 0) onProgress(tally.sent);
    }
  };
  const send = async (c: FuzzCase) => {
    try {
      const answer = await request(urls[c.service] + c.path, {
        method: 'POST',
        headers: c.headers,
        body: c.body,
        dispatcher,
      });
      const text = await answer.body.text();
      const code = answer.statusCode >= 400 ? ` ${codeOf(text)}` : '';
      tally.byStatus[`${answer.statusCode}${code}`] = (tally.byStatus[`${answer.statusCode}${code}`] ?? 0) + 1;
      onAnswer?.(c, answer.statusCode);
      if (answer.statusCode >= 500) {
        tally.fiveXx++;
        keep(c, answer.statusCode, text);
      } else if (c.notJson && answer.statusCode < 300) {
        tally.notJsonAccepted++;
        keep(c, answer.statusCode, text);
      }
    } catch (error) {
      tally.noAnswer++;
      keep(c, 'no answer', (error as Error).message);
    }
  };
  const keep = (c: FuzzCase, status: number | 'no answer', answer: string) => {
    if (tally.failures.length < MAX_KEPT_FAILURES)
      tally.failures.push({
        service: c.service,
        path: c.path.slice(0, 200),
        shape: c.shape,
        status,
        answer: answer.slice(0, 300),
        body: c.body.subarray(0, 300).toString('latin1'),
      });
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await dispatcher.close();
  }
  return tally;
}

function codeOf(text: string): string {
  try {
    return (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? 'no code';
  } catch {
    return 'not JSON';
  }
}
