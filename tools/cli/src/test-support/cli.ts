import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// What the CLI's end-to-end tests share: the built CLI run as a user runs it, a patient wait, a probe agent's data.

/**
 * Every CLI a test file started and the data directories made for them. A test that fails before it stops its
 * platform would leave it running, and its pipes keep the jest worker from exiting ("a worker process has failed to
 * exit gracefully"): after the file's tests, what still runs is killed and waited for, and the directories removed.
 */
const running = new Set<RunningCli>();
const madeDirs: string[] = [];
afterAll(async () => {
  for (const cli of running)
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  await Promise.all([...running].map((cli) => cli.exited));
  running.clear();
  for (const dir of madeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A directory removed after the test file's tests (its CLIs killed first). */
export function tempDataDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

/** The built CLI (the test command builds first). */
export const CLI = join(__dirname, '..', '..', 'dist', 'main.js');

export interface RunningCli {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
}

/**
 * Runs `swarmscope <args>` in a child process, logging at warn, on a data directory of its own unless `env` names
 * one (the history's DuckDB file takes a lock: two platforms must not share it).
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}): RunningCli {
  return spawnCli(process.execPath, [CLI, ...args], {
    SWARMSCOPE_DATA_DIR: env.SWARMSCOPE_DATA_DIR ?? tempDataDir('swarmscope-e2e-'),
    ...env,
  });
}

/**
 * Runs `swarmscope <args>` with its data directory on a real, small disk: a tmpfs of `sizeMb` mounted in a private
 * mount namespace (util-linux `unshare`; as root or through an unprivileged user namespace), gone when the CLI exits.
 * `full` fills that disk before the CLI starts; `diskPath` reaches a file on it from outside, through /proc.
 */
export function runCliOnSmallDisk(
  args: readonly string[],
  disk: { sizeMb: number; full?: boolean },
  env: Record<string, string> = {},
): RunningCli & { dataDir: string; diskPath: (file: string) => string } {
  const dataDir = tempDataDir('swarmscope-disk-');
  const fill = disk.full ? 'cat /dev/zero > "$0/filler" 2>/dev/null;' : '';
  const script = `mount -t tmpfs -o size=${disk.sizeMb}m swarmscope-test "$0" || exit 97; ${fill} exec "$@"`;
  const cli = spawnCli(
    'unshare',
    ['--user', '--map-root-user', '--mount', 'sh', '-c', script, dataDir, process.execPath, CLI, ...args],
    {
      ...env,
      SWARMSCOPE_DATA_DIR: dataDir,
    },
  );
  return { ...cli, dataDir, diskPath: (file) => join(`/proc/${cli.child.pid}/root`, dataDir, file) };
}

function spawnCli(command: string, argv: readonly string[], env: Record<string, string>): RunningCli {
  const child = spawn(command, argv, {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const cli = { child, exited, output: () => ({ stdout, stderr }) };
  running.add(cli);
  void exited.then(() => running.delete(cli));
  return cli;
}

/** Polls `probe` until it answers (a throw counts as not yet), or fails naming `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Half an hour of one steady agent, then five minutes in which every request fails slowly (data time, ending `now`). */
export function probeReports(agentId: string, now: number, extra: Record<string, unknown> = {}) {
  const reports = [];
  for (let t = now - 35 * 60_000, i = 0; t <= now; t += 10_000, i++) {
    const faulty = t > now - 5 * 60_000;
    reports.push({
      agentId,
      timestamp: t,
      model: 'probe-model',
      pool: 'probe',
      metrics: {
        requests: 2,
        errors: faulty ? 2 : i % 40 === 0 ? 1 : 0,
        response_time_seconds: faulty ? 9 + (i % 3) : 0.5 + (i % 5) * 0.02,
        input_tokens: 400,
        output_tokens: 120,
        cost_usd: 0.001,
      },
      ...extra,
    });
  }
  return reports;
}
