import { join } from 'node:path';
import { createLogger, MemoryBus, parseEnv, topics, type AnomalyEvent, type SampleReport } from '@swarmscope/core';
import { anomalyDetectorEnv } from './env';
import { runAnomalyDetectorThread } from './thread';

// The thread runs the compiled entry (the test command builds before jest runs).
const ENTRY = join(__dirname, '..', 'dist', 'thread-main.js');
const logger = createLogger({ name: 'test', level: 'silent' });
const T0 = Date.now() - 3_600_000;

function reports(agentId: string, count: number, spikeAt: number): SampleReport[] {
  return Array.from({ length: count }, (_, i) => ({
    agentId,
    timestamp: T0 + i * 1000,
    model: 'gpt-4o',
    pool: 'support',
    type: 'general',
    metrics: { response_time_seconds: i >= spikeAt ? 8 + (i % 3) * 0.1 : 0.5 + ((i * 37) % 11) / 100, requests: 1, errors: 0, input_tokens: 500 + ((i * 13) % 7), output_tokens: 120 + ((i * 7) % 5) },
    quality: { accuracy: 0.9, coherence: 0.88 },
    receivedAt: Date.now(),
  }));
}

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('anomaly-detector on a worker thread (embedded mode)', () => {
  it('scores the main thread bus, serves its API, publishes events back, and stops leaving nothing pending', async () => {
    const bus = new MemoryBus({ shards: 4 });
    const env = parseEnv(anomalyDetectorEnv, { ANOMALY_DETECTOR_PORT: '0', BUS_SHARDS: '4', LOG_LEVEL: 'silent' });
    const published: AnomalyEvent[] = [];
    const events = bus.subscribe(topics.anomalies, { group: 'test', consumer: 'c', startFrom: 'earliest' }, async (messages) => {
      for (const message of messages) published.push(message.payload);
    });
    const thread = await runAnomalyDetectorThread(env, bus, logger, ENTRY);
    try {
      const spiky = reports('spiky-1', 400, 380);
      for (let i = 0; i < 400; i += 50) await bus.publish(topics.samples, bus.shardOf('spiky-1'), spiky.slice(i, i + 50));

      const opened = await waitFor(() => published.find((e) => e.agentId === 'spiky-1' && e.event === 'opened'));
      expect(opened.type).toMatch(/latency/);
      const served = (await (await fetch(`${thread.server.url}/agents/spiky-1/anomalies`)).json()) as { items: Array<{ id: string }> };
      expect(served.items.map((a) => a.id)).toEqual([opened.id]);
      await waitFor(async () => ((await bus.lag(topics.samples, 'anomaly-detector')) === 0 ? true : undefined));
      const ready = (await (await fetch(`${thread.server.url}/readyz`)).json()) as { checks: Array<{ name: string; ok: boolean }> };
      expect(ready.checks).toEqual([{ name: 'bus (memory)', ok: true }]);
    } finally {
      await thread.stop();
    }
    await expect(fetch(`${thread.server.url}/healthz`)).rejects.toThrow(); // the thread's server is gone
    // What arrives after the stop waits on the bus for the next detector.
    await bus.publish(topics.samples, 0, reports('late-1', 1, Infinity));
    expect(await bus.lag(topics.samples, 'anomaly-detector')).toBe(1);
    await events.close();
    await bus.close();
  });

  it('rejects with the reason when the service cannot start on the thread', async () => {
    const bus = new MemoryBus({ shards: 4 });
    const env = parseEnv(anomalyDetectorEnv, { ANOMALY_DETECTOR_PORT: '0', BUS_SHARDS: '4', ANOMALY_SHARDS: '9', LOG_LEVEL: 'silent' });
    await expect(runAnomalyDetectorThread(env, bus, logger, ENTRY)).rejects.toThrow(/anomaly-detector thread: ANOMALY_SHARDS: shards 9 do not exist/);
    await bus.close();
  });
});
