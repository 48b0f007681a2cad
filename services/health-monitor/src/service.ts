import { defineService } from '@swarmscope/core';
import { healthMonitorEnv } from './env';
import { SERVICE_NAME } from './health-monitor';
import { healthMonitorInstance, windowRetentionMs } from './run';

/** health-monitor for the service kit (ingest, registry, health, windows; the store keeps WINDOW_RETENTION_HOURS of windows). */
export const healthMonitorService = defineService({
  name: SERVICE_NAME,
  env: healthMonitorEnv,
  windowRetentionMs,
  run: ({ env, backends, logger }) => healthMonitorInstance(env, backends, logger),
});
