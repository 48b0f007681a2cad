import { createLogger, parseEnv } from '@swarmscope/core';
import { backendsFor, healthMonitorEnv, runHealthMonitor, type RunningHealthMonitor } from '@swarmscope/health-monitor';
import type { OutagePlatform } from './outage';

/**
 * A health-monitor in this process (embedded) on a fixed port; `stop` is a graceful shutdown (in-flight batches are
 * answered), `start` a fresh instance on the same port, as after a restart.
 */
export function inProcessPlatform(port: number): OutagePlatform {
  const logger = createLogger({ name: 'outage', level: 'silent' });
  const env = parseEnv(healthMonitorEnv, { HEALTH_MONITOR_PORT: String(port), LOG_LEVEL: 'silent' });
  let running: { monitor: RunningHealthMonitor; close(): Promise<void> } | undefined;
  let acknowledgedBefore = 0;
  const count = async (monitor: RunningHealthMonitor) =>
    (await monitor.monitor.monitorMetrics.reports.get()).values[0]?.value ?? 0;
  return {
    url: `http://127.0.0.1:${port}`,
    async start() {
      const backends = await backendsFor(env, logger);
      const monitor = await runHealthMonitor(env, backends, logger);
      running = { monitor, close: () => backends.close() };
    },
    async stop() {
      if (!running) return;
      const { monitor, close } = running;
      running = undefined;
      await monitor.stop();
      acknowledgedBefore += await count(monitor);
      await close();
    },
    async acknowledged() {
      return acknowledgedBefore + (running ? await count(running.monitor) : 0);
    },
  };
}
