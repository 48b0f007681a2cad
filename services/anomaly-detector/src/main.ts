import { tracing } from './instrumentation';
import { ConfigError, createBackends, createLogger, onShutdownSignal, parseEnv } from '@swarmscope/core';
import { SERVICE_NAME } from './anomaly-detector';
import { createDefaultEngine } from './default-engine';
import { anomalyDetectorEnv } from './env';
import { runAnomalyDetector } from './run';

/** anomaly-detector as its own process (distributed mode: REDIS_URL, and ANOMALY_SHARDS per replica). */
async function main(): Promise<void> {
  const env = parseEnv(anomalyDetectorEnv);
  const logger = createLogger({ name: SERVICE_NAME, level: env.LOG_LEVEL });
  // The store is unused here (anomalies live in the replica that owns the agent's shard); the bus is what matters.
  const backends = createBackends({ redisUrl: env.REDIS_URL, busShards: env.BUS_SHARDS, busMaxLen: env.BUS_MAX_LEN, windowRetentionMs: 3_600_000, logger });
  const running = await runAnomalyDetector(env, backends.bus, createDefaultEngine({ latencySloSeconds: env.LATENCY_SLO_SECONDS }), logger);
  onShutdownSignal(async (signal) => {
    logger.info({ signal }, 'shutting down');
    await running.stop();
    await backends.close();
    await tracing.shutdown();
    logger.flush();
  }, logger);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
