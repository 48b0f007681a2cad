import { StartupError, defineService } from '@swarmscope/core';
import { openBusHistory, retentionFrom } from '@swarmscope/history';
import { healthMonitorEnv } from './env';
import { SERVICE_NAME } from './health-monitor';
import { healthMonitorInstance, windowRetentionMs } from './run';

/**
 * health-monitor for the service kit (ingest, registry, health, windows; the store keeps WINDOW_RETENTION_HOURS of
 * windows). On Redis with SWARMSCOPE_DATA_DIR set, this replica also keeps the durable history, written from the bus,
 * and its window reads reach into it (embedded mode's history is `swarmscope start`'s own).
 */
export const healthMonitorService = defineService({
  name: SERVICE_NAME,
  env: healthMonitorEnv,
  windowRetentionMs,
  run: async ({ env, backends, logger }) => {
    const dataDir = backends.store.kind === 'redis' ? env.SWARMSCOPE_DATA_DIR : undefined;
    if (!dataDir) return healthMonitorInstance(env, backends, logger);
    const kept = await openBusHistory(backends, { dataDir, logger, retention: retentionOf(env) });
    try {
      const instance = await healthMonitorInstance(env, { bus: backends.bus, store: kept.store }, logger);
      kept.maintenance.register(instance.service.metrics.registry);
      return {
        ...instance,
        details: { ...instance.details, history: kept.history.path },
        async stop() {
          await instance.stop();
          await kept.close();
        },
      };
    } catch (error) {
      await kept.close();
      throw error;
    }
  },
});

/** The retention variables, a bad one a StartupError naming it. */
function retentionOf(env: { RETENTION_RAW?: string; RETENTION_ROLLUP?: string; RETENTION_EVENTS?: string }) {
  try {
    return retentionFrom(env);
  } catch (error) {
    throw new StartupError((error as Error).message);
  }
}
