import { tracing } from './instrumentation';
import { createLogger, openBackends, parseEnv, runServiceProcess } from '@swarmscope/core';
import { incidentsEnv } from './env';
import { SERVICE_NAME } from './incident-service';
import { runIncidents } from './run';

/** incidents as its own process (distributed mode: REDIS_URL; one replica, it reads every shard). */
runServiceProcess(SERVICE_NAME, async () => {
  const env = parseEnv(incidentsEnv);
  const logger = createLogger({ name: SERVICE_NAME, level: env.LOG_LEVEL });
  const backends = await openBackends({ env, windowRetentionMs: 3_600_000, logger });
  const running = await runIncidents(env, backends, logger);
  return {
    logger,
    async stop() {
      await running.stop();
      await backends.close();
    },
  };
}, tracing);
