import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './repo';
import { startDaemon, type Daemon } from './processes';
import { waitFor } from './wait-for';
import { freePort } from '@swarmscope/testkit';

/** The built CLI (the test command builds first), run as a user would. */
const CLI = join(repoRoot, 'tools', 'cli', 'dist', 'main.js');

export interface RunningPlatform {
  /** Service name (the Prometheus job) → loopback address. */
  addresses: Record<'health-monitor' | 'anomaly-detector' | 'emergence-detector' | 'autoscaler' | 'incidents', string>;
  daemon: Daemon;
  stop(): Promise<void>;
}

/**
 * `swarmscope start --agents N`: every service on a free loopback port (their *_PORT variables), the simulated fleet
 * reporting through the SDK; resolves once health-monitor is ready and the fleet is registered. With 0 agents it runs
 * `--no-fleet` (the test sends the traffic) and resolves once health-monitor is ready. `env` adds variables (tracing).
 */
export async function startPlatform(agents: number, env: Record<string, string> = {}): Promise<RunningPlatform> {
  const ports = {
    'health-monitor': await freePort(),
    'anomaly-detector': await freePort(),
    'emergence-detector': await freePort(),
    autoscaler: await freePort(),
    incidents: await freePort(),
  };
  const fleet = agents > 0 ? ['--agents', String(agents)] : ['--no-fleet'];
  // A history of its own: platforms of parallel tests must not share a data directory (DuckDB locks it); removed at stop.
  const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-ops-'));
  const stop = async () => {
    await daemon.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const daemon = startDaemon(process.execPath, [CLI, 'start', ...fleet], {
    ...process.env,
    LOG_LEVEL: 'warn',
    SWARMSCOPE_DATA_DIR: dataDir,
    HEALTH_MONITOR_PORT: String(ports['health-monitor']),
    ANOMALY_DETECTOR_PORT: String(ports['anomaly-detector']),
    EMERGENCE_DETECTOR_PORT: String(ports['emergence-detector']),
    AUTOSCALER_PORT: String(ports.autoscaler),
    INCIDENTS_PORT: String(ports.incidents),
    ...env,
  });
  const health = `http://127.0.0.1:${ports['health-monitor']}`;
  try {
    await waitFor(
      agents > 0 ? `${agents} agents registered` : 'health-monitor ready',
      async () => {
        if (daemon.child.exitCode !== null) throw new Error(`swarmscope start exited (${daemon.child.exitCode})`);
        if (agents === 0) return (await fetch(`${health}/readyz`)).ok ? true : undefined;
        const summary = (await (await fetch(`${health}/fleet/summary`)).json()) as { agents: { total: number } };
        return summary.agents.total >= agents ? true : undefined;
      },
      { timeoutMs: 60_000, detail: () => daemon.output() },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const addresses = Object.fromEntries(
    Object.entries(ports).map(([name, port]) => [name, `127.0.0.1:${port}`]),
  ) as RunningPlatform['addresses'];
  return { addresses, daemon, stop };
}
