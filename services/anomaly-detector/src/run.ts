import {
  listenService,
  type Bus,
  type Logger,
  type RunningService,
  type ServiceInstance,
  type ShardLeases,
} from '@swarmscope/core';
import { AnomalyDetector, SERVICE_NAME } from './anomaly-detector';
import type { AnomalyEngine } from './engine/engine-port';
import type { AnomalyDetectorEnv } from './env';

export interface RunningAnomalyDetector extends RunningService<AnomalyDetector> {
  detector: AnomalyDetector;
}

/**
 * anomaly-detector started over the given bus, not yet listening (its definition and `runAnomalyDetector` use it).
 * `leases` (the backend's, for failover between replicas) defaults to in-process ones: right for a single replica.
 */
export async function anomalyDetectorInstance(
  env: AnomalyDetectorEnv,
  bus: Bus,
  engine: AnomalyEngine,
  logger: Logger,
  leases?: ShardLeases,
): Promise<ServiceInstance<AnomalyDetector>> {
  const detector = new AnomalyDetector({ env, bus, engine, logger, ...(leases ? { leases } : {}) });
  await detector.start();
  return {
    app: detector.app,
    service: detector,
    stop: () => detector.stop(),
    details: { shards: detector.ownedShards },
  };
}

/** Starts anomaly-detector on its port over the given bus (tests and benchmarks; stop() stops reading the bus too). */
export async function runAnomalyDetector(
  env: AnomalyDetectorEnv,
  bus: Bus,
  engine: AnomalyEngine,
  logger: Logger,
  leases?: ShardLeases,
): Promise<RunningAnomalyDetector> {
  const running = await listenService(
    SERVICE_NAME,
    env,
    await anomalyDetectorInstance(env, bus, engine, logger, leases),
    logger,
  );
  return { ...running, detector: running.service };
}
