// The SDK's hot paths against the built package: `npx tsc -b packages/telemetry-client && node packages/telemetry-client/bench/hot-path.mjs`.
// Median ns per call over batches of 1,000 (process.hrtime.bigint); trackRequest with no OpenTelemetry SDK, then
// with the real SDK sampling nothing, then recording every span and metric. Nothing is encoded or sent: the queue
// (1,000) never reaches a batch (5,000) and the flush timer never fires, so every push evicts the oldest report —
// the same O(1) work as a push. Encoding and sending are measured end to end, with the CPU of 10,000 agents
// reporting to a real health-monitor, by `swarmscope bench sdk`.
/* global process */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
// Default imports: these are CommonJS packages (and the package's own dist).
import api from '@opentelemetry/api';
import asyncHooks from '@opentelemetry/context-async-hooks';
import sdkMetrics from '@opentelemetry/sdk-metrics';
import sdkTrace from '@opentelemetry/sdk-trace-base';
import telemetry from '../dist/index.js';

const { AsyncLocalStorageContextManager } = asyncHooks;
const { MeterProvider } = sdkMetrics;
const { AlwaysOffSampler, BasicTracerProvider, NoopSpanProcessor } = sdkTrace;
const { AgentMonitor, Fleet } = telemetry;

const BATCH = 1000;
const SAMPLES = 300;

/** `run` does BATCH calls; a sync one is timed alone, an async one with the microtasks it awaits. */
async function median(name, run) {
  const perCall = [];
  for (let sample = 0; sample < SAMPLES + 30; sample++) {
    const started = process.hrtime.bigint();
    const pending = run();
    if (pending) await pending;
    if (sample >= 30) perCall.push(Number(process.hrtime.bigint() - started) / BATCH);
    await yieldToLoop();
  }
  perCall.sort((a, b) => a - b);
  process.stdout.write(`${name.padEnd(52)} ${perCall[perCall.length >> 1].toFixed(0).padStart(6)} ns\n`);
}

async function main() {
  const fleet = new Fleet({
    endpoint: 'http://127.0.0.1:9',
    maxQueue: 1000,
    batchSize: 5000,
    flushIntervalMs: 2 ** 31 - 1,
  });
  const monitor = new AgentMonitor({ agentId: 'bench', model: 'gpt-4o', fleet, heartbeatIntervalMs: 0 });
  const report = { agentId: 'bench', model: 'gpt-4o', metrics: { response_time_seconds: 0.4, requests: 1 } };
  const call = (req) => req.setOutputTokens(128);
  const track = async () => {
    for (let i = 0; i < BATCH; i++) await monitor.trackRequest({ inputTokens: 512 }, call);
  };

  await median('fleet.record()', () => {
    for (let i = 0; i < BATCH; i++) fleet.record(report);
  });
  await median('monitor.recordRequest()', () => {
    for (let i = 0; i < BATCH; i++) monitor.recordRequest({ latencySeconds: 0.4, inputTokens: 512, outputTokens: 128 });
  });
  await median('await trackRequest(), no OpenTelemetry SDK', track);

  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.trace.setGlobalTracerProvider(new BasicTracerProvider({ sampler: new AlwaysOffSampler() }));
  await median('await trackRequest(), SDK sampling nothing', track);

  api.trace.disable();
  api.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new NoopSpanProcessor()] }));
  api.metrics.setGlobalMeterProvider(new MeterProvider());
  await median('await trackRequest(), SDK recording spans + metrics', track);

  await monitor.close();
  await fleet.close({ timeoutMs: 0 });
}

await main();
