import type { Report } from '@swarmscope/telemetry-client';
import { mean, replay, reportsOf, requestsOf, secondsOf } from '../test-support/replay';
import { ANOMALY_TYPES } from './anomalies';
import type { TruthRecord } from './types';

const D = 1200;
const run = replay({ scenario: 'anomalies', agents: 200, seed: 21, durationSeconds: D });
const baseline = replay({ scenario: 'baseline', agents: 200, seed: 21, durationSeconds: D });

const injected = (type: string): TruthRecord => run.scenario.truth.find((t) => t.type === type)!;
const inside = (truth: TruthRecord, agentId = truth.agents[0]!) =>
  requestsOf(run.reports, agentId, truth.fromSeconds, truth.toSeconds);
const outside = (truth: TruthRecord, agentId = truth.agents[0]!) =>
  requestsOf(run.reports, agentId).filter((r) => secondsOf(r) < truth.fromSeconds || secondsOf(r) >= truth.toSeconds);
const avg = (reports: Report[], metric: string) => mean(reports.map((r) => r.metrics![metric]!));
const logMean = (reports: Report[], metric: string) => mean(reports.map((r) => Math.log(r.metrics![metric]!)));

describe('anomalies scenario', () => {
  it('injects every kind, each into one agent, in windows inside the run, and says so in its truth', () => {
    const truth = run.scenario.truth;
    expect(new Set(truth.map((t) => t.type))).toEqual(new Set(ANOMALY_TYPES));
    expect(new Set(truth.map((t) => t.agents[0])).size).toBe(truth.length);
    for (const t of truth) {
      expect(t.fromSeconds).toBeGreaterThanOrEqual(0.1 * D);
      expect(t.toSeconds).toBeLessThanOrEqual(D);
      expect(t.to - t.from).toBe(Math.round(t.toSeconds * 1000) - Math.round(t.fromSeconds * 1000));
      expect(t.method.length).toBeGreaterThan(10);
    }
  });

  it('latency spike: the agent is slower in its window than outside it and than the other agents of its model', () => {
    const t = injected('latency_spike');
    const factor = t.params.latencyFactor as number;
    expect(
      Math.exp(logMean(inside(t), 'response_time_seconds') - logMean(outside(t), 'response_time_seconds')),
    ).toBeGreaterThan(factor * 0.7);
    const agent = run.population.agent(t.agents[0]!)!;
    const peers = run.population.agents().filter((a) => a.model === agent.model && a !== agent);
    const peersInWindow = peers.flatMap((p) => requestsOf(run.reports, p.id, t.fromSeconds, t.toSeconds));
    expect(
      Math.exp(logMean(inside(t), 'response_time_seconds') - logMean(peersInWindow, 'response_time_seconds')),
    ).toBeGreaterThan(factor * 0.6);
  });

  it('error surge: the error rate jumps in the window', () => {
    const t = injected('error_surge');
    expect(avg(inside(t), 'errors')).toBeGreaterThan((t.params.errorRate as number) * 0.7);
    expect(avg(outside(t), 'errors')).toBeLessThan(0.08);
  });

  it('token spike: input and output tokens multiply in the window', () => {
    const t = injected('token_spike');
    expect(avg(inside(t), 'input_tokens') / avg(outside(t), 'input_tokens')).toBeGreaterThan(3);
    expect(avg(inside(t), 'output_tokens') / avg(outside(t), 'output_tokens')).toBeGreaterThan(3);
  });

  it('quality degradation: quality trends down across the window and recovers after it', () => {
    const t = injected('quality_degradation');
    const q = (from: number, to: number) =>
      mean(
        requestsOf(run.reports, t.agents[0], from, to)
          .filter((r) => r.quality)
          .map((r) => r.quality!.accuracy!),
      );
    const quarter = (t.toSeconds - t.fromSeconds) / 4;
    const quarters = [0, 1, 2, 3].map((k) => q(t.fromSeconds + k * quarter, t.fromSeconds + (k + 1) * quarter));
    expect(quarters).toEqual([...quarters].sort((a, b) => b - a));
    expect(quarters[0]! - quarters[3]!).toBeGreaterThan(0.15);
    expect(q(0, t.fromSeconds) - quarters[3]!).toBeGreaterThan(0.2);
    if (t.toSeconds < D - 60) expect(Math.abs(q(t.toSeconds, D) - q(0, t.fromSeconds))).toBeLessThan(0.03);
  });

  it('model drift: the output length distribution shifts up and widens from its start on', () => {
    const t = injected('model_drift');
    expect(t.toSeconds).toBe(D);
    const ok = (reports: Report[]) => reports.filter((r) => r.metrics!.errors === 0);
    const before = ok(requestsOf(run.reports, t.agents[0], 0, t.fromSeconds));
    const after = ok(inside(t));
    expect(Math.exp(logMean(after, 'output_tokens') - logMean(before, 'output_tokens'))).toBeGreaterThan(1.6);
    const spread = (reports: Report[]) => {
      const logs = reports.map((r) => Math.log(r.metrics!.output_tokens!));
      const m = mean(logs);
      return Math.sqrt(mean(logs.map((x) => (x - m) ** 2)));
    };
    expect(spread(after) / spread(before)).toBeGreaterThan(1.3);
  });

  it('memory leak: memory grows through the window and drops back at its end (a restart)', () => {
    const t = injected('memory_leak');
    const memory = (from: number, to: number) =>
      mean(
        reportsOf(run.reports, t.agents[0]!)
          .filter((r) => secondsOf(r) >= from && secondsOf(r) < to)
          .map((r) => r.metrics!.memory_bytes!),
      );
    const base = memory(0, t.fromSeconds);
    const third = (t.toSeconds - t.fromSeconds) / 3;
    const thirds = [0, 1, 2].map((k) => memory(t.fromSeconds + k * third, t.fromSeconds + (k + 1) * third));
    expect(thirds[0]!).toBeLessThan(thirds[1]!);
    expect(thirds[1]!).toBeLessThan(thirds[2]!);
    expect(thirds[2]! / base).toBeGreaterThan(1.8);
    // Effects apply by tick (1 s here): from the first whole tick after the window, memory is back to normal.
    if (t.toSeconds < D - 20) expect(memory(Math.ceil(t.toSeconds) + 1, D)).toBe(base);
  });

  it('silent agent: no report at all in its window, reports before and after', () => {
    const t = injected('silent');
    const all = reportsOf(run.reports, t.agents[0]!);
    expect(all.filter((r) => secondsOf(r) >= t.fromSeconds && secondsOf(r) < t.toSeconds)).toEqual([]);
    expect(all.some((r) => secondsOf(r) < t.fromSeconds)).toBe(true);
    if (t.toSeconds < D - 20) expect(all.some((r) => secondsOf(r) >= t.toSeconds)).toBe(true);
    // Its callers see timeouts while it is silent.
    const handoffs = run.interactions.filter(
      (i) => i.to === t.agents[0] && secondsOf(i) >= t.fromSeconds && secondsOf(i) < t.toSeconds,
    );
    for (const h of handoffs) expect([h.outcome, h.latencySeconds]).toEqual(['error', 30]);
  });

  it('leaves the agents it does not touch exactly as they are in the baseline', () => {
    const touched = new Set(run.scenario.truth.flatMap((t) => t.agents));
    const others = run.population
      .agents()
      .filter((a) => !touched.has(a.id))
      .slice(0, 40);
    expect(others.length).toBe(40);
    for (const agent of others)
      expect(JSON.stringify(reportsOf(run.reports, agent.id))).toBe(
        JSON.stringify(reportsOf(baseline.reports, agent.id)),
      );
  });
});
