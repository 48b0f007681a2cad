import { request } from 'undici';
import { messageOf } from './encode';
import { ApiError, CLIENT_ERROR_CODES, type ApiIssue } from './errors';
import type {
  AgentIdentity,
  AgentRecord,
  MetricsResponse,
  QuickCallOptions,
  ReportMetrics,
  ReportQuality,
} from './types';
import { checkApiKey, checkEndpoint, checkNumber, checkString } from './validate';

/**
 * The manual path, one HTTP call each, for scripts and agents that report rarely. Unlike the Fleet
 * these wait for the answer and throw an {@link ApiError} on failure; for steady reporting use an
 * AgentMonitor (batched, retried, never throws).
 */

/**
 * `POST {endpoint}/agents/{agentId}/register`: registers the agent (or updates its model, type, pool
 * and labels) and resolves to the server's record of it. Throws an ApiError with the server's code and
 * message on a 4xx/5xx (`SWS_INVALID_FIELD`, `SWS_UNAUTHORIZED`, …), or a client code when no answer came.
 */
export function quickRegisterAgent(
  endpoint: string,
  agentId: string,
  agent: AgentIdentity,
  options: QuickCallOptions = {},
): Promise<AgentRecord> {
  if (typeof agent !== 'object' || agent === null)
    return Promise.reject(new TypeError('agent must be { model, type?, pool?, labels? }'));
  return call<AgentRecord>(
    endpoint,
    agentId,
    'register',
    { model: agent.model, type: agent.type, pool: agent.pool, labels: agent.labels },
    options,
  );
}

/**
 * `POST {endpoint}/agents/{agentId}/metrics`: one report of a registered agent (an unknown one gets
 * `SWS_NOT_FOUND`). `metrics` are snake_case samples in base units (`response_time_seconds`,
 * `cpu_percent`, …), `quality` scores in [0, 1]; the server's clock stamps them unless
 * `options.timestamp` (epoch ms) is given. Resolves to `{ accepted, samples }`; throws like
 * {@link quickRegisterAgent}.
 */
export function quickUpdateMetrics(
  endpoint: string,
  agentId: string,
  metrics: ReportMetrics,
  quality?: ReportQuality,
  options: QuickCallOptions & { timestamp?: number } = {},
): Promise<MetricsResponse> {
  return call<MetricsResponse>(
    endpoint,
    agentId,
    'metrics',
    { timestamp: options.timestamp, metrics, quality },
    options,
  );
}

async function call<T>(
  endpoint: string,
  agentId: string,
  action: string,
  body: unknown,
  options: QuickCallOptions,
): Promise<T> {
  const base = checkEndpoint(endpoint, 'endpoint');
  checkString(agentId, 'agentId', 128);
  const timeoutMs = checkNumber(options.timeoutMs ?? 10_000, 'timeoutMs', 1, 2 ** 31 - 1);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${checkApiKey(options.apiKey, 'apiKey')}`;
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}/agents/${encodeURIComponent(agentId)}/${action}`, base);

  const signal = AbortSignal.timeout(timeoutMs);
  let status: number;
  let text: string;
  try {
    const response = await request(url, { method: 'POST', headers, body: JSON.stringify(body), signal });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    if (signal.aborted) {
      throw new ApiError(
        'SWS_CLIENT_TIMEOUT',
        `${CLIENT_ERROR_CODES.SWS_CLIENT_TIMEOUT}: no answer from ${url.href} within ${timeoutMs} ms`,
        { cause: error },
      );
    }
    throw new ApiError(
      'SWS_CLIENT_UNREACHABLE',
      `${CLIENT_ERROR_CODES.SWS_CLIENT_UNREACHABLE} at ${url.href}: ${messageOf(error)}`,
      { cause: error },
    );
  }

  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  if (status >= 200 && status < 300 && answer !== undefined) return answer as T;
  const error = (answer as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    throw new ApiError(error.code, error.message, {
      status,
      issues: Array.isArray(error.issues) ? (error.issues as ApiIssue[]) : [],
    });
  }
  const excerpt = text.trim().slice(0, 200);
  throw new ApiError(
    'SWS_CLIENT_BAD_RESPONSE',
    `${CLIENT_ERROR_CODES.SWS_CLIENT_BAD_RESPONSE}: HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`,
    {
      status,
    },
  );
}
