// `swarmscope bench sdk`: what the telemetry-client costs the agent process that embeds it.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { AgentMonitor, Fleet, type RequestScope, type Report } from '@swarmscope/telemetry-client';
import { percentile } from './percentile';
import { waitReady } from './child-service';
import { freePort } from '@swarmscope/testkit';

export interface SdkOverheadOptions {
  /** Agents reporting once a second from this process (default 10,000). */
  agents: number;
  /** Length of the load phase (default 10). */
  seconds: number;
}

export interface SdkOverheadResult {
  /** One `fleet.record()`: median and p99 over batches of 1,000 calls (per-call average of each batch). */
  recordMedianNs: number;
  recordP99Ns: number;
  /**
   * One awaited `monitor.trackRequest()` of a function that returns at once, including its share of encoding and
   * posting the reports. No OpenTelemetry SDK is registered unless OTEL_EXPORTER_OTLP_ENDPOINT is set for swarmscope.
   */
  trackRequestMedianNs: number;
  /** One `monitor.recordToolCall(name, { durationSeconds })` (a call that already happened), its share of delivery included. */
  recordToolCallMedianNs: number;
  /** CPU (user + system, every thread) of this process during the load phase, over its wall time. */
  cpuFractionOf1Core: number;
  /** Reports of the load phase the health-monitor accepted. */
  reportsSent: number;
  /** Reports the Fleet dropped during the load phase (queue overflow, retries exhausted). */
  dropped: number;
}

const BATCH = 1000;
const WARMUP_SAMPLES = 50;
const RECORD_SAMPLES = 1000;
const TRACK_SAMPLES = 300;
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'llama-3.1-8b'];

/**
 * Measures the SDK's cost with a real health-monitor in a child process (its CPU is not counted):
 * (a) the hot paths, timed in batches with process.hrtime.bigint(); (b) `agents` AgentMonitors
 * sharing one Fleet, each tracking one request a second for `seconds`, and the CPU this process
 * spends doing it (reports built, queued, encoded and posted).
 */
export async function runSdkOverheadBench(options: SdkOverheadOptions): Promise<SdkOverheadResult> {
  const port = await freePort();
  const child = spawnHealthMonitor(port);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitReady(endpoint, child);
    const record = await timeRecord(endpoint);
    const trackRequestMedianNs = await timeTrackRequest(endpoint);
    const recordToolCallMedianNs = await timeRecordToolCall(endpoint);
    const load = await runLoad(endpoint, options.agents, options.seconds);
    return {
      recordMedianNs: record.median,
      recordP99Ns: record.p99,
      trackRequestMedianNs,
      recordToolCallMedianNs,
      ...load,
    };
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
  }
}

/** `fleet.record()` of a prepared report; the fleet delivers between samples, as it would between an agent's calls. */
async function timeRecord(endpoint: string): Promise<{ median: number; p99: number }> {
  const fleet = new Fleet({ endpoint });
  const report: Report = {
    agentId: 'sdk-bench-record',
    timestamp: Date.now(),
    model: 'gpt-4o',
    pool: 'bench',
    type: 'general',
    metrics: {
      response_time_seconds: 0.42,
      requests: 1,
      errors: 0,
      input_tokens: 512,
      output_tokens: 128,
      cost_usd: 0.00256,
    },
  };
  const perCall: number[] = [];
  for (let sample = 0; sample < WARMUP_SAMPLES + RECORD_SAMPLES; sample++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) fleet.record(report);
    const ns = Number(process.hrtime.bigint() - started) / BATCH;
    if (sample >= WARMUP_SAMPLES) perCall.push(ns);
    await yieldToLoop();
  }
  await fleet.close({ timeoutMs: 0 });
  perCall.sort((a, b) => a - b);
  return { median: percentile(perCall, 0.5), p99: percentile(perCall, 0.99) };
}

/** `await monitor.trackRequest()` of a function that sets its usage and returns: the whole path, microtasks included. */
async function timeTrackRequest(endpoint: string): Promise<number> {
  const fleet = new Fleet({ endpoint });
  const monitor = new AgentMonitor({
    agentId: 'sdk-bench-track',
    model: 'gpt-4o',
    pool: 'bench',
    fleet,
    heartbeatIntervalMs: 0,
  });
  const call = (req: RequestScope): number => {
    req.setOutputTokens(128);
    return 1;
  };
  const perCall: number[] = [];
  for (let sample = 0; sample < WARMUP_SAMPLES + TRACK_SAMPLES; sample++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) await monitor.trackRequest({ inputTokens: 512 }, call);
    const ns = Number(process.hrtime.bigint() - started) / BATCH;
    if (sample >= WARMUP_SAMPLES) perCall.push(ns);
    await yieldToLoop();
  }
  await monitor.close();
  await fleet.close({ timeoutMs: 0 });
  perCall.sort((a, b) => a - b);
  return percentile(perCall, 0.5);
}

/** `monitor.recordToolCall()` of a finished call, cycling through a few tool names as an agent would. */
async function timeRecordToolCall(endpoint: string): Promise<number> {
  const fleet = new Fleet({ endpoint });
  const monitor = new AgentMonitor({
    agentId: 'sdk-bench-tools',
    model: 'gpt-4o',
    pool: 'bench',
    fleet,
    heartbeatIntervalMs: 0,
  });
  const tools = ['web_search', 'sql_query', 'code_interpreter', 'http_request'];
  const sample = { durationSeconds: 0.05 };
  const perCall: number[] = [];
  for (let round = 0; round < WARMUP_SAMPLES + TRACK_SAMPLES; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) monitor.recordToolCall(tools[i & 3]!, sample);
    const ns = Number(process.hrtime.bigint() - started) / BATCH;
    if (round >= WARMUP_SAMPLES) perCall.push(ns);
    await yieldToLoop();
  }
  await monitor.close();
  await fleet.close({ timeoutMs: 0 });
  perCall.sort((a, b) => a - b);
  return percentile(perCall, 0.5);
}

/** `agents` monitors on one Fleet, each tracking one request a second, spread evenly over the second. */
async function runLoad(
  endpoint: string,
  agents: number,
  seconds: number,
): Promise<Pick<SdkOverheadResult, 'cpuFractionOf1Core' | 'reportsSent' | 'dropped'>> {
  const fleet = new Fleet({ endpoint });
  const monitors = Array.from(
    { length: agents },
    (_, i) =>
      new AgentMonitor({ agentId: `sdk-bench-${i}`, model: MODELS[i % MODELS.length]!, pool: `pool-${i % 8}`, fleet }),
  );
  for (const monitor of monitors) monitor.register();
  await fleet.flush({ timeoutMs: 30_000 });
  const before = fleet.stats();
  const call = (req: RequestScope): void => req.setOutputTokens(250);

  const total = agents * seconds;
  let started = 0;
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      // Catch up by the clock, so timer drift does not lower the rate.
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * agents));
      for (; started < due; started++) void monitors[started % agents]!.trackRequest({ inputTokens: 800 }, call);
      if (started >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  const elapsedUs = (performance.now() - t0) * 1000;
  const cpu = process.cpuUsage(cpuBefore);

  await fleet.flush({ timeoutMs: 30_000 });
  const after = fleet.stats();
  await Promise.all(monitors.map((monitor) => monitor.close()));
  await fleet.close({ timeoutMs: 1000 });
  return {
    cpuFractionOf1Core: (cpu.user + cpu.system) / elapsedUs,
    reportsSent: after.sent - before.sent,
    dropped: after.dropped - before.dropped,
  };
}

/** The real health-monitor, embedded store and bus, in its own process. */
function spawnHealthMonitor(port: number): ChildProcess {
  const main = join(dirname(require.resolve('@swarmscope/health-monitor')), 'main.js');
  return spawn(process.execPath, [main], {
    env: {
      ...process.env,
      HEALTH_MONITOR_PORT: String(port),
      LOG_LEVEL: 'warn',
      API_KEYS: '',
      REDIS_URL: '',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
