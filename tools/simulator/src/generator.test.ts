import { diurnalFactor, expectedReportsPerSecond, generateTick } from './generator';
import { AGENT_TYPE_PROFILES } from './models';
import { Population } from './population';
import { createScenario, SCENARIO_NAMES } from './scenarios';
import { START, mean, replay, requestsOf, secondsOf, testConfig } from './test-support/replay';
import { runRecord, truthLines } from './truth';

const AGENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const SNAKE = /^[a-z][a-z0-9_]{0,63}$/;

describe('generateTick', () => {
  const run = replay({ scenario: 'baseline', agents: 200, seed: 3, durationSeconds: 300 });

  it('produces reports the platform accepts: ids, whole counts, errors ≤ requests, scores in [0, 1], timestamps in the tick', () => {
    expect(run.reports.length).toBeGreaterThan(200 * 300 * 0.8);
    // One expectation over the lot: a list of problems, empty when all is well.
    const problems: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok && problems.length < 10) problems.push(what);
    };
    for (const report of run.reports) {
      const where = JSON.stringify(report);
      check(AGENT_ID.test(report.agentId), `agent id: ${where}`);
      const m = report.metrics!;
      for (const [name, value] of Object.entries(m))
        check(SNAKE.test(name) && Number.isFinite(value) && value! >= 0, `metric ${name}: ${where}`);
      for (const name of ['requests', 'errors', 'input_tokens', 'output_tokens', 'tool_calls'] as const)
        check(m[name] === undefined || Number.isInteger(m[name]), `whole ${name}: ${where}`);
      check((m.errors ?? 0) <= m.requests!, `errors ≤ requests: ${where}`);
      for (const value of Object.values(report.quality ?? {})) check(value! >= 0 && value! <= 1, `quality: ${where}`);
      check(secondsOf(report) >= 0 && secondsOf(report) < 300, `timestamp: ${where}`);
    }
    for (const interaction of run.interactions) {
      const where = JSON.stringify(interaction);
      check(AGENT_ID.test(interaction.from) && AGENT_ID.test(interaction.to), `ids: ${where}`);
      check(
        /^[0-9a-f]{32}$/.test(interaction.traceId!) && /^[0-9a-f]{16}$/.test(interaction.spanId!),
        `trace: ${where}`,
      );
      check(
        ['delegation', 'message', 'tool_handoff'].includes(interaction.kind) && interaction.latencySeconds >= 0,
        `kind, latency: ${where}`,
      );
    }
    expect(problems).toEqual([]);
  });

  it('sends every agent a first report in the first tick, then resources every 10 s and requests at the configured rate', () => {
    const first = generateTick(run.population, run.scenario, run.config, 0);
    expect(new Set(first.reports.map((r) => r.agentId)).size).toBe(200);
    const resources = run.reports.filter((r) => r.metrics!.requests === 0);
    expect(resources.length).toBeGreaterThanOrEqual(200 * 30);
    expect(resources.length).toBeLessThanOrEqual(200 * 31);
    const requests = requestsOf(run.reports).length;
    const expected = run.population.agents().reduce((sum, a) => sum + a.rateFactor, 0) * 300;
    expect(requests / expected).toBeGreaterThan(0.95);
    expect(requests / expected).toBeLessThan(1.05);
  });

  it('gives each model its own latency and token distributions', () => {
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const byModel = (model: string, metric: string) =>
      median(
        requestsOf(run.reports)
          .filter((r) => r.model === model)
          .map((r) => r.metrics![metric]!),
      );
    const latency = ['llama-3.1-8b', 'gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4'].map((m) =>
      byModel(m, 'response_time_seconds'),
    );
    expect(latency).toEqual([...latency].sort((a, b) => a - b));
    expect(latency[3]! / latency[0]!).toBeGreaterThan(2.5);
    expect(byModel('claude-sonnet-4', 'input_tokens')).toBeGreaterThan(1.8 * byModel('llama-3.1-8b', 'input_tokens'));
  });

  it('has tool calls, a small error rate, quality scores and delegations along graph edges', () => {
    const requests = requestsOf(run.reports);
    const errorRate = requests.filter((r) => r.metrics!.errors === 1).length / requests.length;
    expect(errorRate).toBeGreaterThan(0.005);
    expect(errorRate).toBeLessThan(0.04);
    expect(mean(requests.map((r) => r.metrics!.tool_calls!))).toBeGreaterThan(0.5);
    expect(mean(requests.filter((r) => r.quality).map((r) => r.quality!.accuracy!))).toBeGreaterThan(0.7);
    expect(run.interactions.length / requests.length).toBeGreaterThan(0.1);
    for (const interaction of run.interactions.slice(0, 2000)) {
      const from = run.population.agent(interaction.from)!;
      expect(from.out.map((a) => a.id)).toContain(interaction.to);
    }
    const kinds = new Set(run.interactions.map((i) => i.kind));
    expect(kinds).toEqual(new Set(['delegation', 'message', 'tool_handoff']));
  });

  it("names each request's tool calls: its role's tools, adding up to tool_calls, a few failing, durations > 0", () => {
    const requests = requestsOf(run.reports);
    const problems: string[] = [];
    const used = new Map<string, { calls: number; errors: number }>();
    for (const report of requests) {
      const calls = report.metrics!.tool_calls!;
      const tools = Object.entries(report.tools ?? {});
      if (calls === 0 && tools.length > 0) problems.push(`tools without calls: ${JSON.stringify(report)}`);
      const role = AGENT_TYPE_PROFILES.find((t) => t.name === report.type)!.tools.map((t) => t.name);
      let sum = 0;
      for (const [name, usage] of tools) {
        sum += usage.calls;
        if (!role.includes(name)) problems.push(`${name} is not a tool of ${report.type}`);
        if (!(usage.errors! <= usage.calls && usage.durationSeconds! > 0))
          problems.push(`usage ${JSON.stringify(usage)}`);
        const total = used.get(name) ?? { calls: 0, errors: 0 };
        total.calls += usage.calls;
        total.errors += usage.errors!;
        used.set(name, total);
      }
      if (sum !== calls) problems.push(`tools add up to ${sum}, tool_calls is ${calls}`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect([...used.keys()].sort()).toEqual([
      'code_interpreter',
      'create_ticket',
      'http_request',
      'retrieve_documents',
      'run_tests',
      'sql_query',
      'web_search',
    ]);
    const errorRatio = (name: string) => used.get(name)!.errors / used.get(name)!.calls;
    expect(errorRatio('run_tests')).toBeGreaterThan(errorRatio('retrieve_documents'));
    // The same tick replays to the same tools.
    const again = generateTick(run.population, run.scenario, run.config, 7).reports.map((r) => r.tools);
    expect(generateTick(run.population, run.scenario, run.config, 7).reports.map((r) => r.tools)).toEqual(again);
  });

  it('follows a diurnal curve, compressible: a 4-minute day has a busy afternoon and a quiet night', () => {
    const config = testConfig(3, { daySeconds: 240, startEpochMs: Date.UTC(2026, 0, 15, 0, 0, 0) });
    expect(diurnalFactor(config, 140)).toBeCloseTo(1.6, 5); // 14:00 of the compressed day
    expect(diurnalFactor(config, 20)).toBeCloseTo(0.4, 5); // 02:00
    const population = Population.build({ agents: 100, seed: 3 });
    const scenario = createScenario('baseline', {
      population,
      seed: 3,
      durationSeconds: 240,
      startEpochMs: config.startEpochMs,
    });
    const count = (from: number, to: number) => {
      let n = 0;
      for (let tick = from; tick < to; tick++) n += generateTick(population, scenario, config, tick).requests;
      return n;
    };
    expect(count(120, 160) / count(0, 40)).toBeGreaterThan(2.5);
    expect(expectedReportsPerSecond(population, config, 140)).toBeGreaterThan(
      3 * expectedReportsPerSecond(population, config, 20) - 30,
    );
  });

  it('is deterministic: the same seed gives the same stream and byte-identical truth, another seed another one', () => {
    const again = replay({ scenario: 'baseline', agents: 200, seed: 3, durationSeconds: 300 });
    expect(JSON.stringify(again.reports)).toBe(JSON.stringify(run.reports));
    expect(JSON.stringify(again.interactions)).toBe(JSON.stringify(run.interactions));
    const other = replay({ scenario: 'baseline', agents: 200, seed: 4, durationSeconds: 60 });
    expect(JSON.stringify(other.reports.slice(0, 100))).not.toBe(JSON.stringify(run.reports.slice(0, 100)));

    for (const name of SCENARIO_NAMES) {
      const truth = (seed: number) => {
        const population = Population.build({ agents: 300, seed });
        const config = testConfig(seed);
        const scenario = createScenario(name, { population, seed, durationSeconds: 900, startEpochMs: START });
        return truthLines(
          runRecord({ scenario, population, config, durationSeconds: 900, loadTest: false }),
          scenario.truth,
        );
      };
      expect(truth(9)).toBe(truth(9));
      if (name !== 'baseline') expect(truth(9)).not.toBe(truth(10));
    }
  });

  it('replays any tick on its own: a tick does not depend on the ones before it', () => {
    const tick = generateTick(run.population, run.scenario, run.config, 123);
    const fromReplay = run.reports.filter((r) => Math.floor(secondsOf(r)) === 123);
    expect(tick.reports).toEqual(fromReplay);
  });

  it('ramps a load test: agents join over the ramp, each announcing itself when it joins', () => {
    const population = Population.build({ agents: 100, seed: 3, rampMs: 50_000 });
    const scenario = createScenario('baseline', { population, seed: 3, durationSeconds: 100, startEpochMs: START });
    const config = testConfig(3);
    const seen = (toTick: number) => {
      const ids = new Set<string>();
      for (let tick = 0; tick < toTick; tick++)
        for (const r of generateTick(population, scenario, config, tick).reports) ids.add(r.agentId);
      return ids.size;
    };
    expect(seen(1)).toBe(2);
    expect(seen(25)).toBe(50);
    expect(seen(51)).toBe(100);
  });
});
