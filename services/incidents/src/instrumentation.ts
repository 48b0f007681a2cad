// Imported first by main.ts: tracing must patch http, express and ioredis before they are loaded.
import { startTracing } from '@swarmscope/core/tracing';

export const tracing = startTracing({
  serviceName: 'swarmscope-incidents',
  serviceVersion: process.env.npm_package_version ?? '0.1.0',
  ...(process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
});
