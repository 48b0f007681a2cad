import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { freePort } from '@swarmscope/testkit';

// The built service entry (the test command builds first), started as its own process like in production.
const MAIN = join(__dirname, '..', 'dist', 'main.js');

interface ExportedSpan {
  traceId: string;
  name: string;
}

/** A stand-in OTLP/HTTP receiver (JSON encoding, what the exporter sends by default): it records what arrives. */
async function otlpReceiver() {
  const resources: Array<{ serviceName: string; spans: ExportedSpan[] }> = [];
  const server = createServer(async (request: IncomingMessage, response) => {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    if (request.url === '/v1/traces') {
      const parsed = JSON.parse(body) as {
        resourceSpans: Array<{
          resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
          scopeSpans: Array<{ spans: ExportedSpan[] }>;
        }>;
      };
      for (const rs of parsed.resourceSpans) {
        resources.push({
          serviceName: rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '',
          spans: rs.scopeSpans.flatMap((s) => s.spans),
        });
      }
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    resources,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('health-monitor tracing', () => {
  it('exports spans over OTLP/HTTP with its service name, continuing the caller’s W3C trace', async () => {
    const receiver = await otlpReceiver();
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        HEALTH_MONITOR_PORT: String(port),
        LOG_LEVEL: 'warn',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      stdio: 'ignore',
    });
    try {
      const origin = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 20_000;
      while (
        !(await fetch(`${origin}/healthz`).then(
          (r) => r.ok,
          () => false,
        ))
      ) {
        if (Date.now() > deadline) throw new Error('health-monitor did not start');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const answer = await fetch(`${origin}/v1/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
        body: JSON.stringify({
          reports: [{ agentId: 'traced', metrics: { requests: 1, response_time_seconds: 0.1 } }],
        }),
      });
      expect(answer.status).toBe(200);
      const until = Date.now() + 20_000;
      while (!receiver.resources.some((r) => r.spans.some((s) => s.traceId === traceId))) {
        if (Date.now() > until)
          throw new Error(`no span of trace ${traceId} exported; got ${JSON.stringify(receiver.resources)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const resource = receiver.resources.find((r) => r.spans.some((s) => s.traceId === traceId))!;
      expect(resource.serviceName).toBe('swarmscope-health-monitor');
      expect(resource.spans.filter((s) => s.traceId === traceId).map((s) => s.name)).toEqual(
        expect.arrayContaining([expect.stringContaining('/v1/ingest')]),
      );
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await receiver.close();
    }
  });
});
