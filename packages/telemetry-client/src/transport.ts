import { Pool } from 'undici';

export interface TransportOptions {
  /** Pooled keep-alive connections: one per concurrent POST. */
  connections: number;
  apiKey?: string;
  compression: 'none' | 'gzip';
  requestTimeoutMs: number;
}

/** What a POST answered. */
export interface PostAnswer {
  status: number;
  retryAfter?: string;
  text: string;
}

/**
 * POSTs bodies to `{endpoint}{path}` (`/v1/ingest`, `/v1/interactions`) over a pool of keep-alive connections.
 * undici's Pool over node:http's Agent: measured on loopback with 4 concurrent POSTs, same
 * throughput for 1000-report bodies (JSON work dominates) and 25-55% more requests per second
 * with less CPU for small bodies. Idle sockets are unref'd by undici: they keep no process alive.
 */
export class BatchTransport {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly headers: Record<string, string>;

  constructor(endpoint: URL, path: string, options: TransportOptions) {
    this.path = endpoint.pathname.replace(/\/+$/, '') + path;
    this.headers = { 'content-type': 'application/json' };
    if (options.compression === 'gzip') this.headers['content-encoding'] = 'gzip';
    if (options.apiKey !== undefined) this.headers.authorization = `Bearer ${options.apiKey}`;
    this.pool = new Pool(endpoint.origin, {
      connections: options.connections,
      pipelining: 1,
      // The Fleet aborts each POST after requestTimeoutMs; these only bound the phases below it.
      connectTimeout: options.requestTimeoutMs,
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
    });
  }

  /** Rejects on network errors and on `signal` abort; resolves with any HTTP status. */
  async post(body: string | Buffer, signal: AbortSignal): Promise<PostAnswer> {
    const response = await this.pool.request({ path: this.path, method: 'POST', headers: this.headers, body, signal });
    // Read the whole answer, even an error page, so the connection goes back to the pool.
    const text = await response.body.text();
    const retryAfter = response.headers['retry-after'];
    return { status: response.statusCode, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, text };
  }

  /** Waits for running requests, then closes the connections. */
  close(): Promise<void> {
    return this.pool.close();
  }

  /** Closes the connections now, failing running requests. */
  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}
