import { tracing } from './instrumentation';
import { createLogger, openBackends, parseEnv, runServiceProcess } from '@swarmscope/core';
import { SERVICE_NAME } from './autoscaler';
import { autoscalerEnv } from './env';
import { runAutoscaler } from './run';

/** autoscaler as its own process (distributed mode: REDIS_URL; one replica reads every shard). */
runServiceProcess(SERVICE_NAME, async () => {
  const env = parseEnv(autoscalerEnv);
  const logger = createLogger({ name: SERVICE_NAME, level: env.LOG_LEVEL });
  const backends = await openBackends({ env, windowRetentionMs: 3_600_000, logger });
  const running = await runAutoscaler(env, backends.bus, backends.store, logger);
  return {
    logger,
    async stop() {
      await running.stop();
      await backends.close();
    },
  };
}, tracing);
