import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type Daemon } from './processes';
import { waitFor } from './wait-for';
import { freePort } from '@swarmscope/testkit';

export interface QueryAnswer {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value?: [number, string] }> };
}

export interface LocalPrometheus {
  url: string;
  /** Instant query through the HTTP API (POST, as Grafana sends it). */
  query(expr: string): Promise<QueryAnswer>;
  stop(): Promise<void>;
}

/**
 * Starts Debian's `prometheus` on a free loopback port with `config` (YAML text) in a temporary folder (config and
 * TSDB), exemplar storage on; resolves once /-/ready answers.
 */
export async function startPrometheus(config: string): Promise<LocalPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'swarmscope-prometheus-'));
  await writeFile(join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let daemon: Daemon | undefined;
  try {
    daemon = startDaemon('prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--enable-feature=exemplar-storage',
      '--log.level=warn',
    ]);
    const started = daemon;
    await waitFor(
      'prometheus ready',
      async () => {
        if (started.child.exitCode !== null)
          throw new Error(
            `prometheus exited (${started.child.exitCode}); is it installed? apt-get install prometheus\n${started.output()}`,
          );
        return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
      },
      { timeoutMs: 30_000, detail: () => started.output() },
    );
  } catch (error) {
    await daemon?.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const running = daemon;
  return {
    url,
    async query(expr) {
      const answer = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: expr }),
      });
      return (await answer.json()) as QueryAnswer;
    },
    async stop() {
      await running.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
