import { listen, type Bus, type Logger, type RunningServer } from '@swarmscope/core';
import { EmergenceDetector, SERVICE_NAME } from './emergence-detector';
import type { EmergenceDetectorEnv } from './env';

export interface RunningEmergenceDetector {
  detector: EmergenceDetector;
  server: RunningServer;
  /** Stops accepting, stops reading the bus (in-flight batches finish), lets a running analysis finish. */
  stop(): Promise<void>;
}

/** Starts emergence-detector on its port over the given bus (its own entry and `swarmscope start` use it). */
export async function runEmergenceDetector(env: EmergenceDetectorEnv, bus: Bus, logger: Logger): Promise<RunningEmergenceDetector> {
  const detector = new EmergenceDetector({ env, bus, logger });
  detector.start();
  const server = await listen(detector.app, { port: env.EMERGENCE_DETECTOR_PORT, host: env.HOST, portVariable: 'EMERGENCE_DETECTOR_PORT' });
  logger.info({ url: server.url, tickSeconds: env.EMERGENCE_TICK_SECONDS, horizonTicks: env.EMERGENCE_HORIZON_TICKS }, `${SERVICE_NAME} listening`);
  return {
    detector,
    server,
    async stop() {
      await server.close(env.SHUTDOWN_TIMEOUT_SECONDS * 1000);
      await detector.stop();
    },
  };
}
