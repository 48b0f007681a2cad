import {
  listenService,
  type Bus,
  type Logger,
  type RunningService,
  type ServiceInstance,
  type Store,
} from '@swarmscope/core';
import type { Actuator } from './actuators/actuator';
import { actuatorFromEnv } from './actuators/from-env';
import { Autoscaler, SERVICE_NAME } from './autoscaler';
import type { AutoscalerEnv } from './env';

export interface RunningAutoscaler extends RunningService<Autoscaler> {
  autoscaler: Autoscaler;
}

export interface RunAutoscalerOptions {
  /** Overrides AUTOSCALER_ACTUATOR (a test's or a benchmark's pools). */
  actuator?: Actuator;
  now?: () => number;
}

/** The autoscaler started over the given bus, not yet listening (its definition and `runAutoscaler` use it). */
export async function autoscalerInstance(
  env: AutoscalerEnv,
  bus: Bus,
  store: Store | undefined,
  logger: Logger,
  options: RunAutoscalerOptions = {},
): Promise<ServiceInstance<Autoscaler>> {
  const actuator = options.actuator ?? (await actuatorFromEnv(env));
  const autoscaler = new Autoscaler({
    env,
    bus,
    actuator,
    logger,
    ...(store ? { store } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  await autoscaler.restore();
  autoscaler.start();
  return {
    app: autoscaler.app,
    service: autoscaler,
    stop: () => autoscaler.stop(),
    details: { actuator: actuator.kind, tickSeconds: env.AUTOSCALER_TICK_SECONDS },
  };
}

/** Starts the autoscaler on its port over the given bus (tests and benchmarks; stop() stops reading and deciding too). */
export async function runAutoscaler(
  env: AutoscalerEnv,
  bus: Bus,
  store: Store | undefined,
  logger: Logger,
  options: RunAutoscalerOptions = {},
): Promise<RunningAutoscaler> {
  const running = await listenService(
    SERVICE_NAME,
    env,
    await autoscalerInstance(env, bus, store, logger, options),
    logger,
  );
  return { ...running, autoscaler: running.service };
}
