import { listen, type Bus, type Logger, type RunningServer, type ShardLeases } from '@swarmscope/core';
import { AnomalyDetector, SERVICE_NAME } from './anomaly-detector';
import type { AnomalyEngine } from './engine-port';
import type { AnomalyDetectorEnv } from './env';

export interface RunningAnomalyDetector {
  detector: AnomalyDetector;
  server: RunningServer;
  /** Stops accepting, stops reading the bus (in-flight batches finish). */
  stop(): Promise<void>;
}

/**
 * Starts anomaly-detector on its port over the given bus (its own entry and `swarmscope start` use it). `leases`
 * (the backend's, for failover between replicas) defaults to in-process ones: right for a single replica.
 */
export async function runAnomalyDetector(env: AnomalyDetectorEnv, bus: Bus, engine: AnomalyEngine, logger: Logger, leases?: ShardLeases): Promise<RunningAnomalyDetector> {
  const detector = new AnomalyDetector({ env, bus, engine, logger, ...(leases ? { leases } : {}) });
  await detector.start();
  const server = await listen(detector.app, { port: env.ANOMALY_DETECTOR_PORT, host: env.HOST, portVariable: 'ANOMALY_DETECTOR_PORT' });
  logger.info({ url: server.url, shards: detector.ownedShards }, `${SERVICE_NAME} listening`);
  return {
    detector,
    server,
    async stop() {
      await server.close(env.SHUTDOWN_TIMEOUT_SECONDS * 1000);
      await detector.stop();
    },
  };
}
