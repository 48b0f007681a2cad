import { defineService } from '@swarmscope/core';
import { incidentsEnv } from './env';
import { SERVICE_NAME } from './incident-service';
import { incidentsInstance } from './run';

/** incidents for the service kit (a fleet-wide singleton reading every shard; its incidents live in the store). */
export const incidentsService = defineService({
  name: SERVICE_NAME,
  env: incidentsEnv,
  run: ({ env, backends, logger }) => incidentsInstance(env, backends, logger),
});
