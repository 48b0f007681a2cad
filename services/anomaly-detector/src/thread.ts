import { join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { serveBusOverPort, topics, type Bus, type Logger, type PortBusInit } from '@swarmscope/core';
import type { AnomalyDetectorEnv } from './env';

// The embedded process (`swarmscope start`) runs the anomaly-detector on a worker thread: its scoring, its heap (the
// per-agent detector state, ≈ 90 KB an agent) and that heap's garbage collection then run beside ingest instead of
// inside it, and the main thread's periodic work (health ticks, emergence analyses) no longer delays verdicts.

const YOUNG_GENERATION_MB = 192;

/** What the worker is started with (structured-cloned). */
export interface DetectorThreadData {
  env: AnomalyDetectorEnv;
  bus: PortBusInit;
}

/** Worker → parent. */
export type DetectorThreadMessage = { ready: string } | { failed: string } | { stopped: true };

export interface RunningDetectorThread {
  server: { url: string };
  /** Stops the service on the thread (in-flight batches finish), then the thread. */
  stop(): Promise<void>;
}

/**
 * Starts the anomaly-detector service on a worker thread over `bus` (served to it through a MessageChannel) and
 * resolves once it listens on its port. `entry` is the compiled thread-main.js (the default sits next to this file).
 */
export function runAnomalyDetectorThread(env: AnomalyDetectorEnv, bus: Bus, logger: Logger, entry = join(__dirname, 'thread-main.js')): Promise<RunningDetectorThread> {
  const { port1, port2 } = new MessageChannel();
  const served = serveBusOverPort(bus, port1, [topics.samples, topics.anomalies]);
  const workerData: DetectorThreadData & { port: typeof port2 } = { env, bus: served.init, port: port2 };
  // A young generation larger than V8's default (16 MB semi-spaces): the per-report garbage then dies in scavenges
  // a few seconds apart instead of every half second, and each scavenge's pause (≈ the roots into 10,000 agents'
  // old state, not the garbage) is paid less often.
  const worker = new Worker(entry, { workerData, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const onStart = (message: DetectorThreadMessage) => {
      if ('ready' in message) {
        worker.off('error', onError);
        worker.off('message', onStart);
        worker.on('error', (error) => logger.error({ err: error }, 'anomaly-detector thread failed'));
        resolve({
          server: { url: message.ready },
          async stop() {
            const stopped = new Promise<void>((done) => worker.on('message', (m: DetectorThreadMessage) => 'stopped' in m && done()));
            worker.postMessage('stop');
            await Promise.race([stopped, exited]);
            await worker.terminate(); // flushed and closed: nothing is left to lose
            await served.close();
            port1.close();
          },
        });
      } else if ('failed' in message) {
        void worker.terminate();
        port1.close();
        reject(new Error(message.failed));
      }
    };
    const onError = (error: Error) => {
      port1.close();
      reject(error);
    };
    worker.on('message', onStart);
    worker.once('error', onError);
  });
}
