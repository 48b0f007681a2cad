import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenFailure } from '../startup-error';

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  /**
   * Stops accepting, lets in-flight requests finish (up to `timeoutMs`), then closes every connection. The server
   * emits `closing` first: long-lived responses (event streams) end on it rather than holding the drain.
   */
  close(timeoutMs?: number): Promise<void>;
}

/**
 * Listens on host:port (port 0 picks a free one). A busy or forbidden port rejects with a StartupError naming the
 * port and `portVariable`, the variable that moves it.
 */
export async function listen(
  handler: RequestListener,
  options: { port: number; host: string; portVariable?: string },
): Promise<RunningServer> {
  const server = createServer({ keepAliveTimeout: 65_000 }, handler);
  server.listen(options.port, options.host);
  // `once` rejects with the 'error' event's error.
  await once(server, 'listening').catch((error: unknown) =>
    Promise.reject(listenFailure(error as NodeJS.ErrnoException, options)),
  );
  const port = (server.address() as AddressInfo).port;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    server,
    port,
    url: `http://${shownHost}:${port}`,
    async close(timeoutMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.emit('closing');
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
