import type { SampleReport, WindowEvent } from '@swarmscope/core';
import { FleetState } from './fleet-state';

const WINDOW = 60_000;
const T0 = 1_732_350_000_000 - (1_732_350_000_000 % WINDOW); // a window boundary

function state() {
  return new FleetState({
    windowMs: WINDOW,
    graceMs: 5000,
    tauMs: WINDOW,
    policy: { latencySloSeconds: 2, timeoutMs: 30_000 },
  });
}

function report(
  agentId: string,
  timestamp: number,
  metrics: Record<string, number>,
  over: Partial<SampleReport> = {},
): SampleReport {
  return { agentId, timestamp, model: 'gpt-4o', pool: 'support', type: 'general', metrics, quality: {}, ...over };
}

const byKey = (events: WindowEvent[], key: string) => events.filter((e) => e.key === key).map((e) => e.window);

describe('FleetState', () => {
  it('registers unknown agents on first sight and fills missing metadata from the registry', () => {
    const fleet = state();
    fleet.apply(report('a', T0, { requests: 0 }, { model: 'llama', pool: 'p1', type: 'planner' }), T0);
    expect(fleet.agents.get('a')?.record).toMatchObject({
      model: 'llama',
      pool: 'p1',
      type: 'planner',
      registeredAt: T0,
      lastSeen: T0,
    });
    expect(fleet.complete({ agentId: 'a', timestamp: T0, metrics: {}, quality: {} })).toMatchObject({
      model: 'llama',
      pool: 'p1',
      type: 'planner',
    });
    expect(fleet.complete({ agentId: 'new', timestamp: T0, metrics: {}, quality: {} })).toMatchObject({
      model: 'unknown',
      pool: 'default',
      type: 'general',
    });
  });

  it('closes a tumbling window after its end plus the grace period, with exact sums and sketch percentiles', () => {
    const fleet = state();
    // 1000 requests with latencies 1 ms .. 1000 ms; every 10th fails.
    for (let i = 1; i <= 1000; i++) {
      fleet.apply(
        report(
          'a',
          T0 + i * 10,
          {
            response_time_seconds: i / 1000,
            requests: 1,
            errors: i % 10 === 0 ? 1 : 0,
            input_tokens: 10,
            output_tokens: 5,
            cost_usd: 0.001,
            cpu_percent: 50,
          },
          { quality: { accuracy: 0.8 } },
        ),
        T0 + i * 10,
      );
    }
    expect(fleet.tick(T0 + WINDOW + 4999).closed).toEqual([]); // still in its grace period
    const closed = fleet.tick(T0 + WINDOW + 5000).closed;
    const [window] = byKey(closed, 'agent:a');
    expect(window).toMatchObject({
      start: T0,
      durationMs: WINDOW,
      count: 1000,
      errors: 100,
      errorRate: 0.1,
      inputTokens: 10_000,
      outputTokens: 5000,
    });
    expect(window!.costUsd).toBeCloseTo(1, 9);
    expect(window!.means.cpu_percent).toBe(50);
    expect(window!.means.accuracy).toBeCloseTo(0.8, 9);
    // DDSketch at 1 % relative accuracy: the true p50/p95/p99 are 0.5, 0.95, 0.99 s.
    expect(Math.abs(window!.latency.p50 - 0.5) / 0.5).toBeLessThanOrEqual(0.011);
    expect(Math.abs(window!.latency.p95 - 0.95) / 0.95).toBeLessThanOrEqual(0.011);
    expect(Math.abs(window!.latency.p99 - 0.99) / 0.99).toBeLessThanOrEqual(0.011);
    expect(window!.latency.mean).toBeCloseTo(0.5005, 9);
    expect(window!.latency.max).toBe(1);
    // The same window for its model, its pool and the fleet.
    for (const key of ['model:gpt-4o', 'pool:support', 'fleet'])
      expect(byKey(closed, key)[0]).toMatchObject({ count: 1000, errors: 100 });
    // Closed once only.
    expect(fleet.tick(T0 + 2 * WINDOW).closed.filter((e) => e.window.start === T0)).toEqual([]);
  });

  it('ticks in slices with the same result as at once, and a report between slices for a window it closes is late', () => {
    const fill = (fleet: FleetState) => {
      for (let i = 0; i < 25; i++)
        fleet.apply(
          report(`a-${i}`, T0 + i, { response_time_seconds: 0.1 * (i + 1), requests: 1, errors: i % 5 === 0 ? 1 : 0 }),
          T0 + i,
        );
    };
    const whole = state();
    fill(whole);
    const expected = whole.tick(T0 + WINDOW + 5000);

    const sliced = state();
    fill(sliced);
    const run = sliced.tickInSlices(T0 + WINDOW + 5000, 10);
    let pauses = 0;
    let step = run.next();
    while (!step.done) {
      pauses++;
      // A straggler for the window being closed arrives while the tick is paused: late, not a second window.
      if (pauses === 1)
        sliced.apply(report('a-3', T0 + 30_000, { response_time_seconds: 9, requests: 1 }), T0 + WINDOW + 5001);
      step = run.next();
    }
    expect(pauses).toBe(2); // 25 agents in slices of 10
    expect(step.value.closed).toEqual(expected.closed);
    expect(step.value.changed.map((r) => r.id).sort()).toEqual(expected.changed.map((r) => r.id).sort());
    expect(sliced.lateReports).toBe(1);
    expect(sliced.tick(T0 + 2 * WINDOW + 5000).closed.filter((e) => e.window.start === T0)).toEqual([]);
  });

  it('builds model and pool windows from the agents that belong to them', () => {
    const fleet = state();
    fleet.apply(report('a', T0, { response_time_seconds: 1 }), T0);
    fleet.apply(report('b', T0, { response_time_seconds: 3 }, { model: 'llama' }), T0);
    fleet.apply(report('c', T0, { response_time_seconds: 5 }, { model: 'llama', pool: 'coding' }), T0);
    const closed = fleet.tick(T0 + WINDOW + 5000).closed;
    expect(byKey(closed, 'model:llama')[0]).toMatchObject({
      count: 2,
      latency: expect.objectContaining({ samples: 2 }),
    });
    expect(byKey(closed, 'model:gpt-4o')[0]).toMatchObject({ count: 1 });
    expect(byKey(closed, 'pool:support')[0]).toMatchObject({ count: 2 });
    expect(byKey(closed, 'pool:coding')[0]).toMatchObject({ count: 1 });
    expect(byKey(closed, 'fleet')[0]).toMatchObject({ count: 3 });
  });

  it('puts out-of-order reports in their own window while it is open, and counts reports for closed windows as late', () => {
    const fleet = state();
    fleet.apply(report('a', T0 + WINDOW + 1, { requests: 1 }), T0 + WINDOW + 1);
    fleet.apply(report('a', T0 + 1, { requests: 2 }), T0 + WINDOW + 2); // belongs to the previous window, still open
    const closed = fleet.tick(T0 + WINDOW + 5000).closed;
    expect(byKey(closed, 'agent:a')).toEqual([expect.objectContaining({ start: T0, count: 2 })]);
    fleet.apply(report('a', T0 + 2, { requests: 4 }), T0 + WINDOW + 6000); // its window is closed
    expect(fleet.lateReports).toBe(1);
    expect(byKey(fleet.tick(T0 + 2 * WINDOW + 5000).closed, 'agent:a')).toEqual([
      expect.objectContaining({ start: T0 + WINDOW, count: 1 }),
    ]);
  });

  it('moves an agent through degraded and unhealthy as errors rise, and to unresponsive when silent past the timeout', () => {
    const fleet = state();
    let t = T0;
    for (let i = 0; i < 20; i++)
      fleet.apply(report('a', (t += 100), { response_time_seconds: 0.5, requests: 1, errors: 0 }), t);
    fleet.tick(t);
    expect(fleet.agents.get('a')!.record.status).toBe('healthy');
    for (let i = 0; i < 4; i++) fleet.apply(report('a', (t += 100), { requests: 1, errors: 1 }), t); // 4 / (24 + 10 prior) ≈ 12 %
    fleet.tick(t);
    expect(fleet.agents.get('a')!.record.status).toBe('degraded');
    for (let i = 0; i < 30; i++) fleet.apply(report('a', (t += 100), { requests: 1, errors: 1 }), t);
    const { changed } = fleet.tick(t);
    expect(fleet.agents.get('a')!.record.status).toBe('unhealthy');
    expect(changed.map((r) => r.id)).toEqual(['a']);
    expect(fleet.agents.get('a')!.reasons[0]).toMatch(/^error rate/);
    fleet.tick(t + 29_999);
    expect(fleet.agents.get('a')!.record.status).not.toBe('unresponsive');
    fleet.tick(t + 30_000);
    expect(fleet.agents.get('a')!.record.status).toBe('unresponsive');
    expect(fleet.countBy().status).toEqual({ healthy: 0, degraded: 0, unhealthy: 0, unresponsive: 1 });
  });

  it('hands the store new agents at once, and agents only heard from again at most every 5 s', () => {
    const fleet = state();
    fleet.apply(report('a', T0, { requests: 0 }), T0);
    fleet.apply(report('b', T0, { requests: 0 }), T0);
    expect(fleet.tick(T0 + 1000).changed.map((r) => r.id)).toEqual(['a', 'b']);
    fleet.apply(report('b', T0 + 1500, { requests: 0 }), T0 + 1500);
    expect(fleet.tick(T0 + 2000).changed).toEqual([]);
    expect(fleet.tick(T0 + 6000).changed.map((r) => r.id)).toEqual(['b']);
    expect(fleet.tick(T0 + 7000).changed).toEqual([]);
    fleet.register('a', { model: 'other', pool: 'support', type: 'general' }, T0 + 7500); // metadata: at once
    expect(fleet.tick(T0 + 8000).changed.map((r) => r.id)).toEqual(['a']);
  });

  it('restores agents from the store without overwriting live ones', () => {
    const fleet = state();
    fleet.apply(report('a', T0, { requests: 0 }), T0);
    fleet.restore([
      {
        id: 'a',
        model: 'old',
        type: 't',
        pool: 'p',
        labels: {},
        registeredAt: 0,
        lastSeen: 0,
        status: 'unhealthy',
        healthScore: 0.1,
      },
      {
        id: 'z',
        model: 'm',
        type: 't',
        pool: 'p',
        labels: {},
        registeredAt: 0,
        lastSeen: T0,
        status: 'healthy',
        healthScore: 1,
      },
    ]);
    expect(fleet.agents.get('a')!.record.model).toBe('gpt-4o');
    expect(fleet.agents.get('z')!.record.model).toBe('m');
  });
});
