import type { SampleReport, WindowSummary } from '@swarmscope/core';
import { FleetState } from './fleet-state';

const WINDOW = 60_000;
const GRACE = 5000;
const T0 = 1_732_350_000_000 - (1_732_350_000_000 % WINDOW);
const RUN_MS = 5 * 60_000;

/** A small seeded generator (mulberry32), so every run replays the same fleet. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Truth {
  count: number;
  errors: number;
  inputTokens: number;
  latencies: number[];
}

interface Agent {
  id: string;
  /** The agent's clock minus the true time (negative: behind). */
  offsetMs: number;
}

/**
 * Runs agents whose clocks are off by `offsetMs` and whose reports reach health-monitor after a random delay of up to
 * `maxDelayMs`, shuffled within each second (out of order), through FleetState with its 1-s tick on the server's
 * clock. Returns the windows it closed and the truth by the agents' own timestamps.
 */
function run(agents: Agent[], maxDelayMs: number, seed: number) {
  const rng = random(seed);
  const fleet = new FleetState({
    windowMs: WINDOW,
    graceMs: GRACE,
    tauMs: WINDOW,
    policy: { latencySloSeconds: 2, timeoutMs: 30_000 },
  });
  const truth = new Map<string, Truth>();
  const inFlight: Array<{ arrival: number; report: SampleReport }> = [];
  for (const agent of agents) {
    for (let t = T0 + rng() * 500; t < T0 + RUN_MS; t += 200 + rng() * 600) {
      const timestamp = Math.round(t + agent.offsetMs);
      const latency = 0.05 + rng() * rng() * 4;
      const errors = rng() < 0.1 ? 1 : 0;
      const inputTokens = Math.floor(rng() * 1000);
      inFlight.push({
        arrival: t + rng() * maxDelayMs,
        report: {
          agentId: agent.id,
          timestamp,
          model: 'm',
          pool: 'p',
          type: 'general',
          metrics: { requests: 1, errors, response_time_seconds: latency, input_tokens: inputTokens },
          quality: {},
        },
      });
      const key = `agent:${agent.id}|${Math.floor(timestamp / WINDOW) * WINDOW}`;
      const entry = truth.get(key) ?? { count: 0, errors: 0, inputTokens: 0, latencies: [] };
      entry.count++;
      entry.errors += errors;
      entry.inputTokens += inputTokens;
      entry.latencies.push(latency);
      truth.set(key, entry);
    }
  }
  inFlight.sort((a, b) => a.arrival - b.arrival);
  const closed = new Map<string, WindowSummary>();
  let next = 0;
  // The server's clock, a second at a time; afterwards long enough for every window (ahead clocks too) to close.
  for (let now = T0 + 1000; now <= T0 + RUN_MS + 4 * WINDOW; now += 1000) {
    const due: SampleReport[] = [];
    while (next < inFlight.length && inFlight[next]!.arrival <= now) due.push(inFlight[next++]!.report);
    for (let i = due.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [due[i], due[j]] = [due[j]!, due[i]!];
    }
    for (const report of due) fleet.apply(report, now);
    for (const event of fleet.tick(now).closed) closed.set(`${event.key}|${event.window.start}`, event.window);
  }
  return { closed, truth, late: fleet.lateReports };
}

/** The value at rank q·(n−1) of the sorted values: the quantile DDSketch approximates. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

function expectWindowsMatch(closed: Map<string, WindowSummary>, truth: Map<string, Truth>) {
  for (const [key, expected] of truth) {
    const window = closed.get(key);
    expect({ key, found: window !== undefined }).toEqual({ key, found: true });
    expect({
      key,
      count: window!.count,
      errors: window!.errors,
      inputTokens: window!.inputTokens,
      samples: window!.latency.samples,
    }).toEqual({
      key,
      count: expected.count,
      errors: expected.errors,
      inputTokens: expected.inputTokens,
      samples: expected.count,
    });
    const sorted = [...expected.latencies].sort((a, b) => a - b);
    for (const [q, value] of [
      [0.5, window!.latency.p50],
      [0.95, window!.latency.p95],
      [0.99, window!.latency.p99],
    ] as const) {
      const exact = quantile(sorted, q);
      expect(Math.abs(value - exact) / exact).toBeLessThanOrEqual(0.0101);
    }
  }
}

describe('windows under clock skew and out-of-order reports', () => {
  it('are exact by the agents’ own clocks when every report arrives within the grace period of its timestamp', () => {
    const rng = random(11);
    // Clocks behind by up to 2.5 s or ahead by up to 2 minutes; delivery delays up to 1.5 s (plus the ≤ 1 s
    // until the next tick): every report reaches the server at most the 5-s grace after its own timestamp.
    const agents = Array.from({ length: 40 }, (_, i) => ({
      id: `a-${i}`,
      offsetMs: i % 2 === 0 ? -rng() * 2500 : rng() * 120_000,
    }));
    const { closed, truth, late } = run(agents, 1500, 12);
    expect(late).toBe(0);
    expectWindowsMatch(closed, truth);
    // The fleet's windows are the sums of the agents', window by window.
    const fleetCounts = new Map<number, number>();
    for (const [key, t] of truth) {
      const start = Number(key.slice(key.lastIndexOf('|') + 1));
      fleetCounts.set(start, (fleetCounts.get(start) ?? 0) + t.count);
    }
    for (const [start, count] of fleetCounts)
      expect({ start, count: closed.get(`fleet|${start}`)?.count }).toEqual({ start, count });
  });

  it('counts an agent whose clock is behind by more than a window plus the grace as late, and leaves the others exact', () => {
    const behind = { id: 'behind', offsetMs: -(WINDOW + GRACE + 2000) };
    const agents = [behind, { id: 'on-time', offsetMs: 0 }, { id: 'ahead', offsetMs: 90_000 }];
    const { closed, truth, late } = run(agents, 500, 13);
    const behindTruth = [...truth].filter(([key]) => key.startsWith('agent:behind|'));
    const behindReports = behindTruth.reduce((sum, [, t]) => sum + t.count, 0);
    // Its first window (the run starts at a boundary) is still open when its first reports come: only that one
    // counts; every later report comes after its window closed.
    const counted = [...closed]
      .filter(([key]) => key.startsWith('agent:behind|'))
      .reduce((sum, [, w]) => sum + w.count, 0);
    expect(late).toBe(behindReports - counted);
    expect(late).toBeGreaterThan(behindReports * 0.7);
    expectWindowsMatch(closed, new Map([...truth].filter(([key]) => !key.startsWith('agent:behind|'))));
  });
});
