import { tracing } from './instrumentation';
import { createLogger, openBackends, parseEnv, runServiceProcess } from '@swarmscope/core';
import { SERVICE_NAME } from './emergence-detector';
import { emergenceDetectorEnv } from './env';
import { runEmergenceDetector } from './run';

/** emergence-detector as its own process (distributed mode: REDIS_URL; one replica, it reads every shard). */
runServiceProcess(SERVICE_NAME, async () => {
  const env = parseEnv(emergenceDetectorEnv);
  const logger = createLogger({ name: SERVICE_NAME, level: env.LOG_LEVEL });
  // The store is unused (events live in this singleton and on the bus); the bus is what matters.
  const backends = await openBackends({ env, windowRetentionMs: 3_600_000, logger });
  const running = await runEmergenceDetector(env, backends.bus, logger);
  return {
    logger,
    async stop() {
      await running.stop();
      await backends.close();
    },
  };
}, tracing);
