'use strict';
/* global require, process, console, setImmediate */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS child process: it loads each exporter only when its plan needs it */
// A process of an instrumented fleet, run by the OTLP tests as a child: the official OpenTelemetry JS SDK and
// exporters (they load node:http with a dynamic import, which jest's module sandbox cannot run). It reads a plan as
// JSON on stdin, sends it to plan.url and exits 0 once every exporter has flushed.
const { ROOT_CONTEXT, SpanStatusCode, trace, context } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { MeterProvider, PeriodicExportingMetricReader, AggregationTemporality } = require('@opentelemetry/sdk-metrics');

function traceExporter(plan) {
  const options = {
    url: `${plan.url}/v1/traces`,
    ...(plan.gzip ? { compression: 'gzip' } : {}),
    ...(plan.headers ? { headers: plan.headers } : {}),
  };
  if (plan.protocol === 'json')
    return new (require('@opentelemetry/exporter-trace-otlp-http').OTLPTraceExporter)(options);
  return new (require('@opentelemetry/exporter-trace-otlp-proto').OTLPTraceExporter)(options);
}

/** Span ids (and trace ids of roots) as the plan chose them, so other processes can name their parents. */
class PlannedIds {
  constructor() {
    this.next = undefined;
  }
  generateTraceId() {
    return this.next.traceId;
  }
  generateSpanId() {
    return this.next.spanId;
  }
}

async function sendSpans(plan) {
  const ids = new PlannedIds();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(plan.resource),
    idGenerator: ids,
    spanProcessors: [
      new BatchSpanProcessor(traceExporter(plan), { maxExportBatchSize: plan.batchSize ?? 512, maxQueueSize: 100000 }),
    ],
  });
  const tracer = provider.getTracer('otlp-client-process');
  for (const s of plan.spans) {
    ids.next = s;
    const parent = s.parent
      ? trace.setSpanContext(ROOT_CONTEXT, { traceId: s.traceId, spanId: s.parent, traceFlags: 1, isRemote: true })
      : ROOT_CONTEXT;
    const span = tracer.startSpan(s.name, { kind: s.kind, attributes: s.attributes, startTime: s.startMs }, parent);
    if (s.failed) span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
    span.end(s.endMs);
  }
  await provider.forceFlush();
  await provider.shutdown();
}

async function sendMetrics(plan) {
  const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-proto');
  const exporter = new OTLPMetricExporter({
    url: `${plan.url}/v1/metrics`,
    temporalityPreference: plan.delta ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
  });
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes(plan.resource), readers: [reader] });
  const meter = provider.getMeter('otlp-client-process');
  const instruments = {};
  for (const round of plan.rounds) {
    for (const r of round) {
      instruments[r.name] ??= meter.createHistogram(r.name, { unit: r.unit });
      instruments[r.name].record(r.value, r.attributes);
    }
    await reader.forceFlush();
  }
  await provider.shutdown();
}

async function callOpenAi(plan) {
  // The official instrumentation around the real openai client; the "model" is a local stand-in speaking its HTTP API.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(plan.resource),
    spanProcessors: [new BatchSpanProcessor(traceExporter(plan))],
  });
  trace.setGlobalTracerProvider(provider);
  // Its gen_ai.client.* metrics go out too, as a real deployment sends them: the receiver must not count them twice.
  const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-proto');
  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${plan.url}/v1/metrics` }),
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ resource: resourceFromAttributes(plan.resource), readers: [reader] });
  const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');
  const instrumentation = new OpenAIInstrumentation();
  instrumentation.setTracerProvider(provider);
  instrumentation.setMeterProvider(meterProvider);
  instrumentation.enable();
  const { OpenAI } = require('openai');
  const client = new OpenAI({ baseURL: `${plan.llmUrl}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  for (let i = 0; i < plan.calls; i++) {
    try {
      await client.chat.completions.create({
        model: plan.model,
        messages: [{ role: 'user', content: `question ${i}` }],
      });
    } catch {
      // A failed call is a span with error.type; the instrumentation ends it a few promise hops after the client throws.
    }
  }
  await new Promise((resolve) => setImmediate(resolve));
  await provider.forceFlush();
  await provider.shutdown();
  await reader.forceFlush();
  await meterProvider.shutdown();
}

let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const plan = JSON.parse(input);
  const run = plan.mode === 'metrics' ? sendMetrics : plan.mode === 'openai' ? callOpenAi : sendSpans;
  run(plan).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
});
