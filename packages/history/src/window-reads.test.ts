import { DDSketch } from '@datadog/sketches-js';
import type { WindowSummary } from '@swarmscope/core';
import { History } from './history';
import { rollUpOldWindows } from './maintenance';
import { HOUR_MS } from './rollup';
import { encodeSketch } from './sketches';
import { silent, tempDir, window } from './test-support/fixtures';

const DAY = 24 * HOUR_MS;
const retention = { rawMs: 7 * DAY, rollupMs: 90 * DAY, eventsMs: 30 * DAY };
const now = 10 * DAY;

/** A minute of the fleet whose latencies are from, from + 1, …, from + n - 1 seconds, with its sketch. */
function sketched(start: number, from: number, n: number, means: Record<string, number> = {}): WindowSummary {
  const sketch = new DDSketch({ relativeAccuracy: 0.01 });
  for (let i = 0; i < n; i++) sketch.accept(from + i);
  return { ...window(start, n), means, latencySketch: encodeSketch(sketch) };
}

const within1Percent = (actual: number, exact: number) => expect(Math.abs(actual - exact) / exact).toBeLessThan(0.0101);

describe('hourly windows of a range', () => {
  it('reads rolled-up hours as written and rolls up the hours not rolled yet the same way', async () => {
    const history = await History.open({ dataDir: tempDir(), logger: silent });
    const hour = now - 2 * HOUR_MS;
    // Hour `hour`: rolled up by the job (its minutes kept). Hour `now - 1 h`: written after the job ran.
    await history.writeWindows([
      { key: 'fleet', window: sketched(hour, 1, 100, { queue_depth: 2 }) },
      { key: 'fleet', window: sketched(hour + 60_000, 101, 100, { queue_depth: 4 }) },
    ]);
    expect(await rollUpOldWindows(history, now - HOUR_MS, retention)).toBe(1);
    await history.writeWindows([
      { key: 'fleet', window: sketched(now - HOUR_MS, 201, 100, { queue_depth: 1 }) },
      // 300 requests, none timed, and a gauge: the hour's queue depth weighs 100 requests at 1 and 300 at 5.
      {
        key: 'fleet',
        window: {
          ...window(now - HOUR_MS + 60_000, 300),
          latency: { mean: 0, p50: 0, p95: 0, p99: 0, max: 0, samples: 0 },
          means: { queue_depth: 5 },
        },
      },
    ]);
    const hours = await history.hourlyWindows('fleet', hour + 30 * 60_000, now);
    expect(hours.map((w) => [w.start, w.durationMs, w.count, w.latency.samples])).toEqual([
      [hour, HOUR_MS, 200, 200],
      [now - HOUR_MS, HOUR_MS, 400, 100],
    ]);
    expect(hours.map((w) => w.means)).toEqual([{ queue_depth: 3 }, { queue_depth: 4 }]);
    expect(hours[1]!.errors).toBe(2);
    expect(hours[1]!.errorRate).toBeCloseTo(2 / 400);
    // Percentiles of the merged sketches: values 1..200 in the first hour, 201..300 in the second.
    within1Percent(hours[0]!.latency.p99, 198);
    within1Percent(hours[1]!.latency.p50, 250);
    within1Percent(hours[1]!.latency.p99, 299);
    expect(hours[1]!.latency.max).toBe(1.5);
    expect(hours.every((w) => w.latencySketch === undefined)).toBe(true);
    await history.close();
  });

  it('rolls an hour up on read exactly as the job then writes it', async () => {
    const history = await History.open({ dataDir: tempDir(), logger: silent });
    const hour = now - 2 * HOUR_MS;
    await history.writeWindows(
      Array.from({ length: 6 }, (_, m) => ({
        key: 'pool:support',
        window: sketched(hour + m * 10 * 60_000, 1 + m * 37, 50 + m * 11, { queue_depth: m }),
      })),
    );
    // A window written again: the newer row counts, on read and in the job alike.
    await history.writeWindows([{ key: 'pool:support', window: sketched(hour, 500, 20, { queue_depth: 9 }) }]);
    const [onRead] = await history.hourlyWindows('pool:support', hour, now);
    expect(await rollUpOldWindows(history, now, retention)).toBe(1);
    const [stored] = await history.hourlyWindows('pool:support', hour, now);
    // The same numbers; percentiles equal up to float rounding (the same bins, reached by two paths).
    const withoutPercentiles = (w: WindowSummary) => ({ ...w, latency: { ...w.latency, p50: 0, p95: 0, p99: 0 } });
    expect(withoutPercentiles(onRead!)).toEqual(withoutPercentiles(stored!));
    for (const q of ['p50', 'p95', 'p99'] as const)
      expect(Math.abs(onRead!.latency[q] - stored!.latency[q]) / stored!.latency[q]).toBeLessThan(1e-12);
    expect(onRead).toMatchObject({ start: hour, count: 20 + 61 + 72 + 83 + 94 + 105, latency: { max: 1.5 } });
    await history.close();
  });

  it("rolls an agent's hours (no sketches) up from its windows: percentiles are the sample-weighted mean of theirs", async () => {
    const history = await History.open({ dataDir: tempDir(), logger: silent });
    const slow = { ...window(60_000, 30), latency: { mean: 1, p50: 0.8, p95: 1.6, p99: 2, max: 3, samples: 30 } };
    await history.writeWindows([
      { key: 'agent:a-1', window: window(0, 10) },
      { key: 'agent:a-1', window: slow },
    ]);
    const [hour] = await history.hourlyWindows('agent:a-1', 0, HOUR_MS);
    expect(hour).toMatchObject({
      start: 0,
      durationMs: HOUR_MS,
      count: 40,
      errors: 2,
      latency: { max: 3, samples: 40 },
    });
    expect(hour!.latency.p50).toBeCloseTo((0.4 * 10 + 0.8 * 30) / 40);
    expect(hour!.latency.mean).toBeCloseTo((0.5 * 10 + 1 * 30) / 40);
    expect(await history.hourlyWindows('agent:a-2', 0, HOUR_MS)).toEqual([]);
    await history.close();
  });
});

describe('latency percentiles of a range', () => {
  it('counts an hour rolled up inside the range once, and the minutes of an hour the range cuts one by one', async () => {
    const history = await History.open({ dataDir: tempDir(), logger: silent });
    const hour = now - 2 * HOUR_MS;
    await history.writeWindows([
      { key: 'pool:support', window: sketched(hour, 1, 100) },
      { key: 'pool:support', window: sketched(hour + 30 * 60_000, 101, 100) },
      { key: 'pool:support', window: sketched(now - HOUR_MS, 201, 100) },
    ]);
    expect(await rollUpOldWindows(history, now, retention)).toBe(2);
    // The whole of both hours: two hourly rows, 300 samples (not 600).
    const whole = await history.latencyPercentiles('pool:support', hour, now - 1);
    expect({
      windows: whole.windows,
      samples: whole.samples,
      method: whole.method,
      unsketched: whole.unsketched,
    }).toEqual({ windows: 2, samples: 300, method: 'sketch', unsketched: 0 });
    within1Percent(whole.percentiles.p50!, 150);
    within1Percent(whole.percentiles.p99!, 297);
    // From the second half of the first hour: its minute there, and the second hour.
    const cut = await history.latencyPercentiles('pool:support', hour + 20 * 60_000, now - 1, [0.5, 0.999]);
    expect({ windows: cut.windows, samples: cut.samples }).toEqual({ windows: 2, samples: 200 });
    within1Percent(cut.percentiles.p50!, 200);
    within1Percent(cut.percentiles['p99.9']!, 300);
    // Up to the first hour's first minute only.
    expect((await history.latencyPercentiles('pool:support', hour, hour)).samples).toBe(100);
    expect(await history.latencyPercentiles('pool:support', 0, 1000)).toEqual({
      windows: 0,
      samples: 0,
      percentiles: { p50: 0, p95: 0, p99: 0 },
      method: 'sketch',
      unsketched: 0,
    });
    await history.close();
  });

  it("answers an agent's from its windows' own percentiles, weighted by samples, and refuses quantiles they do not keep", async () => {
    const history = await History.open({ dataDir: tempDir(), logger: silent });
    const slow = { ...window(60_000, 30), latency: { mean: 1, p50: 0.8, p95: 1.6, p99: 2, max: 3, samples: 30 } };
    await history.writeWindows([
      { key: 'agent:a-1', window: window(0, 10) },
      { key: 'agent:a-1', window: slow },
    ]);
    const answer = await history.latencyPercentiles('agent:a-1', 0, HOUR_MS);
    expect(answer).toMatchObject({ windows: 2, samples: 40, method: 'window-mean', unsketched: 0 });
    expect(answer.percentiles.p50).toBeCloseTo((0.4 * 10 + 0.8 * 30) / 40);
    expect(answer.percentiles.p95).toBeCloseTo((0.9 * 10 + 1.6 * 30) / 40);
    expect(answer.percentiles.p99).toBeCloseTo((1.2 * 10 + 2 * 30) / 40);
    await expect(history.latencyPercentiles('agent:a-1', 0, HOUR_MS, [0.9])).rejects.toThrow(
      "an agent's windows keep p50, p95 and p99 only, not p90",
    );
    await history.close();
  });
});
