import { defineService } from '@swarmscope/core';
import { CONSUMER_GROUP, SERVICE_NAME } from './anomaly-detector';
import { createDefaultEngine, engineOptionsFrom } from './engine/default-engine';
import { anomalyDetectorEnv } from './env';
import { anomalyDetectorInstance } from './run';

/** anomaly-detector for the service kit: its own process (distributed mode: ANOMALY_SHARDS per replica) or `swarmscope start`. */
export const anomalyDetectorService = defineService({
  name: SERVICE_NAME,
  env: anomalyDetectorEnv,
  // The store is unused: the bus carries the samples, the anomalies every replica merges, and the shard leases.
  run: ({ env, backends, logger }) => anomalyDetectorInstance(env, backends.bus, createDefaultEngine(engineOptionsFrom(env)), logger, backends.leases(CONSUMER_GROUP)),
});
