import {
  listen,
  listenService,
  openBackends,
  type Backends,
  type Logger,
  type RunningServer,
  type RunningService,
  type ServiceInstance,
} from '@swarmscope/core';
import type { HealthMonitorEnv } from './env';
import { HealthMonitor, SERVICE_NAME } from './health-monitor';

export interface RunningHealthMonitor extends RunningService<HealthMonitor> {
  monitor: HealthMonitor;
  /** The OTLP_PORT listener, when set. */
  otlpServer: RunningServer | undefined;
}

/**
 * health-monitor started over the given store and bus, with its OTLP_PORT listener when set, its main port not yet
 * listening (its definition and `runHealthMonitor` use it). Its stop closes the OTLP listener, then flushes the
 * registry and windows.
 */
export async function healthMonitorInstance(
  env: HealthMonitorEnv,
  backends: Pick<Backends, 'bus' | 'store'>,
  logger: Logger,
  now?: () => number,
): Promise<ServiceInstance<HealthMonitor> & { otlpServer: RunningServer | undefined }> {
  const monitor = new HealthMonitor({ env, store: backends.store, bus: backends.bus, logger, ...(now ? { now } : {}) });
  await monitor.start();
  // OTLP exporters' conventional port (4318) as a second listener of the same app, when asked for.
  const otlpServer =
    env.OTLP_PORT === undefined
      ? undefined
      : await listen(monitor.app, { port: env.OTLP_PORT, host: env.HOST, portVariable: 'OTLP_PORT' }).catch(
          async (error: unknown) => {
            await monitor.stop();
            throw error;
          },
        );
  if (otlpServer) logger.info({ url: otlpServer.url }, 'OTLP/HTTP listening');
  return {
    app: monitor.app,
    service: monitor,
    otlpServer,
    async stop() {
      await otlpServer?.close(env.SHUTDOWN_TIMEOUT_SECONDS * 1000);
      await monitor.stop();
    },
    details: { store: backends.store.kind, bus: backends.bus.kind },
  };
}

/** Starts health-monitor on its port over the given store and bus (tests and benchmarks; stop() drains, then flushes). */
export async function runHealthMonitor(
  env: HealthMonitorEnv,
  backends: Pick<Backends, 'bus' | 'store'>,
  logger: Logger,
  now?: () => number,
): Promise<RunningHealthMonitor> {
  const instance = await healthMonitorInstance(env, backends, logger, now);
  const running = await listenService(SERVICE_NAME, env, instance, logger);
  return { ...running, monitor: running.service, otlpServer: instance.otlpServer };
}

/** The store and bus this environment asks for: in memory, or in Redis when REDIS_URL or REDIS_CLUSTER_NODES is set. */
export function backendsFor(env: HealthMonitorEnv, logger: Logger): Promise<Backends> {
  return openBackends({ env, windowRetentionMs: windowRetentionMs(env), logger });
}

export const windowRetentionMs = (env: HealthMonitorEnv) => env.WINDOW_RETENTION_HOURS * 3_600_000;
