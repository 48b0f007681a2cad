import type { Logger } from 'pino';

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
