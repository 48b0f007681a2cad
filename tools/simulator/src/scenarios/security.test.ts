import type { Report } from '@swarmscope/telemetry-client';
import { mean, replay, reportsOf, requestsOf, secondsOf } from '../test-support/replay';
import type { TruthRecord } from './types';

const D = 1200;
const run = replay({ scenario: 'security', agents: 300, seed: 5, durationSeconds: D });
const truth = (type: string): TruthRecord => run.scenario.truth.find((t) => t.type === type)!;
const rate = (reports: Report[], from: number, to: number) =>
  reports.filter((r) => r.metrics!.requests === 1 && secondsOf(r) >= from && secondsOf(r) < to).length / (to - from);

describe('security scenario', () => {
  it('classes every line by risk: flood and scan high, exfiltration medium, the rest low', () => {
    expect(run.scenario.truth.map((t) => [t.type, t.risk])).toEqual([
      ['request_flood', 'high'],
      ['port_scan', 'high'],
      ['exfiltration', 'medium'],
      ['exfiltration', 'medium'],
      ['normal', 'low'],
    ]);
  });

  it('request flood: multiplies the pool’s request rate in the window, mostly tiny attacker prompts, other pools unchanged', () => {
    const flood = truth('request_flood');
    const poolReports = flood.agents.flatMap((id) => reportsOf(run.reports, id));
    const during = rate(poolReports, flood.fromSeconds, flood.toSeconds);
    const before = rate(poolReports, 0, flood.fromSeconds);
    expect(during / before).toBeGreaterThan(6);
    const inWindow = poolReports.filter(
      (r) => r.metrics!.requests === 1 && secondsOf(r) >= flood.fromSeconds + 1 && secondsOf(r) < flood.toSeconds - 1,
    );
    expect(inWindow.filter((r) => r.metrics!.input_tokens! < 100).length / inWindow.length).toBeGreaterThan(0.75);
    const others = run.population
      .agents()
      .filter((a) => a.pool !== flood.pool)
      .flatMap((a) => reportsOf(run.reports, a.id));
    const ratio = rate(others, flood.fromSeconds, flood.toSeconds) / rate(others, 0, flood.fromSeconds);
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.1);
  });

  it('port scan: one outside source sends failing tiny requests to each target in turn, and to nobody else', () => {
    const scan = truth('port_scan');
    const source = scan.params.source as string;
    expect(run.population.agent(source)).toBeUndefined();
    const probes = run.interactions.filter((i) => i.from === source);
    expect(new Set(probes.map((i) => i.to))).toEqual(new Set(scan.agents));
    expect(probes).toHaveLength(scan.agents.length * (scan.params.probesPerAgent as number));
    for (const probe of probes) {
      expect(probe.outcome).toBe('error');
      expect(secondsOf(probe)).toBeGreaterThanOrEqual(Math.floor(scan.fromSeconds));
      expect(secondsOf(probe)).toBeLessThan(scan.toSeconds + 1);
    }
    // The sweep moves on: targets are hit one after the other.
    const firstHit = scan.agents.map((id) => Math.min(...probes.filter((p) => p.to === id).map(secondsOf)));
    expect(firstHit.filter((t, i) => i > 0 && t + 1 < firstHit[i - 1]!)).toEqual([]);
    const target = scan.agents[0]!;
    const tiny = requestsOf(run.reports, target, scan.fromSeconds - 1, scan.toSeconds + 1).filter(
      (r) => r.metrics!.input_tokens! < 20 && r.metrics!.errors === 1,
    );
    expect(tiny.length).toBeGreaterThanOrEqual(3);
    const scanned = new Set(scan.agents);
    const bystander = run.population.agents().find((a) => !scanned.has(a.id))!;
    expect(requestsOf(run.reports, bystander.id).filter((r) => r.metrics!.input_tokens! < 20)).toEqual([]);
  });

  it('exfiltration: output tokens multiply at a normal request rate', () => {
    for (const exfil of run.scenario.truth.filter((t) => t.type === 'exfiltration')) {
      const reports = reportsOf(run.reports, exfil.agents[0]!);
      const ok = (from: number, to: number) =>
        requestsOf(reports, undefined, from, to).filter((r) => r.metrics!.errors === 0);
      const output = (from: number, to: number) => mean(ok(from, to).map((r) => r.metrics!.output_tokens!));
      expect(output(exfil.fromSeconds, exfil.toSeconds) / output(0, exfil.fromSeconds)).toBeGreaterThan(10);
      const rateRatio = rate(reports, exfil.fromSeconds, exfil.toSeconds) / rate(reports, 0, exfil.fromSeconds);
      expect(rateRatio).toBeGreaterThan(0.6);
      expect(rateRatio).toBeLessThan(1.5);
    }
  });
});
