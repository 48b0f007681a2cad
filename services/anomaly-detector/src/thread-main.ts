// The anomaly-detector's worker-thread entry (see thread.ts): the service as its own process runs it, over a PortBus.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { createLogger, PortBus } from '@swarmscope/core';
import { SERVICE_NAME } from './anomaly-detector';
import { createDefaultEngine } from './default-engine';
import { runAnomalyDetector } from './run';
import type { DetectorThreadData, DetectorThreadMessage } from './thread';

const data = workerData as DetectorThreadData & { port: MessagePort };
const parent = parentPort!;
const send = (message: DetectorThreadMessage) => parent.postMessage(message);

async function main(): Promise<void> {
  const { env } = data;
  const logger = createLogger({ name: SERVICE_NAME, level: env.LOG_LEVEL, destination: process.stderr });
  const bus = new PortBus(data.port, data.bus);
  const running = await runAnomalyDetector(env, bus, createDefaultEngine({ latencySloSeconds: env.LATENCY_SLO_SECONDS }), logger);
  parent.on('message', (message: unknown) => {
    if (message !== 'stop') return;
    void (async () => {
      await running.stop();
      await bus.close();
      data.port.close();
      logger.flush();
      send({ stopped: true });
      parent.close();
    })();
  });
  send({ ready: running.server.url });
}

main().catch((error: unknown) => send({ failed: `anomaly-detector thread: ${error instanceof Error ? error.message : String(error)}` }));
