import { listen, type Bus, type Logger, type RunningServer, type Store } from '@swarmscope/core';
import type { Actuator } from './actuators/actuator';
import { actuatorFromEnv } from './actuators/from-env';
import { Autoscaler, SERVICE_NAME } from './autoscaler';
import type { AutoscalerEnv } from './env';

export interface RunningAutoscaler {
  autoscaler: Autoscaler;
  server: RunningServer;
  /** Stops accepting, stops reading the bus and deciding (an in-flight tick finishes). */
  stop(): Promise<void>;
}

export interface RunAutoscalerOptions {
  /** Overrides AUTOSCALER_ACTUATOR (e.g. `swarmscope start` passes the embedded simulator's control endpoint). */
  actuator?: Actuator;
  now?: () => number;
}

/** Starts the autoscaler on its port over the given bus (its own entry and `swarmscope start` use it). */
export async function runAutoscaler(env: AutoscalerEnv, bus: Bus, store: Store | undefined, logger: Logger, options: RunAutoscalerOptions = {}): Promise<RunningAutoscaler> {
  const actuator = options.actuator ?? (await actuatorFromEnv(env));
  const autoscaler = new Autoscaler({ env, bus, actuator, logger, ...(store ? { store } : {}), ...(options.now ? { now: options.now } : {}) });
  await autoscaler.restore();
  autoscaler.start();
  const server = await listen(autoscaler.app, { port: env.AUTOSCALER_PORT, host: env.HOST, portVariable: 'AUTOSCALER_PORT' });
  logger.info({ url: server.url, actuator: actuator.kind, tickSeconds: env.AUTOSCALER_TICK_SECONDS }, `${SERVICE_NAME} listening`);
  return {
    autoscaler,
    server,
    async stop() {
      await server.close(env.SHUTDOWN_TIMEOUT_SECONDS * 1000);
      await autoscaler.stop();
    },
  };
}
