import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// What the CLI's end-to-end tests share: the built CLI run as a user runs it, a patient wait, a probe agent's data.

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
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', SWARMSCOPE_DATA_DIR: mkdtempSync(join(tmpdir(), 'swarmscope-e2e-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
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
      metrics: { requests: 2, errors: faulty ? 2 : i % 40 === 0 ? 1 : 0, response_time_seconds: faulty ? 9 + (i % 3) : 0.5 + (i % 5) * 0.02, input_tokens: 400, output_tokens: 120, cost_usd: 0.001 },
      ...extra,
    });
  }
  return reports;
}
