import type { AnomalyEvent, Interaction, SampleReport } from '@swarmscope/core';
import type { AgentReport } from './agent-engine';
import { createDefaultEngine } from './default-engine';
import { EngineThread } from './engine-thread';
import { noisyAgent, noisyReports, type NoisyFault } from '../test-support/noisy-fleet';

const T0 = 1_767_600_000_000;

/** Six agents of the second generator, each with one injected fault, merged in time order, as the bus carries them. */
function fleet(): SampleReport[] {
  const kinds: NoisyFault['kind'][] = ['latency', 'errors', 'tokens', 'flood', 'drift', 'leak'];
  const from = 25 * 60_000;
  const all: AgentReport[] = [];
  kinds.forEach((kind, i) => {
    const size = { latency: 4, errors: 0.3, tokens: 5, flood: 5, drift: 2.5, leak: 1, quality: 0.5 }[kind];
    all.push(
      ...noisyReports(noisyAgent(i, 9, i === 0), T0, from + 15 * 60_000, 900 + i, [
        { kind, fromMs: from, toMs: from + 15 * 60_000, size },
      ]),
    );
  });
  all.sort((a, b) => a.timestamp - b.timestamp);
  return all.map((r, i) => ({
    model: 'm',
    pool: 'p',
    type: 'general',
    quality: {},
    ...r,
    receivedAt: r.timestamp + 5,
    ...(i % 7 === 0 ? { traceId: 'a'.repeat(32) } : {}),
  }));
}

describe('EngineThread', () => {
  it('gives, through its worker, exactly the events and verdicts of the engine on this thread, and mirrors its figures', async () => {
    const options = { latencySlos: { pools: {}, models: {}, fallback: { seconds: 5, target: 0.99 } } };
    const thread = new EngineThread(options);
    const local = createDefaultEngine(options);
    try {
      const reports = fleet();
      const scan: Interaction[] = Array.from({ length: 40 }, (_, k) => ({
        from: 'prober-1',
        to: `victim-${k}`,
        kind: 'message',
        outcome: 'error',
        latencySeconds: 0.004,
        timestamp: T0 + k * 500,
      }));
      const got: AnomalyEvent[] = [];
      const expected: AnomalyEvent[] = [];
      got.push(...(await thread.observeInteractions(scan)));
      expected.push(...(await local.observeInteractions(scan)));
      let nextSweep = T0 + 5000;
      for (let i = 0; i < reports.length; i += 700) {
        const batch = reports.slice(i, i + 700);
        // Requests are not awaited one by one: the thread answers them in order.
        const answers = [thread.observeReports(batch)];
        expected.push(...(await local.observeReports(batch)));
        const last = batch[batch.length - 1]!.timestamp;
        for (; nextSweep <= last; nextSweep += 5000) {
          answers.push(thread.sweep(nextSweep));
          expected.push(...(await local.sweep(nextSweep)));
        }
        for (const events of await Promise.all(answers)) got.push(...events);
      }
      expect(got).toEqual(expected);
      expect(expected.filter((e) => e.event === 'opened').map((e) => e.type)).toEqual(
        expect.arrayContaining(['port_scan', 'latency_slo', 'error_surge', 'token_spike', 'request_surge']),
      );
      const probe: SampleReport = { ...reports[0]!, timestamp: reports[reports.length - 1]!.timestamp + 1000 };
      expect(await thread.detect(probe)).toEqual(await local.detect(probe));
      expect(thread.agents()).toBe(local.agents());
      expect(thread.stateBytes()).toBe(local.stateBytes());
      await thread.sweep(nextSweep);
      await local.sweep(nextSweep);
      expect(thread.warmUp()).toEqual(local.warmUp());
      expect(thread.describe()).toEqual(local.describe());
      expect(thread.error).toBeUndefined();
    } finally {
      await thread.close();
    }
  }, 60_000);

  it('reports the warm-up threshold before its first report', async () => {
    const thread = new EngineThread({});
    try {
      await thread.sweep(T0);
      expect(thread.warmUp()).toEqual(createDefaultEngine({}).warmUp());
    } finally {
      await thread.close();
    }
  });

  it('rejects every request once closed, naming why', async () => {
    const thread = new EngineThread({});
    await thread.close();
    await expect(thread.observeReports(fleet().slice(0, 3))).rejects.toThrow('the anomaly engine thread was closed');
    expect(thread.error?.message).toBe('the anomaly engine thread was closed');
  });

  it('rejects pending and later requests when its thread fails, and says so in `error`', async () => {
    const thread = new EngineThread({}, '/nonexistent/engine-worker.js');
    try {
      await expect(thread.observeReports(fleet().slice(0, 3))).rejects.toThrow(/Cannot find module|nonexistent/);
      expect(thread.error?.message).toMatch(/Cannot find module|nonexistent/);
      await expect(thread.sweep(T0)).rejects.toBe(thread.error);
    } finally {
      await thread.close();
    }
  });
});
