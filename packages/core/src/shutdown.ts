import type { Logger } from 'pino';
import { ConfigError } from './config/env';
import { boundHeapGrowth } from './heap-growth';

/**
 * Runs `stop` once on SIGINT/SIGTERM (a second signal exits at once), then exits with 0, or 1 if stopping failed.
 * Returns a function that removes the handlers.
 */
export function onShutdownSignal(stop: (signal: string) => Promise<void>, logger: Logger): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** A running service as its entry point sees it: its logger, and how to stop it and release what it holds. */
export interface ServiceProcess {
  logger: Logger;
  stop(): Promise<void>;
}

/**
 * The entry point of a service run as its own process: bounds its heap's growth ({@link boundHeapGrowth}), `start`
 * runs it; SIGINT/SIGTERM stop it, then flush tracing and the log. A failure to start prints one readable line (just
 * the message for a configuration error) and exits 1.
 */
export function runServiceProcess(start: () => Promise<ServiceProcess>, tracing: { shutdown(): Promise<void> }): void {
  boundHeapGrowth();
  start().then(
    ({ logger, stop }) => {
      onShutdownSignal(async (signal) => {
        logger.info({ signal }, 'shutting down');
        await stop();
        await tracing.shutdown();
        logger.flush();
      }, logger);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`);
      process.exit(1);
    },
  );
}
