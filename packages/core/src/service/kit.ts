import type { RequestListener } from 'node:http';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Backends } from '../backends';
import type { Bus } from '../bus/types';
import type { CommonEnv } from '../config/env';
import { listen, type RunningServer } from '../http/server';

/** What a service's `run` hands the kit: its request handler, how to stop it, and what to log once it listens. */
export interface ServiceInstance<S = unknown> {
  app: RequestListener;
  /** The service object (its state, for `swarmscope start`, tests and benchmarks). */
  service: S;
  /** Stops reading and ticking and flushes; the kit has closed the listener before. */
  stop(): Promise<void>;
  /** Fields of the `<name> listening` log line (shards, tick, actuator...). */
  details?: Record<string, unknown>;
}

/** What every service's edge object is built from; each service adds its own parts (a store, an engine...). */
export interface ServiceDeps<E> {
  env: E;
  bus: Bus;
  logger: Logger;
  /** The wall clock, epoch ms (default Date.now); tests pass their own. */
  now?: () => number;
}

export interface ServiceContext<E> {
  env: E;
  backends: Backends;
  logger: Logger;
}

/** The variables the kit itself reads from every service's environment (beyond the backends'). */
type KitEnv = Pick<CommonEnv, 'HOST' | 'SHUTDOWN_TIMEOUT_SECONDS' | 'LOG_LEVEL'>;

/** One service as the kit runs it: as its own process (`runServiceMain`), or beside the others (`swarmscope start`). */
export interface ServiceDefinition<Schema extends z.ZodObject = z.ZodObject, S = unknown> {
  /** `anomaly-detector`: the logger's and /healthz's name; tracing's service.name is `swarmscope-<name>`. */
  readonly name: string;
  /** The zod schema of its environment (commonEnv extended). */
  readonly env: Schema;
  /** `<NAME>_PORT`, the variable that holds its port (e.g. ANOMALY_DETECTOR_PORT). */
  readonly portVariable: string;
  /** How long the store keeps closed windows (only health-monitor writes them; 1 h for the others). */
  windowRetentionMs(env: z.infer<Schema>): number;
  /** Builds and starts the service over the backends; the kit listens, logs, and stops it. */
  run(context: ServiceContext<z.infer<Schema>>): Promise<ServiceInstance<S>>;
}

export interface RunningService<S = unknown> {
  readonly name: string;
  readonly service: S;
  readonly server: RunningServer;
  readonly url: string;
  /** Stops accepting (in-flight requests finish, up to SHUTDOWN_TIMEOUT_SECONDS), then stops the service. */
  stop(): Promise<void>;
}

const HOUR_MS = 3_600_000;

/** A service definition, its port variable derived from its name (`anomaly-detector` → `ANOMALY_DETECTOR_PORT`). */
export function defineService<Schema extends z.ZodObject, S>(spec: {
  name: string;
  env: Schema;
  windowRetentionMs?: (env: z.infer<Schema>) => number;
  run(context: ServiceContext<z.infer<Schema>>): Promise<ServiceInstance<S>>;
}): ServiceDefinition<Schema, S> {
  const portVariable = portVariableOf(spec.name);
  if (!(portVariable in spec.env.shape)) throw new Error(`${spec.name}: its environment has no ${portVariable}`);
  return {
    name: spec.name,
    env: spec.env,
    portVariable,
    windowRetentionMs: spec.windowRetentionMs ?? (() => HOUR_MS),
    run: spec.run,
  };
}

export function portVariableOf(name: string): string {
  return `${name.toUpperCase().replace(/-/g, '_')}_PORT`;
}

/** Starts a service over backends it shares (they stay open after its stop: their owner closes them). */
export async function startService<Schema extends z.ZodObject, S>(
  definition: ServiceDefinition<Schema, S>,
  context: ServiceContext<z.infer<Schema>>,
): Promise<RunningService<S>> {
  return listenService(definition.name, context.env as KitEnv, await definition.run(context), context.logger);
}

/**
 * Listens on the service's port (`<NAME>_PORT` on HOST) and logs `<name> listening`; a port that cannot be had stops
 * the service again and rejects with the StartupError naming the variable.
 */
export async function listenService<S>(
  name: string,
  env: KitEnv,
  instance: ServiceInstance<S>,
  logger: Logger,
): Promise<RunningService<S>> {
  const portVariable = portVariableOf(name);
  const port = (env as unknown as Record<string, unknown>)[portVariable];
  if (typeof port !== 'number') throw new Error(`${name}: ${portVariable} is not in its parsed environment`);
  let server: RunningServer;
  try {
    server = await listen(instance.app, { port, host: env.HOST, portVariable });
  } catch (error) {
    await instance.stop().catch(() => {});
    throw error;
  }
  logger.info({ url: server.url, ...instance.details }, `${name} listening`);
  return {
    name,
    service: instance.service,
    server,
    url: server.url,
    async stop() {
      await server.close(env.SHUTDOWN_TIMEOUT_SECONDS * 1000);
      await instance.stop();
    },
  };
}
