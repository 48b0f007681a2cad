import { ConfigError } from './config/env';

/**
 * A known reason a service cannot start (a busy port, an unreachable backend): its message is the one line the
 * operator reads — what is wrong and which variable changes it.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** The exit code of a start refused for a known cause (a usage or configuration error, as for a bad flag). */
export const STARTUP_EXIT_CODE = 2;

/** The one line a failed start prints for a known cause; undefined for anything else (a bug: print its stack). */
export function startupFailureLine(error: unknown): string | undefined {
  if (error instanceof StartupError) return error.message;
  if (error instanceof ConfigError) return `invalid configuration: ${error.problems.join('; ')}`;
  return undefined;
}

/** What `listen` failed with, as one line naming the port and the variable that moves it. */
export function listenFailure(
  error: NodeJS.ErrnoException,
  where: { port: number; host: string; portVariable?: string | undefined },
): Error {
  const moveIt = where.portVariable ? `set ${where.portVariable} to a free port` : 'choose another port';
  switch (error.code) {
    case 'EADDRINUSE':
      return new StartupError(
        `port ${where.port} on ${where.host} is already in use (EADDRINUSE: is Swarmscope already running?): stop what holds it, or ${moveIt}`,
      );
    case 'EACCES':
      return new StartupError(
        `port ${where.port} on ${where.host} needs privileges this process lacks: ${moveIt} (above 1023)`,
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new StartupError(
        `cannot listen on host ${JSON.stringify(where.host)} (${error.code}): set HOST to an address of this machine (e.g. 127.0.0.1 or 0.0.0.0)`,
      );
    default:
      return error;
  }
}
