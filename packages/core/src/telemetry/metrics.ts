import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { z } from 'zod';
import type { Bus, Topic } from '../bus/types';

/** One Registry per service instance (never the process-wide default), with process metrics and the HTTP histogram. */
export interface ServiceMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
}

export function createServiceMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP requests served, by route template (bounded cardinality).',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, httpDuration };
}

/**
 * `swarmscope_bus_consumer_lag{topic,group}`: bus entries (one a published batch) the consumer `group` has yet to read
 * or acknowledge on each topic (all shards),
 * read from the bus at scrape time. A bus that cannot answer leaves the last value out rather than failing the scrape.
 */
export function registerBusLag(registry: Registry, bus: Bus, group: string, watched: ReadonlyArray<Topic<z.ZodType>>): void {
  new Gauge({
    name: 'swarmscope_bus_consumer_lag',
    help: 'Bus entries (one per published batch) a consumer group has not read or acknowledged yet, by topic.',
    labelNames: ['topic', 'group'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        watched.map(async (topic) => {
          try {
            this.set({ topic: topic.name, group }, await bus.lag(topic, group));
          } catch {
            // The bus is down: readiness says so; the scrape still returns the other metrics.
          }
        }),
      );
    },
  });
}
