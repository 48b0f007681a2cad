import { tracing } from './instrumentation';
import { createLogger, parseEnv, runServiceProcess } from '@swarmscope/core';
import { healthMonitorEnv } from './env';
import { backendsFor, runHealthMonitor } from './run';
import { SERVICE_NAME } from './health-monitor';

/** health-monitor as its own process (distributed mode: set REDIS_URL). */
runServiceProcess(SERVICE_NAME, async () => {
  const env = parseEnv(healthMonitorEnv);
  const logger = createLogger({ name: SERVICE_NAME, level: env.LOG_LEVEL });
  const backends = await backendsFor(env, logger);
  const running = await runHealthMonitor(env, backends, logger);
  return {
    logger,
    async stop() {
      await running.stop();
      await backends.close();
    },
  };
}, tracing);
