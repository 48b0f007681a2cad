// Loaded before anything it starts: tracing must patch http, express and ioredis before they are required.
import type { ServiceDefinition } from './kit';
import { startServiceTracing } from '../telemetry/tracing';

/**
 * The whole entry file of a service: `runServiceMain('incidents', () => import('./service.js').then((m) => m.service))`.
 * Tracing (service.name `swarmscope-<name>`, on when OTEL_EXPORTER_OTLP_ENDPOINT is set) starts first; only then is the
 * service's module, and with it express and ioredis, loaded and run as its own process.
 */
export function runServiceMain(name: string, load: () => Promise<ServiceDefinition>): void {
  const tracing = startServiceTracing(`swarmscope-${name}`);
  (async () => {
    const { runDefinedService } = await import('./process.js');
    runDefinedService(await load(), tracing);
  })().catch((error: unknown) => {
    process.stderr.write(`${name}: ${String((error as Error)?.stack ?? error)}\n`);
    process.exit(1);
  });
}
