import type { z } from 'zod';
import { openBackends } from '../backends';
import { parseEnv, type CommonEnv } from '../config/env';
import { createLogger } from '../logger';
import { runServiceProcess } from '../shutdown';
import type { Tracing } from '../telemetry/tracing';
import { startService, type ServiceDefinition } from './kit';

/**
 * A defined service as its own process: its environment parsed, the backends it names opened (memory, a Redis server
 * or a Redis Cluster, the same for every service), listening; SIGINT/SIGTERM stop it, then close the backends.
 */
export function runDefinedService<Schema extends z.ZodObject>(
  definition: ServiceDefinition<Schema>,
  tracing: Tracing,
): void {
  runServiceProcess(
    definition.name,
    async () => {
      const env = parseEnv(definition.env);
      // Every service's schema extends commonEnv (its backends and log level are read the same way everywhere).
      const common = env as unknown as CommonEnv;
      const logger = createLogger({ name: definition.name, level: common.LOG_LEVEL });
      const backends = await openBackends({
        env: common,
        windowRetentionMs: definition.windowRetentionMs(env),
        logger,
      });
      const running = await startService(definition, { env, backends, logger }).catch(async (error: unknown) => {
        await backends.close().catch(() => {});
        throw error;
      });
      return {
        logger,
        async stop() {
          await running.stop();
          await backends.close();
        },
      };
    },
    tracing,
  );
}
