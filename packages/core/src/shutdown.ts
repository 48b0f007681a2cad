import type { Logger } from 'pino';
import { boundHeapGrowth } from './heap-growth';
import { STARTUP_EXIT_CODE, startupFailureLine } from './startup-error';

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
 * runs it; SIGINT/SIGTERM stop it, then flush tracing and the log. A start refused for a known cause (a bad variable,
 * a busy port, an unreachable backend) prints ONE line, `<service>: <what is wrong and what to set>`, and exits 2;
 * anything else prints its stack and exits 1.
 */
export function runServiceProcess(
  service: string,
  start: () => Promise<ServiceProcess>,
  tracing: { shutdown(): Promise<void> },
): void {
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
      const line = startupFailureLine(error);
      process.stderr.write(`${service}: ${line ?? String((error as Error)?.stack ?? error)}\n`);
      process.exit(line === undefined ? 1 : STARTUP_EXIT_CODE);
    },
  );
}
