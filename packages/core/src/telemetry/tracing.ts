import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  serviceName: string;
  serviceVersion: string;
  /** OTLP/HTTP base endpoint (e.g. http://jaeger:4318); tracing stays off without it. */
  otlpEndpoint?: string;
}

export interface Tracing {
  readonly enabled: boolean;
  /** Flushes pending spans and stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK (http, express and ioredis instrumentation, OTLP/HTTP trace exporter) when an
 * endpoint is configured. It must run before express and ioredis are loaded so their modules get patched,
 * which is why service entry files call it first. Without an endpoint nothing is patched: no cost, no spans.
 */
export function startTracing(options: TracingOptions): Tracing {
  if (!options.otlpEndpoint) return { enabled: false, shutdown: async () => {} };
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion,
    }),
    traceExporter: new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => request.url === '/metrics' || request.url === '/healthz',
      }),
      new ExpressInstrumentation(),
      new IORedisInstrumentation(),
    ],
  });
  sdk.start();
  return { enabled: true, shutdown: () => sdk.shutdown() };
}

/** Tracing for a process of ours, from its environment: on when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
export function startServiceTracing(serviceName: string): Tracing {
  return startTracing({
    serviceName,
    serviceVersion: process.env.npm_package_version ?? '0.1.0',
    ...(process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
  });
}
