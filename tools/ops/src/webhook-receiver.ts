import { createServer } from 'node:http';
import { freePort } from '@swarmscope/testkit';

/** Alertmanager's webhook payload (the fields the tests read). */
export interface WebhookNotification {
  receiver: string;
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
  alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string> }>;
}

/** An HTTP endpoint on loopback that records every webhook notification posted to it, with the path it came to. */
export async function startWebhookReceiver() {
  const received: Array<{ path: string; body: WebhookNotification }> = [];
  const server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    received.push({ path: request.url ?? '', body: JSON.parse(body) as WebhookNotification });
    response.writeHead(200).end();
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
