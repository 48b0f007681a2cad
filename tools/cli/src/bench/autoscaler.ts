import { performance } from 'node:perf_hooks';
import { createLogger, MemoryBus, parseEnv, topics, type SampleReport } from '@swarmscope/core';
import { autoscalerEnv, compareOnTrace, CONSUMER_GROUP, runAutoscaler, SimulatorActuator, TRACE_NAMES, type ReplayResult } from '@swarmscope/autoscaler';
import { startControlServer } from '@swarmscope/simulator';
import { percentile } from './percentile';

export interface AutoscalerBenchOptions {
  /** Days replayed per trace (default 3). */
  days: number;
  seed: number;
  /** Decisions timed through the real service path (default 200). */
  decisions: number;
}

export interface AutoscalerBenchResult {
  traces: Array<{ trace: string; hpa: ReplayResult; combined: ReplayResult }>;
  decisionMedianMs: number;
  decisionP99Ms: number;
}

/**
 * `swarmscope bench autoscaler`: (1) replays seeded load traces through the pool model (M/M/1 per replica, 90 s
 * start-up) under the plain Kubernetes HPA and under the combined policy: SLO-violation minutes, replica-hours,
 * forecast error; (2) times decisions through the real service path — tick closed with a CPU threshold crossed →
 * strategies → the simulator actuator over HTTP to a local control endpoint → scaled.
 */
export async function runAutoscalerBench(options: AutoscalerBenchOptions): Promise<AutoscalerBenchResult> {
  const traces: AutoscalerBenchResult['traces'] = [];
  for (const trace of TRACE_NAMES) {
    process.stdout.write(`autoscaler: replaying ${trace} (${options.days} days, seed ${options.seed})...\n`);
    traces.push({ trace, ...compareOnTrace(trace, { days: options.days, seed: options.seed }) });
  }
  process.stdout.write(`\nautoscaler: plain HPA vs the combined policy (pool model: M/M/1 per replica, 0.25 s service, 90 s start-up, p95 SLO 5 s)\n`);
  console.table(
    traces.flatMap(({ trace, hpa, combined }) =>
      [hpa, combined].map((r) => ({
        trace,
        policy: r.policy === 'hpa' ? 'HPA alone' : 'combined',
        'SLO-violation min': r.sloViolationMinutes,
        'replica-hours': Math.round(r.replicaHours),
        'forecast sMAPE': r.forecastError === null ? '-' : r.forecastError.toFixed(3),
        'scale events': r.scaleEvents,
        'peak replicas': r.peakReplicas,
      })),
    ),
  );

  const timings = await timeDecisions(options.decisions);
  const decisionMedianMs = percentile(timings, 0.5);
  const decisionP99Ms = percentile(timings, 0.99);
  process.stdout.write(`\nautoscaler: decision time, threshold crossing observed → actuated through the simulator control endpoint (${timings.length} decisions)\n`);
  console.table([{ 'median ms': decisionMedianMs.toFixed(2), 'p99 ms': decisionP99Ms.toFixed(2), 'target ms': '< 1000' }]);
  return { traces, decisionMedianMs, decisionP99Ms };
}

/** Sorted durations (ms) of `count` scale-ups, each from the tick close to the control endpoint's answer. */
async function timeDecisions(count: number): Promise<number[]> {
  const logger = createLogger({ name: 'bench', level: 'silent' });
  const pools = new Map([['support', 10]]);
  const control = await startControlServer(
    {
      pools: () => [...pools].map(([pool, agents]) => ({ pool, agents })),
      scale: (pool, replicas) => {
        const previous = pools.get(pool) ?? 0;
        pools.set(pool, replicas);
        return { kind: 'scale', pool, previous, replicas, atSeconds: 0, at: Date.now() };
      },
    },
    { port: 0, apiKeys: ['bench-key'] },
  );
  const bus = new MemoryBus({ shards: 4 });
  // Data time moves a minute per decision so the HPA rate limits of one scale-up never hold back the next.
  let clock = Date.now();
  const env = parseEnv(autoscalerEnv, { AUTOSCALER_PORT: '0', BUS_SHARDS: '4', LOG_LEVEL: 'silent', AUTOSCALER_TICK_SECONDS: '300', AUTOSCALER_UNRESPONSIVE_SECONDS: '0' });
  const running = await runAutoscaler(env, bus, undefined, logger, { actuator: new SimulatorActuator({ url: control.url, apiKey: 'bench-key' }), now: () => clock });
  const timings: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      pools.set('support', 10);
      clock += 60_000;
      const reports: SampleReport[] = Array.from({ length: 10 }, (_, a) => ({
        agentId: `agent-${a}`,
        timestamp: clock,
        model: 'gpt-4o',
        pool: 'support',
        type: 'general',
        metrics: { requests: 3, response_time_seconds: 1, cpu_percent: 140, memory_bytes: 400e6 },
        quality: {},
        receivedAt: clock,
      }));
      await bus.publish(topics.samples, i % 4, reports);
      await waitUntil(async () => running.autoscaler.knowsPool('support') && (await bus.lag(topics.samples, CONSUMER_GROUP)) === 0);
      const started = performance.now();
      const [decision] = await running.autoscaler.analyze('support');
      const elapsed = performance.now() - started;
      if (!decision || decision.direction !== 'up' || pools.get('support') !== decision.desired) throw new Error(`decision ${i} did not scale up through the endpoint: ${decision?.reason}`);
      timings.push(elapsed);
    }
  } finally {
    await running.stop();
    await bus.close();
    await control.close();
  }
  return timings.sort((a, b) => a - b);
}

/** Polls until the autoscaler has read every published sample. */
async function waitUntil(ready: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 10_000; tries++) {
    if (await ready()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the autoscaler did not read the samples');
}
