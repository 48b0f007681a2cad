import { BLOCK_MS, blockCount, dailyLoad, generateBlock, type IngestInteraction, type IngestReport } from './generate';
import { planFleet, type FaultTruth, type FleetPlan } from './plan';

/** Every block of a plan, concatenated. */
function run(plan: FleetPlan): { reports: IngestReport[]; interactions: IngestInteraction[] } {
  const reports: IngestReport[] = [];
  const interactions: IngestInteraction[] = [];
  for (let b = 0; b < blockCount(plan); b++) {
    const block = generateBlock(plan, b);
    reports.push(...block.reports);
    interactions.push(...block.interactions);
  }
  return { reports, interactions };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(q * (s.length - 1))]!;
}

const plan = planFleet({ seed: 4, agents: 160, hours: 2, faultShare: 0.12 });
const clean = planFleet({ seed: 4, agents: 160, hours: 2, faults: false });
const faulted = run(plan);
const quiet = run(clean);
/** An agent's reports, by run. */
function byAgent(reports: IngestReport[]): Map<string, IngestReport[]> {
  const out = new Map<string, IngestReport[]>();
  for (const r of reports) {
    const list = out.get(r.agentId);
    if (list) list.push(r);
    else out.set(r.agentId, [r]);
  }
  return out;
}
const faultedByAgent = byAgent(faulted.reports);
const quietByAgent = byAgent(quiet.reports);
const requestsOf = (reports: IngestReport[], agentId: string) =>
  ((reports === quiet.reports ? quietByAgent : faultedByAgent).get(agentId) ?? []).filter(
    (r) => r.metrics.requests === 1,
  );
const inside = (f: FaultTruth) => (r: { timestamp: number }) => r.timestamp >= f.start && r.timestamp < f.end;
const faultsOf = (type: string) => plan.faults.filter((f) => f.type === type);

describe('generateBlock', () => {
  it('is a pure function of (plan, block): any block replays alone, the same', () => {
    expect(generateBlock(plan, 70)).toEqual(
      generateBlock(planFleet({ seed: 4, agents: 160, hours: 2, faultShare: 0.12 }), 70),
    );
    const b = generateBlock(plan, 3);
    expect(b.to - b.from).toBe(BLOCK_MS);
    for (const r of b.reports) expect(r.timestamp >= b.from && r.timestamp < b.to).toBe(true);
    expect(b.reports.map((r) => r.timestamp)).toEqual([...b.reports.map((r) => r.timestamp)].sort((x, y) => x - y));
  });

  it('emits reports in the public ingest shape: whole counts, errors ≤ requests, quality in [0, 1], valid ids', () => {
    for (const r of faulted.reports.slice(0, 20_000)) {
      expect(r.agentId).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
      expect(r.pool).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
      for (const k of ['requests', 'errors', 'input_tokens', 'output_tokens', 'tool_calls'])
        if (r.metrics[k] !== undefined) expect(Number.isInteger(r.metrics[k]) && r.metrics[k]! >= 0).toBe(true);
      expect((r.metrics.errors ?? 0) <= r.metrics.requests!).toBe(true);
      for (const v of Object.values(r.quality ?? {})) expect(v >= 0 && v <= 1).toBe(true);
    }
    for (const i of faulted.interactions.slice(0, 5000))
      expect(['delegation', 'message', 'tool_handoff']).toContain(i.kind);
  });

  it('agents report only from their join, and the load-test pool stops at once', () => {
    const byId = new Map(plan.agents.map((a) => [a.id, a]));
    for (const r of faulted.reports) {
      const a = byId.get(r.agentId)!;
      if (r.timestamp < a.joinedAt || r.timestamp >= a.stoppedAt)
        throw new Error(`${r.agentId} reported at ${r.timestamp}`);
    }
    const stop = plan.pools.at(-1)!.stopsAt!;
    const pool = plan.pools.at(-1)!.name;
    expect(faulted.reports.filter((r) => r.pool === pool && r.timestamp >= stop - 60_000).length).toBeGreaterThan(
      plan.pools.at(-1)!.agents,
    );
    expect(faulted.reports.filter((r) => r.pool === pool && r.timestamp >= stop)).toEqual([]);
  });

  it('natural latency has a heavy tail and a slow pool is slow by nature (p95 4–7 s)', () => {
    const byPool = new Map<string, number[]>();
    for (const r of quiet.reports) {
      if (r.metrics.requests !== 1 || r.metrics.errors) continue;
      const xs = byPool.get(r.pool);
      if (xs) xs.push(r.metrics.response_time_seconds!);
      else byPool.set(r.pool, [r.metrics.response_time_seconds!]);
    }
    const slow = [...byPool].filter(([pool]) => pool === 'code-review' || pool === 'deep-research');
    expect(slow.length).toBeGreaterThan(0);
    for (const [, xs] of slow) expect(quantile(xs, 0.95)).toBeGreaterThan(4);
    for (const [, xs] of slow) expect(quantile(xs, 0.95)).toBeLessThan(7);
    for (const [, xs] of byPool) expect(quantile(xs, 0.999) / median(xs)).toBeGreaterThan(5);
  });

  it('daily load follows business hours in the pool’s own time zone; batch pools are flat', () => {
    const diurnal = clean.agents.find((a) => a.pool.archetype.diurnal)!;
    const atLocal = (hour: number) => Date.UTC(2026, 2, 10) + (hour - diurnal.pool.utcOffsetHours) * 3_600_000;
    expect(dailyLoad(diurnal, atLocal(3))).toBeCloseTo(0.25, 2);
    expect(dailyLoad(diurnal, atLocal(10.5))).toBeCloseTo(1, 2);
    expect(dailyLoad(diurnal, atLocal(13))).toBeGreaterThan(0.5);
    expect(dailyLoad(diurnal, atLocal(13))).toBeLessThan(1);
    const flat = clean.agents.find((a) => !a.pool.archetype.diurnal)!;
    expect([dailyLoad(flat, atLocal(3)), dailyLoad(flat, atLocal(10.5))]).toEqual([1, 1]);
  });

  it('a fault-free agent of a flat pool has Poisson request counts (index of dispersion ≈ 1)', () => {
    const flat = clean.agents.find(
      (a) => !a.pool.archetype.diurnal && a.stoppedAt === Infinity && a.joinedAt === clean.startEpochMs,
    );
    if (!flat) return expect(clean.pools.some((p) => !p.archetype.diurnal && p.stopsAt === undefined)).toBe(false);
    const counts = new Array(blockCount(clean)).fill(0);
    for (const r of requestsOf(quiet.reports, flat.id))
      counts[Math.floor((r.timestamp - clean.startEpochMs) / BLOCK_MS)]++;
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    const variance = counts.reduce((a, b) => a + (b - mean) ** 2, 0) / (counts.length - 1);
    expect(mean).toBeCloseTo(flat.rate * 60, -0.5);
    expect(variance / mean).toBeGreaterThan(0.6);
    expect(variance / mean).toBeLessThan(1.5);
  });

  it('natural latency spikes show in the data where the plan puts them (they are not faults: the fault-free run has them)', () => {
    let checked = 0;
    for (const spike of clean.spikes.filter((x) => x.kind === 'latency')) {
      const ok = requestsOf(quiet.reports, spike.agentId).filter((r) => !r.metrics.errors);
      const during = ok
        .filter((r) => r.timestamp >= spike.start && r.timestamp < spike.end)
        .map((r) => r.metrics.response_time_seconds!);
      if (during.length < 5) continue;
      checked++;
      expect(median(during) / median(ok.map((r) => r.metrics.response_time_seconds!))).toBeGreaterThan(spike.level / 2);
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('latency faults multiply the agent’s median latency inside their window only', () => {
    for (const f of faultsOf('latency')) {
      const ok = requestsOf(faulted.reports, f.agentId).filter((r) => !r.metrics.errors);
      const inWindow = median(ok.filter(inside(f)).map((r) => r.metrics.response_time_seconds!));
      const before = median(ok.filter((r) => r.timestamp < f.start).map((r) => r.metrics.response_time_seconds!));
      expect(inWindow / before).toBeGreaterThan(f.params.latencyFactor! * 0.6);
      expect(inWindow / before).toBeLessThan(f.params.latencyFactor! * 1.6);
    }
  });

  it('error bursts fail requests at the planted rate inside the window, at the agent’s own rate outside', () => {
    for (const f of faultsOf('error_burst')) {
      const reqs = requestsOf(faulted.reports, f.agentId);
      const win = reqs.filter(inside(f));
      const rate = win.filter((r) => r.metrics.errors).length / win.length;
      expect(Math.abs(rate - f.params.errorRate!)).toBeLessThan(
        4 * Math.sqrt((f.params.errorRate! * (1 - f.params.errorRate!)) / win.length) + 0.02,
      );
      const out = reqs.filter((r) => !inside(f)(r));
      expect(out.filter((r) => r.metrics.errors).length / out.length).toBeLessThan(0.08);
    }
  });

  it('memory leaks grow the agent’s memory by the planted growth over their window, and a restart ends them', () => {
    for (const f of faultsOf('memory_leak')) {
      const mem = faultedByAgent.get(f.agentId)!.filter((r) => r.metrics.memory_bytes !== undefined);
      const quietMem = quietByAgent.get(f.agentId)!.filter((r) => r.metrics.memory_bytes !== undefined);
      const last = mem.filter((r) => r.timestamp < f.end && r.timestamp >= f.end - 60_000);
      const lastQuiet = quietMem.filter((r) => r.timestamp < f.end && r.timestamp >= f.end - 60_000);
      const extra =
        median(last.map((r) => r.metrics.memory_bytes!)) - median(lastQuiet.map((r) => r.metrics.memory_bytes!));
      expect(extra / f.params.baseBytes!).toBeGreaterThan(f.params.growth! * 0.9);
      expect(extra / f.params.baseBytes!).toBeLessThan(f.params.growth! * 1.05);
      const after = mem.filter((r) => r.timestamp >= f.end);
      const afterQuiet = quietMem.filter((r) => r.timestamp >= f.end);
      expect(after.map((r) => r.metrics.memory_bytes)).toEqual(afterQuiet.map((r) => r.metrics.memory_bytes));
    }
  });

  it('request floods multiply the request rate in their window', () => {
    for (const f of faultsOf('request_flood')) {
      const win = requestsOf(faulted.reports, f.agentId).filter(inside(f)).length;
      const calm = requestsOf(quiet.reports, f.agentId).filter(inside(f)).length;
      expect(win / Math.max(1, calm)).toBeGreaterThan(f.params.rateFactor! * 0.5);
    }
  });

  it('a scan contacts its planted number of distinct agents, mostly failing, inside its window, and nothing else does', () => {
    for (const f of faultsOf('scan')) {
      const contacts = faulted.interactions.filter(
        (i) => i.from === f.agentId && i.kind === 'message' && i.latencySeconds < 0.06 && inside(f)(i),
      );
      expect(new Set(contacts.map((c) => c.to)).size).toBeGreaterThanOrEqual(f.params.targets!);
      expect(f.params.targets).toBeGreaterThanOrEqual(Math.min(80, plan.agents.length - 10));
    }
    const fanOut = new Map<string, Set<string>>();
    for (const i of quiet.interactions) fanOut.set(i.from, (fanOut.get(i.from) ?? new Set()).add(i.to));
    expect(Math.max(...[...fanOut.values()].map((s) => s.size))).toBeLessThanOrEqual(4);
  });

  it('model drift changes the output-token distribution’s shape for good (bimodal: more short and long answers)', () => {
    for (const f of faultsOf('model_drift')) {
      const ok = requestsOf(faulted.reports, f.agentId).filter((r) => !r.metrics.errors);
      const before = ok.filter((r) => r.timestamp < f.start).map((r) => r.metrics.output_tokens!);
      const after = ok.filter((r) => r.timestamp >= f.start).map((r) => r.metrics.output_tokens!);
      const m = median(before);
      const short = (xs: number[]) => xs.filter((x) => x < 0.4 * m).length / xs.length;
      expect(short(after)).toBeGreaterThan(short(before) + 0.1);
      const long = (xs: number[]) => xs.filter((x) => x > 1.5 * m).length / xs.length;
      expect(long(after)).toBeGreaterThan(long(before) + 0.1);
      expect(f.end).toBe(plan.endEpochMs);
    }
  });

  it('outside fault windows, a faulted agent reports what it would have without its fault', () => {
    for (const f of plan.faults.filter((x) => x.type !== 'scan')) {
      const blockOf = (t: number) => Math.floor((t - plan.startEpochMs) / BLOCK_MS);
      const untouched = (r: IngestReport) => blockOf(r.timestamp) < blockOf(f.start);
      expect(faultedByAgent.get(f.agentId)!.filter(untouched)).toEqual(quietByAgent.get(f.agentId)!.filter(untouched));
    }
  });
});
