import { listenService, type Bus, type Logger, type RunningService, type ServiceInstance } from '@swarmscope/core';
import { EmergenceDetector, SERVICE_NAME } from './emergence-detector';
import type { EmergenceDetectorEnv } from './env';

export interface RunningEmergenceDetector extends RunningService<EmergenceDetector> {
  detector: EmergenceDetector;
}

/** emergence-detector started over the given bus, not yet listening (its definition and `runEmergenceDetector` use it). */
export function emergenceDetectorInstance(
  env: EmergenceDetectorEnv,
  bus: Bus,
  logger: Logger,
): ServiceInstance<EmergenceDetector> {
  const detector = new EmergenceDetector({ env, bus, logger });
  detector.start();
  return {
    app: detector.app,
    service: detector,
    stop: () => detector.stop(),
    details: { tickSeconds: env.EMERGENCE_TICK_SECONDS, horizonTicks: env.EMERGENCE_HORIZON_TICKS },
  };
}

/** Starts emergence-detector on its port over the given bus (tests; stop() lets a running analysis finish too). */
export async function runEmergenceDetector(
  env: EmergenceDetectorEnv,
  bus: Bus,
  logger: Logger,
): Promise<RunningEmergenceDetector> {
  const running = await listenService(SERVICE_NAME, env, emergenceDetectorInstance(env, bus, logger), logger);
  return { ...running, detector: running.service };
}
