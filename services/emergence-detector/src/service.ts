import { defineService } from '@swarmscope/core';
import { SERVICE_NAME } from './emergence-detector';
import { emergenceDetectorEnv } from './env';
import { emergenceDetectorInstance } from './run';

/** emergence-detector for the service kit (a fleet-wide singleton reading every shard; the store is unused). */
export const emergenceDetectorService = defineService({
  name: SERVICE_NAME,
  env: emergenceDetectorEnv,
  run: async ({ env, backends, logger }) => emergenceDetectorInstance(env, backends.bus, logger),
});
