import { AgentMonitor } from './agent-monitor';
import { Fleet } from './fleet';
import { IngestServer } from './test-support/ingest-server';
import { waitFor } from './test-support/wait-for';
import type { AgentMonitorOptions, Report } from './types';

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
  const created = new AgentMonitor({ agentId: 'a-1', model: 'gpt-4o', fleet, now: clock, heartbeatIntervalMs: 0, ...options });
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
    m.recordRequest({ latencySeconds: 1.5, inputTokens: 512, outputTokens: 128, error: true, costUsd: 0.0012, toolCalls: 3 });
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
    expect(server.accepted).toEqual([{ ...identity, labels: { team: 'support', region: 'eu' }, metrics: { requests: 0 } }]);
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
    const build = () => new AgentMonitor({ agentId: 'a-1', model: 'gpt-4o', fleet, heartbeatIntervalMs: 0, ...options });
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
    const m = new AgentMonitor({ agentId: 'solo', model: 'm', endpoint: server.url, apiKey: 'k', heartbeatIntervalMs: 0 });
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
