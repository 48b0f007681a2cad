import { EmergenceEngine } from './engine';
import { SeededRandom } from './random';

const TICK_MS = 10_000;

/** Standard normal by Box–Muller. */
function normal(random: SeededRandom): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

/**
 * One pool of 20 agents for `ticks` ticks, each reporting 20 requests a tick; `logLatency(agent, tick)` is the log of
 * its latency multiplier. Returns every early warning the engine raised.
 */
function warnings(ticks: number, logLatency: (agent: number, tick: number) => number): string[] {
  const random = new SeededRandom(5);
  const engine = new EmergenceEngine({ seed: 1 });
  const raised: string[] = [];
  for (let tick = 0; tick < ticks; tick++) {
    for (let agent = 0; agent < 20; agent++) {
      for (let k = 0; k < 4; k++) {
        engine.ingest({
          agentId: `a${agent}`,
          timestamp: tick * TICK_MS + k * 2000,
          model: 'm',
          pool: 'triage',
          type: 't',
          metrics: {
            requests: 5,
            errors: 0,
            response_time_seconds: Math.exp(logLatency(agent, tick) + 0.3 * normal(random)),
          },
          quality: {},
        });
      }
    }
    for (const analysis of engine.advance((tick + 1) * TICK_MS))
      for (const f of analysis.findings) if (f.type === 'early_warning') raised.push(f.explanation);
  }
  return raised;
}

describe('early warnings', () => {
  it('are not raised by one agent whose latency jumps, only by a pool whose latency swings wider and wider', () => {
    // One agent's latency goes 5× and erratic (log-normal swings of σ 1.5 a tick) for the last 60 of 150 ticks: the
    // pool's mean swings with it (its variance grows 6-fold), its median agent does not.
    const erratic = new SeededRandom(3);
    const spike = Array.from({ length: 150 }, (_, tick) => (tick >= 90 ? Math.log(5) + 1.5 * normal(erratic) : 0));
    expect(warnings(150, (agent, tick) => (agent === 0 ? spike[tick]! : 0))).toEqual([]);
    // The whole pool's latency follows an AR(1) whose variance grows (critical slowing down): a warning.
    const random = new SeededRandom(8);
    const shared: number[] = [];
    let x = 0;
    for (let tick = 0; tick < 150; tick++) {
      const phi = tick < 30 ? 0.2 : 0.2 + (0.75 * (tick - 30)) / 120;
      x = phi * x + 0.1 * normal(random) * (1 + tick / 50);
      shared.push(x);
    }
    expect(warnings(150, (_agent, tick) => shared[tick]!).length).toBeGreaterThan(0);
  });
});

describe('the interaction graph a tick is analysed with', () => {
  it('holds no interaction of a later tick, however early it arrived', () => {
    const interaction = (tick: number, k: number) => ({
      from: `a${k}`,
      to: `a${(k + tick + 1) % 30}`,
      kind: 'message' as const,
      outcome: 'success' as const,
      latencySeconds: 0.1,
      timestamp: tick * TICK_MS + 5000,
    });
    const samples = (tick: number) =>
      Array.from({ length: 30 }, (_, agent) => ({
        agentId: `a${agent}`,
        timestamp: tick * TICK_MS + 1000,
        model: 'm',
        pool: 'p',
        type: 't',
        metrics: { requests: 5, errors: 0, response_time_seconds: 1 },
        quality: {},
      }));
    const early = new EmergenceEngine({ seed: 1, graphEveryTicks: 1 });
    const onTime = new EmergenceEngine({ seed: 1, graphEveryTicks: 1 });
    const seen: Array<[number | undefined, number | undefined]> = [];
    for (let tick = 0; tick < 8; tick++) {
      for (const engine of [early, onTime]) for (const sample of samples(tick)) engine.ingest(sample);
      // Each tick links new pairs; `early` also receives the next tick's interactions before this tick is analysed.
      for (let k = 0; k < 10; k++) onTime.ingestInteraction(interaction(tick, k));
      if (tick === 0) for (let k = 0; k < 10; k++) early.ingestInteraction(interaction(tick, k));
      for (let k = 0; k < 10; k++) early.ingestInteraction(interaction(tick + 1, k));
      early.advance((tick + 1) * TICK_MS);
      onTime.advance((tick + 1) * TICK_MS);
      seen.push([early.networkMeasures()?.edges, onTime.networkMeasures()?.edges]);
    }
    for (const [e, o] of seen) expect(e).toBe(o);
    expect(seen[seen.length - 1]![1]).toBeGreaterThan(seen[0]![1]!);
  });
});

describe('a tick analysed while newer data has already arrived', () => {
  // 30 agents whose load swings with an 8-tick period in three phase groups, with noise, reporting once a tick.
  const random = new SeededRandom(11);
  const TICKS = 60;
  const AHEAD = 4;
  const reports = Array.from({ length: TICKS }, (_, tick) =>
    Array.from({ length: 30 }, (_, agent) => ({
      agentId: `a${agent}`,
      timestamp: tick * TICK_MS + 1000 + agent * 100,
      model: 'm',
      pool: agent < 20 ? 'p' : 'q',
      type: 't',
      metrics: {
        requests: Math.round(20 + 10 * Math.sin((2 * Math.PI * tick) / 8 + (agent % 3)) + 3 * normal(random)),
        errors: agent === 0 && tick > 40 ? 3 : 0,
        response_time_seconds: 1 + 0.1 * normal(random) ** 2,
      },
      quality: { accuracy: Math.min(1, 0.6 + tick / 200 + 0.05 * normal(random) ** 2) },
    })),
  );
  /**
   * Delivers each tick's reports `lead` ticks before the watermark closes it (never, beyond aheadTicks: the data
   * closes it), each tick's agents in `order`.
   */
  function analyses(
    lead: number,
    order: (list: (typeof reports)[number]) => (typeof reports)[number] = (list) => list,
  ): string[] {
    const engine = new EmergenceEngine({ seed: 1, horizonTicks: 24, aheadTicks: AHEAD });
    const out: string[] = [];
    const record = (list: ReturnType<EmergenceEngine['advance']>) =>
      out.push(...list.map((a) => JSON.stringify({ tick: a.tick, snapshot: a.snapshot, changes: a.changes })));
    for (let tick = 0; tick < TICKS; tick++) {
      for (const report of order(reports[tick]!)) expect(engine.ingest(report)).toBe(true);
      record(engine.advance(lead > AHEAD ? 0 : (tick - lead + 1) * TICK_MS));
    }
    record(engine.advance(TICKS * TICK_MS));
    expect(engine.series.lateReports).toBe(0);
    return out;
  }

  it('is analysed the same whether its data came last, or newer data ran ahead within aheadTicks or beyond it', () => {
    const onTime = analyses(0);
    expect(onTime).toHaveLength(TICKS);
    expect(analyses(1)).toEqual(onTime);
    expect(analyses(AHEAD)).toEqual(onTime);
    // Further ahead of the watermark (which here never moves): the data closes each tick itself, with the same result.
    expect(analyses(AHEAD + 1)).toEqual(onTime);
  });

  it("is analysed the same whichever agents' reports arrived first (as through other shards)", () => {
    const reversed = analyses(0, (list) => [...list].reverse());
    expect(reversed).toEqual(analyses(0));
    expect(reversed.some((a) => a.includes('collective_behavior'))).toBe(true); // the surrogate test ran
  });

  it('drops, as late, a report for a tick that data running ahead has closed', () => {
    const engine = new EmergenceEngine({ seed: 1, horizonTicks: 24, aheadTicks: AHEAD });
    for (const tick of [0, 1, 2, 3, 4, 5]) for (const report of reports[tick]!) engine.ingest(report);
    expect(engine.advance(0).map((a) => a.tick)).toEqual([0]); // tick 5's data closed tick 0, with no watermark
    expect(engine.ingest({ ...reports[0]![0]!, agentId: 'straggler' })).toBe(false);
    expect(engine.series.lateReports).toBe(1);
    expect(engine.ingest({ ...reports[1]![0]!, agentId: 'in-time' })).toBe(true);
  });
});
