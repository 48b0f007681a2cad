import { createServer } from 'node:http';
import { freePort } from '@swarmscope/testkit';

/** Serves a fixed Prometheus text exposition on /metrics (loopback, a free port): a stand-in scrape target. */
export async function startStaticMetrics(exposition: string) {
  const server = createServer((request, response) => {
    if (request.url === '/metrics')
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition);
    else response.writeHead(404).end();
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
