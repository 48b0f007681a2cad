import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type OpenMetricsContentType,
  type RegistryContentType,
} from 'prom-client';
import type { z } from 'zod';
import type { Bus, Topic } from '../bus/types';

/** The two exposition formats /metrics speaks: exemplars exist only in OpenMetrics. */
export type MetricsFormat = 'prometheus' | 'openmetrics';
export const METRICS_CONTENT_TYPES: Readonly<Record<MetricsFormat, RegistryContentType>> = {
  prometheus: Registry.PROMETHEUS_CONTENT_TYPE,
  openmetrics: Registry.OPENMETRICS_CONTENT_TYPE,
};

/** The exemplar label Grafana's Prometheus data source links to Jaeger (grafana/provisioning/datasources). */
export const EXEMPLAR_TRACE_LABEL = 'trace_id';

/** Exemplar labels for an observation made under `traceId`; none without a trace (prom-client then keeps no exemplar). */
export const exemplarOf = (traceId: string | undefined): Record<string, string> =>
  traceId ? { [EXEMPLAR_TRACE_LABEL]: traceId } : {};

/**
 * A service's registry. It is an OpenMetrics registry because prom-client lets only those hold histograms with
 * exemplars; `ServiceMetrics.expose` renders it in either format.
 */
export type ServiceRegistry = Registry<OpenMetricsContentType>;

/** One Registry per service instance (never the process-wide default), with process metrics and the HTTP histogram. */
export interface ServiceMetrics {
  registry: ServiceRegistry;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** The registry in one exposition format; renders run one at a time (see `exposer`). */
  expose(format: MetricsFormat): Promise<string>;
}

export function createServiceMetrics(service: string): ServiceMetrics {
  // prom-client's typings declare no constructor argument; the format is set right after, before any metric.
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP requests served, by route template (bounded cardinality).',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, httpDuration, expose: exposer(registry) };
}

/**
 * Renders one registry in either format. prom-client binds the format to the registry (switched here for a text
 * render), and an OpenMetrics render renames every counter in place (drops `_total`, prometheus/client_js#829), so
 * the names are put back after it. Renders are queued so none sees another's switch.
 */
function exposer(registry: ServiceRegistry): (format: MetricsFormat) => Promise<string> {
  const switchable = registry as unknown as Registry<RegistryContentType>;
  let queue: Promise<unknown> = Promise.resolve();
  const render = async (format: MetricsFormat): Promise<string> => {
    const names = registry.getMetricsAsArray().map((metric) => [metric, metric.name] as const);
    switchable.setContentType(METRICS_CONTENT_TYPES[format]);
    try {
      return await registry.metrics();
    } finally {
      switchable.setContentType(METRICS_CONTENT_TYPES.openmetrics);
      for (const [metric, name] of names) metric.name = name;
    }
  };
  return (format) => {
    const rendered = queue.then(() => render(format));
    queue = rendered.catch(() => undefined);
    return rendered;
  };
}

/** A gauge of one series whose value `read` gives at scrape time (a count the service holds anyway). */
export function scrapedGauge(registry: ServiceRegistry, name: string, help: string, read: () => number): Gauge {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

/**
 * `swarmscope_bus_consumer_lag{topic,group}`: bus entries (one a published batch) the consumer `group` has yet to read
 * or acknowledge on each topic (all shards),
 * read from the bus at scrape time, for each (topic, group) `watched` lists then (see BusConsumers). A bus that cannot answer leaves the last value out rather than failing the scrape.
 * `swarmscope_bus_trimmed_unread_entries_total{topic,group}`: entries the bus's length cap removed before the group
 * read them (lost to it), counted by this process (Bus.trimmedUnread). Labels are topic and group, never shards.
 */
export function registerBusLag(
  registry: ServiceRegistry,
  bus: Bus,
  watched: () => ReadonlyArray<{ topic: Topic<z.ZodType>; group: string }>,
): void {
  new Gauge({
    name: 'swarmscope_bus_consumer_lag',
    help: 'Bus entries (one per published batch) a consumer group has not read or acknowledged yet, by topic.',
    labelNames: ['topic', 'group'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        watched().map(async ({ topic, group }) => {
          try {
            this.set({ topic: topic.name, group }, await bus.lag(topic, group));
          } catch {
            // The bus is down: readiness says so; the scrape still returns the other metrics.
          }
        }),
      );
    },
  });
  new Counter({
    name: 'swarmscope_bus_trimmed_unread_entries_total',
    help: 'Bus entries (one per published batch) removed by the per-shard length cap before the consumer group read them, by topic.',
    labelNames: ['topic', 'group'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { topic, group } of watched()) this.inc({ topic: topic.name, group }, bus.trimmedUnread(topic, group));
    },
  });
}
