import { listen, openBackends, type Backends, type Logger, type RunningServer } from '@swarmscope/core';
import type { HealthMonitorEnv } from './env';
import { HealthMonitor } from './health-monitor';

export interface RunningHealthMonitor {
  monitor: HealthMonitor;
  server: RunningServer;
  /** The OTLP_PORT listener, when set. */
  otlpServer: RunningServer | undefined;
  /** Stops accepting, drains in-flight requests, then flushes the registry and windows. */
  stop(): Promise<void>;
}

/** Starts health-monitor on its port over the given store and bus (used by its own entry and by `swarmscope start`). */
export async function runHealthMonitor(env: HealthMonitorEnv, backends: Backends, logger: Logger, now?: () => number): Promise<RunningHealthMonitor> {
  const monitor = new HealthMonitor({ env, store: backends.store, bus: backends.bus, logger, ...(now ? { now } : {}) });
  await monitor.start();
  const server = await listen(monitor.app, { port: env.HEALTH_MONITOR_PORT, host: env.HOST, portVariable: 'HEALTH_MONITOR_PORT' });
  logger.info({ url: server.url, store: backends.store.kind, bus: backends.bus.kind }, 'health-monitor listening');
  // OTLP exporters' conventional port (4318) as a second listener of the same app, when asked for.
  const otlpServer = env.OTLP_PORT === undefined ? undefined : await listen(monitor.app, { port: env.OTLP_PORT, host: env.HOST });
  if (otlpServer) logger.info({ url: otlpServer.url }, 'OTLP/HTTP listening');
  return {
    monitor,
    server,
    otlpServer,
    async stop() {
      await Promise.all([server.close(env.SHUTDOWN_TIMEOUT_SECONDS * 1000), otlpServer?.close(env.SHUTDOWN_TIMEOUT_SECONDS * 1000)]);
      await monitor.stop();
    },
  };
}

/** The store and bus this environment asks for: in memory, or in Redis when REDIS_URL or REDIS_CLUSTER_NODES is set. */
export function backendsFor(env: HealthMonitorEnv, logger: Logger): Promise<Backends> {
  return openBackends({ env, windowRetentionMs: env.WINDOW_RETENTION_HOURS * 3_600_000, logger });
}
