import type { Interaction, SampleReport } from '@swarmscope/core';
import { EmergenceEngine, engineOptions } from './engine';
import { EngineThread } from './engine-thread';

const TICK = 10_000;
const T0 = 1_767_600_000_000;
const id = (i: number) => `coding-${String(i).padStart(4, '0')}`;

/** 200 agents on a chain, 10 requests a tick; agents 0, 1, 2 fail in turn from tick 30 (a cascade). */
function tickData(tick: number): { samples: SampleReport[]; interactions: Interaction[] } {
  const samples: SampleReport[] = [];
  const interactions: Interaction[] = [];
  for (let i = 0; i < 200; i++) {
    const failing = i < 3 && tick >= 30 + 2 * i;
    samples.push({
      agentId: id(i),
      timestamp: T0 + tick * TICK + 500,
      model: 'm',
      pool: 'coding',
      type: 'general',
      metrics: { requests: 10, errors: failing ? 8 : (tick + i) % 25 === 0 ? 1 : 0, response_time_seconds: 0.5 },
      quality: { accuracy: 0.8 },
    });
    if (i + 1 < 200)
      interactions.push({
        from: id(i + 1),
        to: id(i),
        kind: 'delegation',
        outcome: 'success',
        latencySeconds: 0.5,
        timestamp: T0 + tick * TICK + 600,
      });
  }
  return { samples, interactions };
}

describe('EngineThread', () => {
  it('gives, through the worker, exactly what the engine gives in process, and mirrors its state', async () => {
    const options = engineOptions({ seed: 3 });
    const thread = new EngineThread(options);
    const engine = new EmergenceEngine(options);
    try {
      for (let tick = 0; tick < 40; tick++) {
        const { samples, interactions } = tickData(tick);
        thread.ingest(samples);
        thread.ingestInteractions(interactions);
        for (const s of samples) engine.ingest(s);
        for (const i of interactions) engine.ingestInteraction(i);
        const watermark = T0 + (tick + 1) * TICK;
        const { results } = await thread.advance(watermark);
        const expected = engine
          .advance(watermark)
          .map(({ tick: t, time, changes, snapshot }) => ({ tick: t, time, changes, snapshot }));
        expect(results).toEqual(expected);
      }
      expect(thread.openEvents()).toEqual(engine.tracker.list());
      expect(thread.openEvents().some((e) => e.type === 'cascade_failure')).toBe(true);
      expect(thread.isOpen('cascade_failure')).toBe(true);
      expect(thread.fleetState()).toEqual(engine.fleetState());
      expect(thread.agentsTracked).toBe(200);
      const { membership: _membership, ...network } = engine.networkMeasures()!;
      expect(thread.networkMeasures()).toEqual(network);
      expect(thread.slices.count).toBeGreaterThan(80);
    } finally {
      await thread.close();
    }
  });

  it('rejects advances once closed, naming why', async () => {
    const thread = new EngineThread(engineOptions());
    await thread.close();
    await expect(thread.advance(T0)).rejects.toThrow('the engine thread was closed');
    expect(thread.error?.message).toBe('the engine thread was closed');
  });
});
