import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ActuationError } from './actuator';

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** PEM CA bundle to trust (a cluster's ca.crt) for https. */
  ca?: string | Buffer;
  timeoutMs?: number;
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

/**
 * One JSON request over node:http(s) (not fetch: the Kubernetes API server needs a custom CA, which Node's fetch
 * cannot take without undici's dispatcher). Resolves for every HTTP status; rejects with ActuationError on network
 * errors and timeouts.
 */
export function requestJson(options: JsonRequest): Promise<JsonResponse> {
  const url = new URL(options.url);
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (payload) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(payload.length);
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: options.method,
        headers,
        ...(options.ca ? { ca: options.ca } : {}),
        timeout: options.timeoutMs ?? 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) =>
          reject(new ActuationError(`${options.method} ${url.origin}${url.pathname}: ${error.message}`)),
        );
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          if (text && (res.headers['content-type'] ?? '').includes('json')) {
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 5000} ms`)));
    req.on('error', (error) =>
      reject(new ActuationError(`${options.method} ${url.origin}${url.pathname}: ${error.message}`)),
    );
    req.end(payload);
  });
}

/** The message of an error body: a Kubernetes Status, our `{ error: { message } }`, or the text. */
export function errorMessage(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 500);
  if (body && typeof body === 'object') {
    const record = body as { message?: unknown; error?: { message?: unknown } };
    if (typeof record.message === 'string') return record.message;
    if (typeof record.error?.message === 'string') return record.error.message;
  }
  return JSON.stringify(body)?.slice(0, 500) ?? 'no body';
}
