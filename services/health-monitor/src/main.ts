import { tracing } from './instrumentation';
import { ConfigError, createLogger, onShutdownSignal, parseEnv } from '@swarmscope/core';
import { healthMonitorEnv } from './env';
import { backendsFor, runHealthMonitor } from './run';
import { SERVICE_NAME } from './health-monitor';

/** health-monitor as its own process (distributed mode: set REDIS_URL). */
async function main(): Promise<void> {
  const env = parseEnv(healthMonitorEnv);
  const logger = createLogger({ name: SERVICE_NAME, level: env.LOG_LEVEL });
  const backends = backendsFor(env, logger);
  const running = await runHealthMonitor(env, backends, logger);
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
