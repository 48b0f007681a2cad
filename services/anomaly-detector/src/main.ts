import { tracing } from './instrumentation';
import { createLogger, openBackends, parseEnv, runServiceProcess } from '@swarmscope/core';
import { CONSUMER_GROUP, SERVICE_NAME } from './anomaly-detector';
import { createDefaultEngine } from './default-engine';
import { anomalyDetectorEnv } from './env';
import { runAnomalyDetector } from './run';

/** anomaly-detector as its own process (distributed mode: REDIS_URL, and ANOMALY_SHARDS per replica). */
runServiceProcess(SERVICE_NAME, async () => {
  const env = parseEnv(anomalyDetectorEnv);
  const logger = createLogger({ name: SERVICE_NAME, level: env.LOG_LEVEL });
  // The store is unused here: the bus carries the samples, the anomalies every replica merges, and the shard leases' backend.
  const backends = await openBackends({ env, windowRetentionMs: 3_600_000, logger });
  const running = await runAnomalyDetector(env, backends.bus, createDefaultEngine({ latencySlos: env.LATENCY_SLOS }), logger, backends.leases(CONSUMER_GROUP));
  return {
    logger,
    async stop() {
      await running.stop();
      await backends.close();
    },
  };
}, tracing);
