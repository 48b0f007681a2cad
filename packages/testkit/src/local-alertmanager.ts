import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

export interface AlertmanagerHandle {
  url: string;
  stop(): Promise<void>;
}

const BINARIES = ['prometheus-alertmanager', 'alertmanager'];
const CONFIG = `route:
  receiver: 'null'
  group_wait: 1s
  group_interval: 1s
receivers:
  - name: 'null'
`;

/**
 * Starts a throwaway Alertmanager (Debian's prometheus-alertmanager) on a loopback port (a free one by default), clustering off, state
 * in a temporary folder; resolves once /-/ready answers. For tests and local runs.
 */
export async function startAlertmanager(options: { port?: number } = {}): Promise<AlertmanagerHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'swarmscope-alertmanager-'));
  await writeFile(join(dir, 'alertmanager.yml'), CONFIG);
  const port = options.port ?? (await freePort());
  const args = [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${dir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ];
  let lastError: unknown;
  for (const binary of BINARIES) {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    const failed = new Promise<Error>((resolve) => {
      child.once('error', (error) => resolve(error));
      child.once('exit', (code) => resolve(new Error(`${binary} exited with code ${code}:\n${output}`)));
    });
    const url = `http://127.0.0.1:${port}`;
    const outcome = await Promise.race([waitReady(url).then(() => undefined), failed]);
    if (outcome === undefined) {
      const killOnExit = () => child.kill('SIGKILL');
      process.on('exit', killOnExit);
      return {
        url,
        async stop() {
          process.off('exit', killOnExit);
          if (child.exitCode === null) {
            child.kill('SIGTERM');
            await new Promise((resolve) => child.once('exit', resolve));
          }
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    child.kill('SIGKILL');
    lastError = outcome;
    if ((outcome as NodeJS.ErrnoException).code !== 'ENOENT') break;
  }
  await rm(dir, { recursive: true, force: true });
  if ((lastError as NodeJS.ErrnoException)?.code === 'ENOENT') {
    throw new Error(
      'alertmanager is not installed: `apt-get install prometheus-alertmanager` (the test command does it)',
    );
  }
  throw lastError;
}

async function waitReady(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`alertmanager at ${url} not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
