import { AgentMonitor } from './agent-monitor';
import { Fleet } from './fleet';
import { IngestServer } from './test-support/ingest-server';
import { waitFor } from './test-support/wait-for';
import type { AgentMonitorOptions } from './agent-monitor-options';
import type { Report } from './types';

const T0 = 1_732_350_000_000;
const clock = (): number => T0;

let server: IngestServer;
let fleet: Fleet;
const monitors: AgentMonitor[] = [];

beforeEach(async () => {
  server = await new IngestServer().start();
  fleet = new Fleet({ endpoint: server.url, flushIntervalMs: 10, backoff: { baseMs: 1, maxMs: 10 } });
});

afterEach(async () => {
  await Promise.all(monitors.splice(0).map((monitor) => monitor.close()));
  await fleet.close({ timeoutMs: 100 });
  await server.stop();
});

function monitor(options: Partial<AgentMonitorOptions> = {}): AgentMonitor {
  const created = new AgentMonitor({
    agentId: 'a-1',
    model: 'gpt-4o',
    fleet,
    now: clock,
    heartbeatIntervalMs: 0,
    ...options,
  });
  monitors.push(created);
  return created;
}

/** What every report of the default monitor carries. */
const identity = { agentId: 'a-1', timestamp: T0, model: 'gpt-4o', pool: 'default', type: 'general' };

describe('AgentMonitor reports', () => {
  it('register() makes the agent appear with requests: 0', async () => {
    monitor().register();
    await fleet.flush();
    expect(server.accepted).toEqual([{ ...identity, metrics: { requests: 0 } }]);
  });

  it('recordRequest() sends only the fields given', async () => {
    const m = monitor({ pool: 'support', type: 'router' });
    m.recordRequest({ latencySeconds: 0.42 });
    m.recordRequest({
      latencySeconds: 1.5,
      inputTokens: 512,
      outputTokens: 128,
      error: true,
      costUsd: 0.0012,
      toolCalls: 3,
    });
    await fleet.flush();
    const who = { ...identity, pool: 'support', type: 'router' };
    expect(server.accepted).toEqual([
      { ...who, metrics: { response_time_seconds: 0.42, requests: 1, errors: 0 } },
      {
        ...who,
        metrics: {
          response_time_seconds: 1.5,
          requests: 1,
          errors: 1,
          input_tokens: 512,
          output_tokens: 128,
          cost_usd: 0.0012,
          tool_calls: 3,
        },
      },
    ]);
  });

  it('recordResources() sends cpu and memory, and nothing when both are absent', async () => {
    const m = monitor();
    m.recordResources({ cpuPercent: 37.5, memoryBytes: 536870912 });
    m.recordResources({ memoryBytes: 1024 });
    m.recordResources({});
    await fleet.flush();
    expect(server.accepted).toEqual([
      { ...identity, metrics: { cpu_percent: 37.5, memory_bytes: 536870912 } },
      { ...identity, metrics: { memory_bytes: 1024 } },
    ]);
  });

  it('reportQuality() sends well-known and custom scores', async () => {
    monitor().reportQuality({ accuracy: 0.93, coherence: 0.88, efficiency: 0, adaptability: 1, task_success: 0.5 });
    await fleet.flush();
    expect(server.accepted).toEqual([
      { ...identity, quality: { accuracy: 0.93, coherence: 0.88, efficiency: 0, adaptability: 1, task_success: 0.5 } },
    ]);
  });

  it('carries labels when given', async () => {
    monitor({ labels: { team: 'support', region: 'eu' } }).register();
    await fleet.flush();
    expect(server.accepted).toEqual([
      { ...identity, labels: { team: 'support', region: 'eu' }, metrics: { requests: 0 } },
    ]);
  });

  it('sends whole-millisecond timestamps even from a fractional clock', async () => {
    monitor({ now: () => T0 + 0.75 }).register();
    await fleet.flush();
    expect(server.accepted[0].timestamp).toBe(T0);
  });

  it('uses Date.now for timestamps by default', async () => {
    const before = Date.now();
    monitor({ now: undefined }).register();
    await fleet.flush();
    expect(server.accepted[0].timestamp).toBeGreaterThanOrEqual(before);
    expect(server.accepted[0].timestamp).toBeLessThanOrEqual(Date.now());
  });
});

describe('AgentMonitor validation', () => {
  it.each([
    [{ accuracy: 1.2 }, /accuracy/],
    [{ coherence: Number.NaN }, /coherence/],
    [{ efficiency: -0.1 }, /efficiency/],
    [{ adaptability: Infinity }, /adaptability/],
    [{ accuracy: '0.5' as unknown as number }, /accuracy/],
    [{ task_success: 2 }, /task_success/],
    [{ 'Bad-Name': 0.5 }, /snake_case/],
    [{ ['x'.repeat(65)]: 0.5 }, /snake_case/],
    [Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`score_${i}`, 0.5])), /at most 32/],
    [{}, /at least one/],
  ])('reportQuality(%j) throws a TypeError naming the problem', (scores, problem) => {
    const m = monitor();
    expect(() => m.reportQuality(scores)).toThrow(TypeError);
    expect(() => m.reportQuality(scores)).toThrow(problem);
    expect(fleet.stats().recorded).toBe(0);
  });

  it.each([
    [{ latencySeconds: -1 }, /latencySeconds/],
    [{ latencySeconds: Number.NaN }, /latencySeconds/],
    [{ latencySeconds: 1, inputTokens: -5 }, /inputTokens/],
    [{ latencySeconds: 1, outputTokens: 1.5 }, /outputTokens/],
    [{ latencySeconds: 1, toolCalls: 0.5 }, /toolCalls/],
    [{ latencySeconds: 1, costUsd: Infinity }, /costUsd/],
    [{ latencySeconds: 1, error: 'yes' as unknown as boolean }, /error/],
  ])('recordRequest(%j) throws a TypeError naming the field', (sample, field) => {
    const m = monitor();
    expect(() => m.recordRequest(sample)).toThrow(TypeError);
    expect(() => m.recordRequest(sample)).toThrow(field);
    expect(fleet.stats().recorded).toBe(0);
  });

  it('recordResources() validates its numbers', () => {
    expect(() => monitor().recordResources({ cpuPercent: -1 })).toThrow(/cpuPercent/);
    expect(() => monitor().recordResources({ memoryBytes: Number.NaN })).toThrow(/memoryBytes/);
  });

  it.each([
    [{ agentId: '' }, /agentId/],
    [{ agentId: 'has space' }, /agentId/],
    [{ agentId: 'x'.repeat(129) }, /agentId/],
    [{ agentId: 42 as unknown as string }, /agentId/],
    [{ model: '' }, /model/],
    [{ model: 'm'.repeat(129) }, /model/],
    [{ pool: '' }, /pool/],
    [{ heartbeatIntervalMs: -1 }, /heartbeatIntervalMs/],
    [{ labels: { team: 1 as unknown as string } }, /labels\.team/],
    [{ labels: { team: 'v'.repeat(257) } }, /labels\.team/],
    [{ labels: { ['n'.repeat(65)]: 'v' } }, /labels/],
    [{ labels: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`l${i}`, 'v'])) }, /at most 32/],
    [{ fleet: undefined, endpoint: 'not a url' }, /endpoint/],
    [{ fleet: undefined, endpoint: 'ftp://127.0.0.1' }, /endpoint/],
    [{ fleet: undefined }, /endpoint/],
    [{ endpoint: 'http://127.0.0.1:1' }, /endpoint/],
  ])('the constructor refuses %j with a TypeError naming the field', (options, field) => {
    const build = () =>
      new AgentMonitor({ agentId: 'a-1', model: 'gpt-4o', fleet, heartbeatIntervalMs: 0, ...options });
    expect(build).toThrow(TypeError);
    expect(build).toThrow(field);
  });

  it('accepts the longest agentId and every allowed character', () => {
    expect(() => monitor({ agentId: 'x'.repeat(128) })).not.toThrow();
    expect(() => monitor({ agentId: 'Pool_A.agent-7:v2' })).not.toThrow();
  });
});

describe('AgentMonitor fleets', () => {
  it('many monitors share one fleet; closing a monitor leaves the fleet open', async () => {
    const first = monitor({ agentId: 'a-1' });
    const second = monitor({ agentId: 'a-2' });
    first.register();
    await first.close();
    first.recordRequest({ latencySeconds: 1 }); // ignored after close
    second.register();
    await fleet.flush();
    expect(server.acceptedIds()).toEqual(['a-1', 'a-2']);
    expect(fleet.stats()).toMatchObject({ recorded: 2, sent: 2 });
  });

  it('owns a fleet for an endpoint and flushes it on close()', async () => {
    const m = new AgentMonitor({
      agentId: 'solo',
      model: 'm',
      endpoint: server.url,
      apiKey: 'k',
      heartbeatIntervalMs: 0,
    });
    expect(m.fleet).toBeInstanceOf(Fleet);
    m.recordRequest({ latencySeconds: 0.1 });
    await m.close();
    expect(server.acceptedIds()).toEqual(['solo']);
    expect(server.requests[0].authorization).toBe('Bearer k');
    expect(m.fleet.stats()).toMatchObject({ sent: 1, queued: 0 });
  });
});

describe('AgentMonitor heartbeat', () => {
  it('sends requests: 0 reports while the agent is quiet, and stops on close()', async () => {
    const m = monitor({ heartbeatIntervalMs: 20 });
    m.register();
    const heartbeats = (): Report[] => server.accepted.filter((r) => r.metrics?.requests === 0);
    await waitFor(() => heartbeats().length >= 4, 'heartbeats');
    expect(heartbeats()[3]).toEqual({ ...identity, metrics: { requests: 0 } });

    await m.close();
    const recorded = fleet.stats().recorded;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fleet.stats().recorded).toBe(recorded);
  });

  describe('with fake timers', () => {
    let records: Report[];
    let quietFleet: Fleet;

    beforeEach(() => {
      // Built on real timers; record() is replaced, so this fleet never sends.
      quietFleet = new Fleet({ endpoint: server.url });
      records = [];
      jest.spyOn(quietFleet, 'record').mockImplementation((report) => void records.push(report));
      jest.useFakeTimers();
    });

    afterEach(async () => {
      jest.useRealTimers();
      await quietFleet.close({ timeoutMs: 100 });
    });

    it('beats only after a full interval without any report', async () => {
      const m = new AgentMonitor({ agentId: 'a-1', model: 'm', fleet: quietFleet, heartbeatIntervalMs: 1000 });
      jest.advanceTimersByTime(990);
      expect(records).toHaveLength(0);
      jest.advanceTimersByTime(10); // t = 1000: quiet since start
      expect(records.map((r) => r.metrics)).toEqual([{ requests: 0 }]);

      jest.advanceTimersByTime(500);
      m.recordRequest({ latencySeconds: 0.2 }); // t = 1500
      jest.advanceTimersByTime(990); // t = 2490: the check at 2000 saw only 500 ms of quiet
      expect(records).toHaveLength(2);
      jest.advanceTimersByTime(10); // t = 2500
      expect(records.map((r) => r.metrics?.requests)).toEqual([0, 1, 0]);

      await m.close();
      jest.advanceTimersByTime(10_000);
      expect(records).toHaveLength(3);
    });
  });
});

describe('AgentMonitor.trackRequest reports', () => {
  it('prices tokens with the built-in table, matching dated model names', async () => {
    const m = monitor({ model: 'gpt-4o-mini-2024-07-18' });
    const result = await m.trackRequest({ inputTokens: 1000 }, async (req) => {
      req.setUsage({ outputTokens: 500 });
      return 42;
    });
    expect(result).toBe(42);
    await fleet.flush();
    expect(server.accepted).toEqual([
      {
        ...identity,
        model: 'gpt-4o-mini-2024-07-18',
        metrics: {
          response_time_seconds: expect.any(Number),
          requests: 1,
          errors: 0,
          input_tokens: 1000,
          output_tokens: 500,
          cost_usd: (1000 * 0.15 + 500 * 0.6) / 1e6,
        },
      },
    ]);
  });

  it('takes prices from the prices option, and sends no cost for an unknown model', async () => {
    const priced = monitor({
      agentId: 'a-1',
      model: 'in-house-7b',
      prices: { 'in-house-7b': { inputPerMillion: 1, outputPerMillion: 2 } },
    });
    const unpriced = monitor({ agentId: 'a-2', model: 'in-house-13b' });
    await priced.trackRequest({ inputTokens: 1_000_000 }, (req) => req.setOutputTokens(500_000));
    await unpriced.trackRequest({ inputTokens: 10 }, () => undefined);
    // The monitor's model can be overridden per call, for the cost too.
    await unpriced.trackRequest({ inputTokens: 1_000_000, model: 'claude-sonnet-4' }, () => undefined);
    await fleet.flush();
    expect(server.accepted.map((r) => r.metrics?.cost_usd)).toEqual([2, undefined, 3]);
  });

  it('counts an exception as an error and rethrows it unchanged', async () => {
    const m = monitor();
    const failure = new Error('model timeout');
    await expect(m.trackRequest({ inputTokens: 5 }, () => Promise.reject(failure))).rejects.toBe(failure);
    await expect(
      m.trackRequest({}, () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    await fleet.flush();
    expect(server.accepted.map((r) => [r.metrics?.requests, r.metrics?.errors])).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it('throws a TypeError naming the option before running fn', async () => {
    const m = monitor();
    let calls = 0;
    const fn = (): void => void calls++;
    await expect(m.trackRequest({ inputTokens: -1 }, fn)).rejects.toThrow(/inputTokens/);
    await expect(m.trackRequest({ operation: 'sing' as 'chat' }, fn)).rejects.toThrow(/operation/);
    await expect(m.trackRequest({ model: '' }, fn)).rejects.toThrow(/model/);
    await expect(m.trackRequest({}, undefined as unknown as typeof fn)).rejects.toThrow(/function/);
    expect(calls).toBe(0);
    expect(fleet.stats().recorded).toBe(0);
  });

  it('req setters refuse bad counts (the request then counts as failed)', async () => {
    const m = monitor();
    await expect(m.trackRequest({}, (req) => req.setOutputTokens(1.5))).rejects.toThrow(/outputTokens/);
    await expect(m.trackRequest({}, (req) => req.fail(''))).rejects.toThrow(/reason/);
    await fleet.flush();
    expect(server.accepted.map((r) => r.metrics?.errors)).toEqual([1, 1]);
  });
});

describe('AgentMonitor.recordToolCall', () => {
  it('times a function, counts its failure, and rethrows', async () => {
    const m = monitor();
    expect(await m.recordToolCall('search', async () => 'hits')).toBe('hits');
    await expect(m.recordToolCall('search', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    m.recordToolCall('fetch', { durationSeconds: 0.25 });
    m.recordToolCall('fetch', { durationSeconds: 2, error: true });
    await fleet.flush();
    expect(server.accepted.map((r) => r.metrics)).toEqual([
      { tool_calls: 1, tool_errors: 0, tool_duration_seconds: expect.any(Number) },
      { tool_calls: 1, tool_errors: 1, tool_duration_seconds: expect.any(Number) },
      { tool_calls: 1, tool_errors: 0, tool_duration_seconds: 0.25 },
      { tool_calls: 1, tool_errors: 1, tool_duration_seconds: 2 },
    ]);
    // The same calls by name, for the platform's per-tool counters; the duration is the one of the totals.
    expect(server.accepted.map((r) => r.tools)).toEqual([
      { search: { calls: 1, errors: 0, durationSeconds: server.accepted[0]!.metrics!.tool_duration_seconds } },
      { search: { calls: 1, errors: 1, durationSeconds: server.accepted[1]!.metrics!.tool_duration_seconds } },
      { fetch: { calls: 1, errors: 0, durationSeconds: 0.25 } },
      { fetch: { calls: 1, errors: 1, durationSeconds: 2 } },
    ]);
    // Other reports carry no tools at all.
    m.register();
    await fleet.flush();
    expect(server.accepted[4]).toEqual({ ...identity, metrics: { requests: 0 } });
  });

  it.each([
    ['', { durationSeconds: 1 }, /tool name/],
    ['t', { durationSeconds: -1 }, /durationSeconds/],
    ['t', { durationSeconds: 1, error: 3 }, /error/],
    ['t', null, /function or/],
  ])('refuses name %j with %j', (name, sample, problem) => {
    expect(() => monitor().recordToolCall(name, sample as { durationSeconds: number })).toThrow(problem);
    expect(fleet.stats().recorded).toBe(0);
  });
});

describe('AgentMonitor.recordInteraction', () => {
  it('queues a validated edge from this agent', async () => {
    const m = monitor();
    m.recordInteraction({ to: 'a-2', kind: 'message', latencySeconds: 0.1 });
    m.recordInteraction({
      to: 'a-3',
      kind: 'tool_handoff',
      outcome: 'error',
      latencySeconds: 2,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    });
    await fleet.flush();
    expect(server.acceptedInteractions).toEqual([
      { from: 'a-1', to: 'a-2', kind: 'message', outcome: 'success', latencySeconds: 0.1, timestamp: T0 },
      {
        from: 'a-1',
        to: 'a-3',
        kind: 'tool_handoff',
        outcome: 'error',
        latencySeconds: 2,
        timestamp: T0,
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
      },
    ]);
  });

  it.each([
    [{ to: 'bad id', kind: 'message', latencySeconds: 1 }, /to/],
    [{ to: 'a-2', kind: 'chat', latencySeconds: 1 }, /kind/],
    [{ to: 'a-2', kind: 'message', latencySeconds: -1 }, /latencySeconds/],
    [{ to: 'a-2', kind: 'message', latencySeconds: 1, outcome: 'ok' }, /outcome/],
    [{ to: 'a-2', kind: 'message', latencySeconds: 1, traceId: 'ABC', spanId: '00f067aa0ba902b7' }, /traceId/],
    [{ to: 'a-2', kind: 'message', latencySeconds: 1, traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }, /spanId/],
  ])('refuses %j with a TypeError naming the field', (sample, field) => {
    expect(() => monitor().recordInteraction(sample as never)).toThrow(field);
    expect(fleet.stats().interactions.recorded).toBe(0);
  });
});

describe('AgentMonitor.start', () => {
  it('resolves once the registration reached the server', async () => {
    const m = await AgentMonitor.start({
      agentId: 'starter',
      model: 'gpt-4o',
      pool: 'support',
      fleet,
      heartbeatIntervalMs: 0,
      now: clock,
    });
    monitors.push(m);
    expect(server.accepted).toEqual([{ ...identity, agentId: 'starter', pool: 'support', metrics: { requests: 0 } }]);
  });

  it('resolves while the platform is down; the registration is delivered once it is back', async () => {
    await server.stop();
    const m = await AgentMonitor.start({
      agentId: 'starter',
      model: 'gpt-4o',
      endpoint: server.url,
      heartbeatIntervalMs: 0,
      registerTimeoutMs: 50,
    });
    monitors.push(m);
    expect(m.fleet.stats()).toMatchObject({ recorded: 1, sent: 0, dropped: 0 });
    await server.start();
    await waitFor(() => m.fleet.stats().sent === 1, 'the registration after recovery');
    expect(server.acceptedIds()).toEqual(['starter']);
  });

  it('rejects invalid options with a TypeError', async () => {
    await expect(AgentMonitor.start({ agentId: '', model: 'm', fleet })).rejects.toThrow(TypeError);
    await expect(AgentMonitor.start({ agentId: 'a', model: 'm', fleet, registerTimeoutMs: -1 })).rejects.toThrow(
      /registerTimeoutMs/,
    );
  });
});
