import type { SampleReport } from '@swarmscope/core';
import { syncRow } from './sync-series';
import { TickSeries } from './tick-series';

const TICK_MS = 10_000;
const TICKS = 60;

/** Requests per second of a rate wave: 10 a second, ±50 % over 90 s. */
const rate = (seconds: number) => 10 * (1 + 0.5 * Math.sin((2 * Math.PI * seconds) / 90));
/** Requests in [0, t) seconds (the wave's integral). */
const served = (seconds: number) =>
  10 * seconds - (10 * 0.5 * 90 * (Math.cos((2 * Math.PI * seconds) / 90) - 1)) / (2 * Math.PI);

function report(agentId: string, timestamp: number, requests: number): SampleReport {
  return {
    agentId,
    timestamp,
    model: 'm',
    pool: 'p',
    type: 't',
    metrics: { requests, errors: 0, response_time_seconds: 1 },
    quality: {},
  };
}

function correlation(a: Float64Array, b: Float64Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let t = 0; t < a.length; t++) {
    ab += a[t]! * b[t]!;
    aa += a[t]! ** 2;
    bb += b[t]! ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('syncRow (load)', () => {
  it('reads the request rate, whether an agent reports each request among heartbeats or aggregates every 4–16 s', () => {
    const series = new TickSeries(TICK_MS, TICKS, 2);
    const reports: SampleReport[] = [];
    // One agent reports every request on its own (requests: 1) and a resource heartbeat without requests every 10 s.
    for (let k = 1; ; k++) {
      // The k-th request is served when the integral reaches k (bisection on the monotone integral).
      let lo = 0;
      let hi = TICKS * 10;
      if (served(hi) < k) break;
      for (let i = 0; i < 40; i++) {
        const mid = (lo + hi) / 2;
        if (served(mid) < k) lo = mid;
        else hi = mid;
      }
      reports.push(report('per-request', Math.round(hi * 1000), 1));
    }
    for (let s = 5; s < TICKS * 10; s += 10) reports.push(report('per-request', s * 1000 + 3, 0));
    // The other reports what it served since its last report, every 4–16 s (off the tick grid, irregular): requests
    // per report would follow its report intervals, not its rate.
    const intervals = [4, 15, 7, 12, 5, 16, 9];
    for (let s = 0, k = 0; s + intervals[k % intervals.length]! < TICKS * 10; k++) {
      const next = s + intervals[k % intervals.length]!;
      reports.push(report('aggregated', next * 1000, Math.round(served(next) - served(s))));
      s = next;
    }
    reports.sort((a, b) => a.timestamp - b.timestamp);
    for (const r of reports) expect(series.add(r)).toBe(true);
    const rows = ['per-request', 'aggregated'].map((id) => {
      const out = new Float64Array(TICKS);
      expect(syncRow(series, series.agent(id)!, 'load', TICKS - 1, out, new Float64Array(TICKS))).toBe(true);
      return out;
    });
    // Both rows follow the same wave: the rate, not requests per report (which the heartbeats halve at random).
    const wave = new Float64Array(TICKS);
    for (let t = 0; t < TICKS; t++) wave[t] = rate(t * 10 + 5) - 10;
    expect(correlation(rows[0]!, wave)).toBeGreaterThan(0.95);
    expect(correlation(rows[1]!, wave)).toBeGreaterThan(0.8);
    expect(correlation(rows[0]!, rows[1]!)).toBeGreaterThan(0.8);
  });
});
