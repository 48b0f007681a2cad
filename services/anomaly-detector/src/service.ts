import { defineService } from '@swarmscope/core';
import { CONSUMER_GROUP, SERVICE_NAME } from './anomaly-detector';
import { engineOptionsFrom } from './engine/default-engine';
import { EngineThread } from './engine/engine-thread';
import { anomalyDetectorEnv } from './env';
import { anomalyDetectorInstance } from './run';

/** anomaly-detector for the service kit: its own process (distributed mode: ANOMALY_SHARDS per replica) or `swarmscope start`. */
export const anomalyDetectorService = defineService({
  name: SERVICE_NAME,
  env: anomalyDetectorEnv,
  // The store is unused: the bus carries the samples, the anomalies every replica merges, and the shard leases.
  // The engine scores on a thread of its own, embedded and distributed alike (one code path): the event loop keeps
  // ingest, the bus and the API.
  run: ({ env, backends, logger }) =>
    anomalyDetectorInstance(
      env,
      backends.bus,
      new EngineThread(engineOptionsFrom(env)),
      logger,
      backends.leases(CONSUMER_GROUP),
    ),
});
