import type { Report } from '@swarmscope/telemetry-client';
import {
  buckets,
  lag1,
  mean,
  pearson,
  replay,
  reportsOf,
  requestsOf,
  secondsOf,
  variance,
} from '../test-support/replay';
import type { TruthRecord } from './types';

const D = 3600;
const run = replay({ scenario: 'emergence', agents: 400, seed: 13, durationSeconds: D });
const truth = (type: string): TruthRecord => run.scenario.truth.find((t) => t.type === type)!;
const accuracy = (reports: Report[]) => mean(reports.filter((r) => r.quality).map((r) => r.quality!.accuracy!));

function meanPairwise(series: number[][]): number {
  const values: number[] = [];
  for (let i = 0; i < series.length; i++)
    for (let j = i + 1; j < series.length; j++) values.push(pearson(series[i]!, series[j]!));
  return mean(values);
}

describe('emergence scenario', () => {
  it('synchronisation: once coupled, the group’s load series correlate (mean pairwise Pearson > 0.8), other agents’ do not (< 0.2)', () => {
    const sync = truth('synchronisation');
    const period = sync.params.periodSeconds as number;
    const from = sync.fromSeconds + period; // one period to lock in
    const load = (id: string, start: number, end: number) =>
      buckets(requestsOf(run.reports, id), start, end, 30, (b) => b.length);
    const group = sync.agents.map((id) => load(id, from, sync.toSeconds));
    expect(group.length).toBeGreaterThanOrEqual(8);
    expect(meanPairwise(group)).toBeGreaterThan(0.8);
    const inGroup = new Set(sync.agents);
    const others = run.population
      .pool(sync.pool!)
      .filter((a) => !inGroup.has(a.id))
      .slice(0, group.length)
      .map((a) => load(a.id, from, sync.toSeconds));
    expect(Math.abs(meanPairwise(others))).toBeLessThan(0.2);
    // Before the coupling switched on, each oscillated at its own frequency: far weaker agreement.
    const free = sync.params.freeRunningFromSeconds as number;
    expect(meanPairwise(sync.agents.map((id) => load(id, free, sync.fromSeconds)))).toBeLessThan(0.5);
  });

  it('cascade failure: follows graph edges from the hub to the agents that depend on it, each failing after its upstream', () => {
    const cascade = truth('cascade_failure');
    const path = cascade.path!;
    expect(path.length).toBeGreaterThanOrEqual(5);
    expect(path[0]).toMatchObject({ agent: cascade.params.origin, via: null, depth: 0 });
    const at = new Map(path.map((step) => [step.agent, step.atSeconds]));
    for (const step of path.slice(1)) {
      const agent = run.population.agent(step.agent)!;
      expect(agent.out.map((a) => a.id)).toContain(step.via); // it hands work to the agent that failed first
      expect(step.atSeconds).toBeGreaterThan(at.get(step.via!)!);
      expect(path.find((s) => s.agent === step.via)!.depth).toBe(step.depth - 1);
    }
    // The data says the same: each fails from its time on, not before.
    for (const step of path) {
      const errors = (from: number, to: number) =>
        mean(requestsOf(run.reports, step.agent, from, to).map((r) => r.metrics!.errors!));
      expect(errors(step.atSeconds + 1, cascade.toSeconds)).toBeGreaterThan(0.5);
      expect(errors(0, step.atSeconds)).toBeLessThan(0.1);
    }
    // Callers see their handoffs to a failed agent fail.
    const origin = path[0]!;
    const handoffs = run.interactions.filter(
      (i) => i.to === origin.agent && secondsOf(i) > origin.atSeconds + 1 && secondsOf(i) < cascade.toSeconds,
    );
    expect(mean(handoffs.map((i) => (i.outcome === 'error' ? 1 : 0)))).toBeGreaterThan(0.5);
  });

  it('phase transition: variance and lag-1 autocorrelation of the order parameter rise before the jump (critical slowing down)', () => {
    const transition = truth('phase_transition');
    const step = transition.params.stepSeconds as number;
    const at = transition.params.transitionAtSeconds as number;
    const pool = transition.agents.flatMap((id) => reportsOf(run.reports, id)).filter((r) => r.metrics!.requests === 1);
    // The order parameter as an observer measures it: the pool's mean log latency per step.
    const x = buckets(pool, transition.fromSeconds, at, step, (b) =>
      mean(b.map((r) => Math.log(r.metrics!.response_time_seconds!))),
    );
    const third = Math.floor(x.length / 3);
    const early = x.slice(0, third);
    const late = x.slice(-third);
    // Thresholds below what the AR(1) itself gives over 40 seeds (variance ×2.0 at least, lag-1 +0.38 at least).
    expect(variance(late)).toBeGreaterThan(1.5 * variance(early));
    expect(lag1(late)).toBeGreaterThan(lag1(early) + 0.25);
    expect(lag1(late)).toBeGreaterThan(0.6);
    const after = buckets(pool, at + step, at + 0.04 * D, step, (b) =>
      mean(b.map((r) => Math.log(r.metrics!.response_time_seconds!))),
    );
    expect(mean(after) - mean(late)).toBeGreaterThan(0.6);
    const errors = (from: number, to: number) =>
      mean(pool.filter((r) => secondsOf(r) >= from && secondsOf(r) < to).map((r) => r.metrics!.errors!));
    expect(errors(at + step, at + 0.04 * D)).toBeGreaterThan(2 * errors(transition.fromSeconds, at));
  });

  it('collective learning: spreads along edges, and each learner’s neighbour improves before it does', () => {
    const learning = truth('collective_learning');
    const path = learning.path!;
    expect(path.length).toBeGreaterThanOrEqual(4);
    const ramp = learning.params.rampSeconds as number;
    const byAgent = new Map(path.map((s) => [s.agent, s]));
    let compared = 0;
    for (const step of path) {
      const agent = run.population.agent(step.agent)!;
      const reports = reportsOf(run.reports, step.agent);
      const q = (from: number, to: number) => accuracy(requestsOf(reports, undefined, from, to));
      const gain = Math.min(0.12, 0.97 - agent.quality);
      if (gain > 0.06) expect(q(step.atSeconds + ramp, D) - q(0, step.atSeconds)).toBeGreaterThan(gain / 2);
      if (step.via === null) continue;
      const neighbours = [...agent.out, ...agent.in].map((a) => a.id);
      expect(neighbours).toContain(step.via);
      const via = byAgent.get(step.via)!;
      expect(via.atSeconds).toBeLessThan(step.atSeconds);
      // In the data: between the neighbour's improvement and its own, the neighbour is better and it is not yet.
      const viaAgent = run.population.agent(step.via)!;
      if (step.atSeconds - via.atSeconds < ramp + 60 || Math.min(0.12, 0.97 - viaAgent.quality) < 0.06) continue;
      const viaReports = reportsOf(run.reports, step.via);
      const between = (reports: Report[]) =>
        accuracy(requestsOf(reports, undefined, via.atSeconds + ramp, step.atSeconds));
      const baseline = (reports: Report[]) => accuracy(requestsOf(reports, undefined, 0, via.atSeconds));
      expect(between(viaReports) - baseline(viaReports)).toBeGreaterThan(0.04);
      expect(Math.abs(between(reports) - baseline(reports))).toBeLessThan(0.03);
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  });
});
