import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider, MetricReader, type HistogramMetricData, type MetricData } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';

/** A pull reader: collect() on demand, nothing periodic. */
class InMemoryMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** The real OpenTelemetry SDK, registered globally the way a host application would, recording in memory. */
export interface InstalledOtel {
  /** Finished spans, in end order. */
  spans(): ReadableSpan[];
  /** The metrics collected now, by name. */
  collectMetrics(): Promise<Map<string, MetricData>>;
  uninstall(): Promise<void>;
}

export function installOtel(options: { sampler?: Sampler; propagator?: boolean } = {}): InstalledOtel {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    sampler: options.sampler,
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(tracerProvider);
  if (options.propagator !== false) propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const reader = new InMemoryMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);

  return {
    spans: () => exporter.getFinishedSpans(),
    async collectMetrics() {
      const { resourceMetrics } = await reader.collect();
      const byName = new Map<string, MetricData>();
      for (const scope of resourceMetrics.scopeMetrics)
        for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
      return byName;
    },
    async uninstall() {
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** A histogram's points as `{ attributes, count, sum }`, for exact comparisons. */
export function histogramPoints(
  metric: MetricData | undefined,
): Array<{ attributes: Record<string, unknown>; count: number; sum: number | undefined }> {
  if (!metric) return [];
  return (metric as HistogramMetricData).dataPoints.map((point) => ({
    attributes: { ...point.attributes },
    count: point.value.count,
    sum: point.value.sum,
  }));
}
