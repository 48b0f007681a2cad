import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@swarmscope/testkit';

/**
 * The V8 flags Swarmscope's processes run with: `pnpm start` (package.json) and the image's NODE_OPTIONS (Dockerfile).
 * 64 MB semi-spaces instead of 16, so the per-report garbage is scavenged ≈ 4× less often — each scavenge of a heap
 * holding 10,000 agents' detector state pauses for ≈ 15–30 ms whatever its size (measured: p99 21.7 → 11.9 ms at
 * 100,000 samples/s).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=64'];

/** Waits until a service started as a child process answers /readyz (30 s at most; fails early if it exits). */
export async function waitReady(origin: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${origin}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${origin} did not become ready within 30 s`);
}

/** `swarmscope start --no-fleet` in a child process: its two addresses the benches feed and read, and its stop. */
export interface EmbeddedPlatform {
  child: ChildProcess;
  /** health-monitor's origin (ingest). */
  healthMonitor: string;
  /** anomaly-detector's origin (its /metrics). */
  anomalyDetector: string;
  /** Stops the process and removes its throwaway data directory. */
  stop(): Promise<void>;
}

/**
 * Starts the embedded platform (`main` is the CLI's main.js) on free loopback ports with a throwaway data directory and
 * resolves once health-monitor and anomaly-detector are ready. `nodeFlags` go before the script (e.g. --cpu-prof),
 * `env` over the defaults (warn logs, no keys, no Redis).
 */
export async function startEmbeddedPlatform(
  main: string,
  nodeFlags: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<EmbeddedPlatform> {
  const [hm, ad, em, as, inc] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-bench-'));
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...nodeFlags, main, 'start', '--no-fleet'], {
    env: {
      ...process.env,
      SWARMSCOPE_DATA_DIR: dataDir,
      HEALTH_MONITOR_PORT: String(hm),
      ANOMALY_DETECTOR_PORT: String(ad),
      EMERGENCE_DETECTOR_PORT: String(em),
      AUTOSCALER_PORT: String(as),
      INCIDENTS_PORT: String(inc),
      LOG_LEVEL: 'warn',
      API_KEYS: '',
      REDIS_URL: '',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const platform = { child, healthMonitor: `http://127.0.0.1:${hm}`, anomalyDetector: `http://127.0.0.1:${ad}`, stop };
  try {
    await waitReady(platform.healthMonitor, child);
    await waitReady(platform.anomalyDetector, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return platform;
}
