import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { waitReady } from '../bench/child-service';
import type { OutagePlatform } from './outage';

/**
 * The real health-monitor (embedded store and bus) as its own process on a fixed port; `stop` kills it (SIGKILL:
 * answers in flight are lost, so the SDK re-posts them: at least once), `start` starts a new one on the same port.
 * The server's count is scraped from /metrics just before each kill.
 */
export function childProcessPlatform(port: number): OutagePlatform {
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let acknowledgedBefore = 0;
  const scrape = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return Number(/^swarmscope_ingest_reports_total\{[^}]*\} (\S+)$/m.exec(text)?.[1] ?? 0);
  };
  return {
    url,
    async start() {
      const main = join(dirname(require.resolve('@swarmscope/health-monitor')), 'main.js');
      child = spawn(process.execPath, [main], {
        env: {
          ...process.env,
          HEALTH_MONITOR_PORT: String(port),
          LOG_LEVEL: 'warn',
          API_KEYS: '',
          REDIS_URL: '',
          OTEL_EXPORTER_OTLP_ENDPOINT: '',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      await waitReady(url, child);
    },
    async stop() {
      if (!child) return;
      const dying = child;
      child = undefined;
      acknowledgedBefore += await scrape();
      const exited = new Promise((resolve) => dying.once('exit', resolve));
      dying.kill('SIGKILL');
      await exited;
    },
    async acknowledged() {
      return acknowledgedBefore + (child ? await scrape() : 0);
    },
  };
}
