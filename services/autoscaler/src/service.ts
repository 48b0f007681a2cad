import { defineService } from '@swarmscope/core';
import { SERVICE_NAME } from './autoscaler';
import { autoscalerEnv } from './env';
import { autoscalerInstance } from './run';

/** The autoscaler for the service kit (one replica reads every shard; AUTOSCALER_ACTUATOR says what it scales). */
export const autoscalerService = defineService({
  name: SERVICE_NAME,
  env: autoscalerEnv,
  run: ({ env, backends, logger }) => autoscalerInstance(env, backends.bus, backends.store, logger),
});
