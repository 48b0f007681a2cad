import { createLogger, MemoryBus, parseEnv, topics, type AnomalyEvent, type SampleReport } from '@swarmscope/core';
import { createDefaultEngine, createEngineCore, inProcess } from '../engine/default-engine';
import type { AnomalyEngine } from '../engine/engine-port';
import { EngineThread } from '../engine/engine-thread';
import { anomalyDetectorEnv } from '../env';
import { runAnomalyDetector, type RunningAnomalyDetector } from '../run';

const logger = createLogger({ name: 'test', level: 'silent' });
const T0 = Date.now() - 3_600_000;

/** An agent's reports, one a second: normal latency around 0.5 s, then a spike to 8 s from `spikeAt`. */
function reports(agentId: string, count: number, spikeAt = Infinity): SampleReport[] {
  return Array.from({ length: count }, (_, i) => ({
    agentId,
    timestamp: T0 + i * 1000,
    model: 'gpt-4o',
    pool: 'support',
    type: 'general',
    metrics: {
      response_time_seconds: i >= spikeAt ? 8 + (i % 3) * 0.1 : 0.5 + ((i * 37) % 11) / 100,
      requests: 1,
      errors: 0,
      input_tokens: 500 + ((i * 13) % 7),
      output_tokens: 120 + ((i * 7) % 5),
    },
    quality: { accuracy: 0.9, coherence: 0.88 },
    receivedAt: Date.now(),
  }));
}

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// The service runs its engine on a thread of its own (service.ts); tests and benches may run it on theirs.
const engines: Array<
  [
    string,
    (options: { latencySlos: ReturnType<typeof parseEnv<typeof anomalyDetectorEnv>>['LATENCY_SLOS'] }) => AnomalyEngine,
  ]
> = [
  ['its engine on its own thread', (options) => new EngineThread(options)],
  ['its engine on this thread', (options) => createDefaultEngine(options)],
];

describe.each(engines)('anomaly-detector service, %s', (_name, engineFor) => {
  let bus: MemoryBus;
  let running: RunningAnomalyDetector;
  let url: string;

  beforeEach(async () => {
    bus = new MemoryBus({ shards: 4 });
    const env = parseEnv(anomalyDetectorEnv, { ANOMALY_DETECTOR_PORT: '0', BUS_SHARDS: '4', LOG_LEVEL: 'silent' });
    running = await runAnomalyDetector(env, bus, engineFor({ latencySlos: env.LATENCY_SLOS }), logger);
    url = running.server.url;
  });
  afterEach(async () => {
    await running.stop();
    await bus.close();
  });

  it('finds a latency spike in samples from the bus, serves it, and publishes its event', async () => {
    const published: AnomalyEvent[] = [];
    const subscription = bus.subscribe(
      topics.anomalies,
      { group: 'test', consumer: 'c', startFrom: 'earliest' },
      async (messages) => {
        for (const message of messages) published.push(message.payload);
      },
    );
    // 3 minutes of a 16× latency: past the detector's 2-minute hold.
    const quiet = reports('quiet-1', 560);
    const spiky = reports('spiky-1', 560, 380);
    for (let i = 0; i < 560; i += 40) {
      await bus.publish(topics.samples, bus.shardOf('quiet-1'), quiet.slice(i, i + 40));
      await bus.publish(topics.samples, bus.shardOf('spiky-1'), spiky.slice(i, i + 40));
    }
    const anomalies = await waitFor(async () => {
      const body = (await (await fetch(`${url}/anomalies`)).json()) as {
        items: Array<{ agentId: string; type: string; severity: string; explanation: string; status: string }>;
      };
      return body.items.length > 0 ? body.items : undefined;
    });
    expect(anomalies.map((a) => a.agentId)).toEqual(['spiky-1']);
    expect(anomalies[0]).toMatchObject({ status: 'open' });
    expect(anomalies[0]!.explanation).toMatch(/\d/);
    await waitFor(() => (published.some((e) => e.agentId === 'spiky-1' && e.event === 'opened') ? true : undefined));
    await subscription.close();

    const mine = (await (await fetch(`${url}/agents/spiky-1/anomalies`)).json()) as { items: unknown[] };
    expect(mine.items).toHaveLength(1);
    expect(((await (await fetch(`${url}/agents/quiet-1/anomalies`)).json()) as { items: unknown[] }).items).toEqual([]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/swarmscope_anomalies_total\{[^}]*severity="[a-z]+",risk="low",pool="support"[^}]*\} 1/);
    // Every (type, severity, risk) series of a pool exists from its first anomaly on, at 0 until it happens.
    expect(metrics).toMatch(
      /swarmscope_anomalies_total\{type="request_surge",severity="critical",risk="high",pool="support"[^}]*\} 0/,
    );
    const byRisk = async (risk: string) =>
      (
        (await (await fetch(`${url}/anomalies?risk=${risk}`)).json()) as { items: Array<{ agentId: string }> }
      ).items.map((a) => a.agentId);
    expect(await byRisk('low')).toEqual(['spiky-1']);
    expect(await byRisk('high')).toEqual([]);
    // Every report published is scored and timed, once.
    expect(metrics).toMatch(/swarmscope_detection_latency_seconds_count\{[^}]*\} 1120\n/);
    expect(metrics).toContain('swarmscope_detector_reports_total{service="anomaly-detector"} 1120');
    expect(metrics).toMatch(/swarmscope_detector_agents\{[^}]*\} 2/);
  });

  it('reads interactions from the bus and serves a scan as a high-risk port_scan (GET /anomalies?risk=high)', async () => {
    const contacts = Array.from({ length: 40 }, (_, k) => ({
      from: 'prober-1',
      to: `victim-${k}`,
      kind: 'message' as const,
      outcome: 'error' as const,
      latencySeconds: 0.004,
      timestamp: T0 + k * 500,
    }));
    await bus.publish(topics.interactions, bus.shardOf('prober-1'), contacts);
    const high = await waitFor(async () => {
      const body = (await (await fetch(`${url}/anomalies?risk=high`)).json()) as {
        items: Array<{ agentId: string; type: string; risk: string }>;
      };
      return body.items.length > 0 ? body.items : undefined;
    });
    expect(high).toEqual([expect.objectContaining({ agentId: 'prober-1', type: 'port_scan', risk: 'high' })]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(
      /swarmscope_anomalies_total\{type="port_scan",severity="high",risk="high",pool="default"[^}]*\} 1/,
    );
  });

  it('scores posted metrics on POST /detect/:agentId with the same engine', async () => {
    for (const report of reports('direct-1', 120)) {
      const answer = await fetch(`${url}/detect/direct-1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ timestamp: report.timestamp, metrics: report.metrics, quality: report.quality }),
      });
      expect(answer.status).toBe(200);
    }
    // Latency 60× the agent's own usual, sustained past the 2-minute hold: judged against its own baseline (no SLO is
    // configured).
    const verdicts: Array<{ anomalous: boolean; score: number; severity: string; explanation: string }> = [];
    for (let k = 0; k < 150; k++) {
      const spike = await fetch(`${url}/detect/direct-1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          timestamp: T0 + (120 + k) * 1000,
          metrics: { response_time_seconds: 30, requests: 1, errors: 0, input_tokens: 500, output_tokens: 120 },
        }),
      });
      verdicts.push((await spike.json()) as (typeof verdicts)[number]);
    }
    const verdict = verdicts[verdicts.length - 1]!;
    expect(verdict).toMatchObject({ anomalous: true });
    expect(verdict.score).toBeGreaterThan(0.5);
    expect(verdict.explanation).toMatch(/response_time|latency/);
  }, 30_000);

  it("creates a pool's anomaly series at 0 on its first report, before any anomaly (so increase() sees its first burst)", async () => {
    const quiet = reports('calm-1', 1)[0]!;
    const answer = await fetch(`${url}/detect/calm-1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ timestamp: quiet.timestamp, pool: 'fresh', metrics: quiet.metrics }),
    });
    expect(answer.status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(
      /swarmscope_anomalies_total\{type="error_surge",severity="critical",risk="high",pool="fresh"[^}]*\} 0/,
    );
    expect(metrics).not.toMatch(/swarmscope_anomalies_total\{[^}]*pool="fresh"[^}]*\} [1-9]/);
  });

  it('refuses bad input naming the field, and describes its configuration', async () => {
    const bad = await fetch(`${url}/detect/a%20b`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^params.agentId/);
    const nan = await fetch(`${url}/detect/a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"metrics":{"cpu_percent":"hot"}}',
    });
    expect(((await nan.json()) as { error: { message: string } }).error.message).toBe(
      'metrics.cpu_percent: must be a number',
    );
    const ahead = await fetch(`${url}/detect/a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ timestamp: Date.now() + 3_600_000, metrics: { requests: 1 } }),
    });
    expect(ahead.status).toBe(400);
    expect(((await ahead.json()) as { error: { message: string } }).error.message).toBe(
      'timestamp: more than 300 s in the future (MAX_FUTURE_SKEW_SECONDS)',
    );
    const query = await fetch(`${url}/anomalies?severity=apocalyptic`);
    expect(query.status).toBe(400);
    const risk = await fetch(`${url}/anomalies?risk=extreme`);
    expect(risk.status).toBe(400);
    expect(((await risk.json()) as { error: { message: string } }).error.message).toBe(
      'query.risk: must be one of low, medium, high',
    );
    expect((await fetch(`${url}/anomalies/nope`)).status).toBe(404);
    const detectors = (await (await fetch(`${url}/detectors`)).json()) as {
      bus: { group: string; shards: number[]; preferredShards: string };
    };
    expect(detectors.bus).toMatchObject({ group: 'anomaly-detector', preferredShards: 'all', shards: [0, 1, 2, 3] }); // a single replica leases every shard
  });
});

describe('anomaly-detector service, engine failures', () => {
  it('leaves a batch the engine failed on pending: the bus delivers it again and every report is scored once', async () => {
    const bus = new MemoryBus({ shards: 1, redeliverAfterMs: 100 });
    const core = createEngineCore({});
    let calls = 0;
    const flaky = inProcess({
      ...core,
      observe: (report) => {
        if (++calls === 1) throw new Error('engine hiccup');
        return core.observe(report);
      },
    });
    const env = parseEnv(anomalyDetectorEnv, { ANOMALY_DETECTOR_PORT: '0', BUS_SHARDS: '1', LOG_LEVEL: 'silent' });
    const running = await runAnomalyDetector(env, bus, flaky, logger);
    try {
      await bus.publish(topics.samples, 0, reports('flaky-1', 30));
      const metrics = await waitFor(async () => {
        const text = await (await fetch(`${running.server.url}/metrics`)).text();
        return /swarmscope_bus_consumer_lag\{[^}]*topic="samples"[^}]*\} 0/.test(text) &&
          text.includes('swarmscope_detector_reports_total{service="anomaly-detector"} 30')
          ? text
          : undefined;
      });
      expect(metrics).toContain('swarmscope_detector_reports_total{service="anomaly-detector"} 30\n');
      // The first attempt failed on its first report; the redelivered batch was scored whole.
      expect(calls).toBe(31);
      expect(core.agents()).toBe(1);
    } finally {
      await running.stop();
      await bus.close();
    }
  });

  it('is not ready once its engine thread has failed, naming why', async () => {
    const bus = new MemoryBus({ shards: 1 });
    const env = parseEnv(anomalyDetectorEnv, { ANOMALY_DETECTOR_PORT: '0', BUS_SHARDS: '1', LOG_LEVEL: 'silent' });
    const thread = new EngineThread({}, '/nonexistent/engine-worker.js');
    const running = await runAnomalyDetector(env, bus, thread, logger);
    try {
      await waitFor(() => thread.error);
      const ready = await fetch(`${running.server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toMatch(/anomaly engine/);
    } finally {
      await running.stop();
      await bus.close();
    }
  });
});

describe('anomaly-detector configuration', () => {
  it('parses owned shards and refuses bad lists naming the variable', () => {
    expect(parseEnv(anomalyDetectorEnv, { ANOMALY_SHARDS: '0-3,8, 6' }).ANOMALY_SHARDS).toEqual([0, 1, 2, 3, 6, 8]);
    expect(parseEnv(anomalyDetectorEnv, {}).ANOMALY_SHARDS).toBeUndefined();
    expect(() => parseEnv(anomalyDetectorEnv, { ANOMALY_SHARDS: '3-1' })).toThrow(
      'ANOMALY_SHARDS: range "3-1" runs backwards',
    );
    expect(() => parseEnv(anomalyDetectorEnv, { ANOMALY_SHARDS: 'x' })).toThrow(
      'ANOMALY_SHARDS: "x" is not a shard or a range like 0-7',
    );
  });
});
