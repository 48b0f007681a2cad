import {
  createDefaultEngine,
  anomalyDetectorEnv,
  runAnomalyDetector,
  type RunningAnomalyDetector,
} from '@swarmscope/anomaly-detector';
import { createLogger, parseEnv } from '@swarmscope/core';
import { AgentMonitor, Fleet, Pricing } from '@swarmscope/telemetry-client';
import { startHarness, T0, WINDOW, type Harness } from './test-support/otlp-harness';
import { newSpanId, newTraceId, runClientProcess, type PlannedSpan } from './test-support/run-client-process';

const logger = createLogger({ name: 'test', level: 'silent' });
const AGENTS = ['a-1', 'a-2', 'a-3', 'a-4', 'a-5', 'slow-6'];
const REQUESTS = 420;
const FAULT_FROM = 240;
/** Data time starts with the monitor's clock (its windows are open) and runs five minutes ahead of it. */
const START = T0;

interface Call {
  agentId: string;
  timestamp: number;
  latencySeconds: number;
  inputTokens: number;
  outputTokens: number;
  error: boolean;
}

/** One request a second per agent; the slow agent's latency jumps ×15 from FAULT_FROM on (the injected fault). */
function fleetCalls(): Call[] {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const calls: Call[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    for (const agentId of AGENTS) {
      const base = 0.3 + 0.4 * random();
      calls.push({
        agentId,
        timestamp: START + i * 1000 + 17,
        latencySeconds: agentId === 'slow-6' && i >= FAULT_FROM ? 15 * base : base,
        inputTokens: 400 + Math.floor(200 * random()),
        outputTokens: 100 + Math.floor(50 * random()),
        error: random() < 0.02,
      });
    }
  }
  return calls;
}

interface Side {
  h: Harness;
  detector: RunningAnomalyDetector;
}

async function startSide(): Promise<Side> {
  // The fleet's five minutes arrive at once: the clock stands at their start.
  const h = await startHarness({ MAX_FUTURE_SKEW_SECONDS: '3600' });
  const env = parseEnv(anomalyDetectorEnv, { ANOMALY_DETECTOR_PORT: '0', LOG_LEVEL: 'silent' });
  const detector = await runAnomalyDetector(
    env,
    h.backends.bus,
    createDefaultEngine({ latencySlos: env.LATENCY_SLOS }),
    logger,
  );
  return { h, detector };
}

/** Waits until the detector has scored every report health-monitor put on the bus. */
async function scored(side: Side, reports: number): Promise<void> {
  const pattern = /swarmscope_detection_latency_seconds_count\{[^}]*\} (\d+)/;
  for (;;) {
    const text = await (await fetch(`${side.detector.server.url}/metrics`)).text();
    if (Number(pattern.exec(text)?.[1] ?? 0) >= reports) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function conclusions(side: Side) {
  const anomalies = (
    (await (await fetch(`${side.detector.server.url}/anomalies?limit=1000`)).json()) as {
      items: Array<{ agentId: string; type: string; severity: string; startedAt?: number }>;
    }
  ).items;
  await side.h.closeWindows(8 * WINDOW);
  const windows: Record<string, unknown> = {};
  for (const agentId of AGENTS)
    windows[agentId] = (
      await side.h.get(`/agents/${agentId}/trends?from=${START - WINDOW}&to=${T0 + 8 * WINDOW}`)
    ).windows;
  return { anomalies: anomalies.map((a) => [a.agentId, a.type, a.severity]).sort(), windows };
}

const TOLERANCE: Record<string, number> = { mean: 1e-6, max: 1e-6, p50: 1e-6, p95: 1e-6, p99: 1e-6, costUsd: 1e-12 };

function expectSame(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'object' && expected !== null) {
    expect(Object.keys(actual as object).sort()).toEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected)) {
      const tolerance = TOLERANCE[key];
      const mine = (actual as Record<string, unknown>)[key];
      if (tolerance !== undefined && typeof value === 'number') {
        if (Math.abs((mine as number) - value) > tolerance)
          throw new Error(`${path}.${key}: ${String(mine)} differs from ${value} by more than ${tolerance}`);
      } else expectSame(mine, value, `${path}.${key}`);
    }
  } else if (actual !== expected) throw new Error(`${path}: ${String(actual)} ≠ ${String(expected)}`);
}

describe('a fleet sent by OTLP and the same fleet sent by the SDK', () => {
  const sides: Side[] = [];
  afterAll(async () => {
    for (const side of sides) {
      await side.detector.stop();
      await side.h.stop();
    }
  });

  it('lead the detectors to the same conclusions, the injected latency fault among them', async () => {
    const calls = fleetCalls();
    const pricing = new Pricing();

    // The SDK: one AgentMonitor per agent on a shared Fleet, stamped by the calls' clock.
    const sdk = await startSide();
    sides.push(sdk);
    let now = START;
    const fleet = new Fleet({ endpoint: sdk.h.url });
    const monitors = new Map(
      AGENTS.map((agentId) => [
        agentId,
        new AgentMonitor({ agentId, model: 'gpt-4o', pool: 'fleet', fleet, heartbeatIntervalMs: 0, now: () => now }),
      ]),
    );
    for (const call of calls) {
      now = call.timestamp;
      monitors
        .get(call.agentId)!
        .recordRequest({ ...call, costUsd: pricing.cost('gpt-4o', call.inputTokens, call.outputTokens)! });
    }
    await fleet.close();

    // OTLP: the same calls as chat spans from one instrumented process, through the official protobuf exporter.
    const otlp = await startSide();
    sides.push(otlp);
    const traceId = newTraceId();
    const spans: PlannedSpan[] = calls.map((call) => ({
      traceId,
      spanId: newSpanId(),
      name: 'chat gpt-4o',
      kind: 2,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.agent.id': call.agentId,
        'gen_ai.usage.input_tokens': call.inputTokens,
        'gen_ai.usage.output_tokens': call.outputTokens,
        ...(call.error ? { 'error.type': 'RateLimitError' } : {}),
      },
      startMs: call.timestamp - call.latencySeconds * 1000,
      endMs: call.timestamp,
      failed: call.error,
    }));
    await runClientProcess({
      mode: 'spans',
      url: otlp.h.url,
      protocol: 'protobuf',
      resource: { 'service.name': 'fleet-process', 'swarmscope.pool': 'fleet' },
      spans,
    });

    await Promise.all([scored(sdk, calls.length), scored(otlp, calls.length)]);
    const bySdk = await conclusions(sdk);
    const byOtlp = await conclusions(otlp);
    expect(bySdk.anomalies.some(([agentId]) => agentId === 'slow-6')).toBe(true);
    expect(byOtlp.anomalies).toEqual(bySdk.anomalies);
    expect((bySdk.windows['a-1'] as unknown[]).length).toBe(REQUESTS / 60);
    // Span times are whole nanoseconds on the wire and sums may add in another order: latencies agree to a
    // microsecond, costs to 1e-12 USD, counts and tokens exactly.
    expectSame(byOtlp.windows, bySdk.windows, 'windows');
  });
});
