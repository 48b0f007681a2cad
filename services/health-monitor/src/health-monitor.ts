import { setImmediate } from 'node:timers/promises';
import {
  activeTraceId,
  createServiceApp,
  createServiceMetrics,
  exemplarOf,
  MemoryBus,
  OTLP_BODY_TYPES,
  publishByKey,
  topics,
  type AgentRecord,
  type GraphWindow,
  type Interaction,
  type SampleReport,
  type ServiceMetrics,
  type Store,
  type Topic,
  type WindowEvent,
  type ServiceDeps,
} from '@swarmscope/core';
import type { Express } from 'express';
import type { z } from 'zod';
import type { HealthMonitorEnv } from './env';
import { FleetState } from './fleet-state';
import { GRAPH_KEY, InteractionGraph } from './interaction-graph';
import { createMonitorMetrics, type MonitorMetrics } from './monitor-metrics';
import { IngestRate } from './ingest-rate';
import { IngestAdmission } from './ingest-admission';
import type { OtlpReceiver } from './otlp/otlp-receiver';
import type { HealthMonitorPort } from './monitor-port';
import { mountRoutes } from './routes';
import { ToolUsageTable } from './tool-usage';
import { CONSOLE_PUBLIC_PATHS, ConsoleGateway, mountConsole } from './console-routes';
import { consoleAssetsDir } from '@swarmscope/console';
import { METRIC, requestsIn } from './window-accumulator';

export const SERVICE_NAME = 'health-monitor';
const TICK_MS = 1000;
/** Agents assessed between two yields of the health tick (≈ 5 ms of work). */
const TICK_SLICE_AGENTS = 1000;
/** Closed windows kept for a retry when the store is down, at most. */
const MAX_PENDING_WINDOWS = 200_000;
const MAX_PENDING_GRAPH_WINDOWS = 60;

export interface HealthMonitorDeps extends ServiceDeps<HealthMonitorEnv> {
  store: Store;
}

/** How often ingest admission reads the bus' backlog. */
const ADMISSION_SAMPLE_MS = 100;

/** The POST paths whose bodies are agents' data: shed under back-pressure (OTLP answers its own way). */
const isIngestPath = (path: string): boolean =>
  path === '/v1/ingest' || path === '/v1/interactions' || /^\/agents\/[^/]+\/metrics$/.test(path);

/** How long the console's gateway waits for another service's answer. */
const CONSOLE_GATEWAY_TIMEOUT_MS = 10_000;

/** health-monitor: registry, ingestion, liveness and health, windows. `start` loads and ticks; `stop` flushes. */
export class HealthMonitor implements HealthMonitorPort {
  readonly app: Express;
  readonly fleet: FleetState;
  readonly graph: InteractionGraph;
  readonly metrics: ServiceMetrics;
  readonly monitorMetrics: MonitorMetrics;
  /** Tool usage by pool and name, behind the `swarmscope_agent_tool_*` series. */
  readonly tools: ToolUsageTable;
  /** Where the web console's gateway forwards calls to the other services. */
  readonly consoleGateway: ConsoleGateway;
  readonly rate = new IngestRate();
  /** Back-pressure on the ingest paths (503 with Retry-After when the analysis falls behind). */
  readonly admission: IngestAdmission;
  /** The OTLP/HTTP receiver (its span-id index), mounted with the routes. */
  otlp: OtlpReceiver | undefined;
  readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private pendingWindows: WindowEvent[] = [];
  private pendingGraph: GraphWindow[] = [];
  /** Reports refused since start (all reasons); the metric has them by reason. */
  rejectedReports = 0;

  constructor(readonly deps: HealthMonitorDeps) {
    const { env, logger, store, bus } = deps;
    this.now = deps.now ?? Date.now;
    this.fleet = new FleetState({
      windowMs: env.WINDOW_SECONDS * 1000,
      graceMs: env.WINDOW_GRACE_SECONDS * 1000,
      tauMs: env.WINDOW_SECONDS * 1000,
      policy: { latencySloSeconds: env.LATENCY_SLO_SECONDS, timeoutMs: env.AGENT_TIMEOUT_SECONDS * 1000 },
    });
    this.graph = new InteractionGraph({
      windowMs: env.WINDOW_SECONDS * 1000,
      graceMs: env.WINDOW_GRACE_SECONDS * 1000,
    });
    this.metrics = createServiceMetrics(SERVICE_NAME);
    this.tools = new ToolUsageTable(env.MAX_TOOL_NAMES);
    this.monitorMetrics = createMonitorMetrics(this.metrics.registry, this.fleet, this.tools);
    this.admission = new IngestAdmission({
      maxInFlight: env.INGEST_MAX_IN_FLIGHT,
      maxBusFullness: env.INGEST_MAX_BUS_FULLNESS,
      maxBacklogReports: env.INGEST_MAX_BACKLOG_REPORTS,
      retryAfterSeconds: env.INGEST_RETRY_AFTER_SECONDS,
      // In-process readers only: a Redis consumer group outlives its readers (a detector removed leaves its group
      // behind, never reading again), so in the distributed mode the backlog would shed ingest for ever; there the
      // stream's length cap trims and counts what a lagging group misses (swarmscope_bus_trimmed_unread_entries_total).
      busBacklog:
        bus instanceof MemoryBus
          ? async () => ({ fullness: await bus.fullness(topics.samples), reports: bus.backlog(topics.samples) })
          : () => Promise.resolve({ fullness: 0, reports: 0 }),
      sampleEveryMs: ADMISSION_SAMPLE_MS,
      now: Date.now,
      onShed: (reason) => this.monitorMetrics.shedRequests.inc({ reason }),
    });
    this.consoleGateway = new ConsoleGateway({
      anomaly: env.ANOMALY_DETECTOR_URL,
      emergence: env.EMERGENCE_DETECTOR_URL,
      autoscaler: env.AUTOSCALER_URL,
      incidents: env.INCIDENTS_URL,
    });
    this.app = createServiceApp({
      service: SERVICE_NAME,
      env,
      logger,
      metrics: this.metrics,
      // The OTLP receiver's paths also take protobuf; every other route takes JSON only.
      otherBodyTypes: OTLP_BODY_TYPES,
      admission: this.admission.middleware(isIngestPath),
      uses: { bus, store },
      publicPaths: CONSOLE_PUBLIC_PATHS,
      routes: (app) => {
        this.otlp = mountRoutes(app, this);
        mountConsole(app, {
          assetsDir: consoleAssetsDir,
          gateway: this.consoleGateway,
          timeoutMs: CONSOLE_GATEWAY_TIMEOUT_MS,
          logger,
        });
      },
    });
  }

  /** Loads the registry from the store and starts the health tick. */
  async start(): Promise<void> {
    this.fleet.restore(await this.deps.store.agents.all());
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  /**
   * Puts complete reports on the bus (one entry per shard), then applies them to the live state. A report is
   * acknowledged to the client only after the bus holds it, so a bus outage refuses (503) rather than loses.
   */
  async accept(reports: SampleReport[]): Promise<number> {
    const now = this.now();
    const traceId = activeTraceId();
    for (const report of reports) {
      report.receivedAt = now;
      if (traceId) report.traceId = traceId;
    }
    await this.publish(topics.samples, reports, (report) => report.agentId);
    const registered: AgentRecord[] = [];
    for (const report of reports) {
      if (this.fleet.apply(report, now)) registered.push(this.fleet.agents.get(report.agentId)!.record);
    }
    const samples = this.observe(reports, traceId);
    // New agents are listed at once (GET /agents reads the store); the rest of the registry follows on the tick.
    if (registered.length > 0) await this.writeRecords(registered);
    this.monitorMetrics.reports.inc(reports.length);
    this.monitorMetrics.samples.inc(samples);
    this.rate.add(samples, reports.length);
    return samples;
  }

  /** Puts interactions on the bus (sharded by the calling agent), then adds them to the graph; same guarantee as accept. */
  async acceptInteractions(interactions: Interaction[]): Promise<void> {
    await this.publish(topics.interactions, interactions, (edge) => edge.from);
    for (const edge of interactions) {
      this.graph.add(edge);
      this.monitorMetrics.interactions.inc({ kind: edge.kind, outcome: edge.outcome });
    }
  }

  /**
   * Publishes one entry per shard; the time it takes is the bus lag we add. All shards at once by default; one after
   * the other for the tick's thousands of windows, so encoding them is not one long task.
   */
  private async publish<S extends z.ZodType>(
    topic: Topic<S>,
    items: ReadonlyArray<z.infer<S>>,
    keyOf: (item: z.infer<S>) => string,
    options: { oneShardAtATime?: boolean } = {},
  ): Promise<void> {
    const stopTimer = this.monitorMetrics.busPublish.startTimer({ topic: topic.name });
    try {
      await publishByKey(this.deps.bus, topic, items, keyOf, options);
    } catch (error) {
      this.monitorMetrics.busPublishFailures.inc({ topic: topic.name });
      throw error;
    } finally {
      stopTimer();
    }
  }

  /** Counts refused reports by reason; returns how many there were. */
  countRejected(byReason: Readonly<Record<string, number>>): number {
    let total = 0;
    for (const [reason, count] of Object.entries(byReason)) {
      if (count === 0) continue;
      this.monitorMetrics.rejectedReports.inc({ reason }, count);
      total += count;
    }
    this.rejectedReports += total;
    return total;
  }

  /** Closes due windows, re-assesses health, writes the registry and windows. Never overlaps itself. */
  tick(): Promise<void> {
    this.ticking ??= this.runTick().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  /** Stops ticking and flushes the registry and every window that has ended. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    await this.tick();
  }

  private async runTick(): Promise<void> {
    const { store, logger } = this.deps;
    const endTimer = this.monitorMetrics.tickDuration.startTimer();
    const now = this.now();
    // In slices, so ingest (and, embedded, the other services) runs between them rather than after every agent.
    const run = this.fleet.tickInSlices(now, TICK_SLICE_AGENTS);
    let step = run.next();
    while (!step.done) {
      await setImmediate();
      step = run.next();
    }
    const { closed, changed } = step.value;
    const graphWindows = this.pendingGraph.concat(this.graph.tick(now));
    this.pendingGraph = [];
    this.rate.tick(now);
    if (changed.length > 0) await this.writeRecords(changed);
    const windows = this.pendingWindows.concat(closed);
    this.pendingWindows = [];
    if (windows.length > 0) {
      try {
        await store.windows.append(windows);
        for (const event of windows) this.monitorMetrics.windowsClosed.inc({ kind: seriesKind(event.key) });
        await this.publish(topics.windows, windows, (event) => event.key, { oneShardAtATime: true });
      } catch (error) {
        this.pendingWindows = windows.slice(-MAX_PENDING_WINDOWS);
        logger.warn({ err: (error as Error).message, windows: windows.length }, 'window write failed; will retry');
      }
    }
    if (graphWindows.length > 0) {
      try {
        await store.graph.append(graphWindows.map((window) => ({ key: GRAPH_KEY, window })));
      } catch (error) {
        this.pendingGraph = graphWindows.slice(-MAX_PENDING_GRAPH_WINDOWS);
        logger.warn({ err: (error as Error).message, windows: graphWindows.length }, 'graph write failed; will retry');
      }
    }
    endTimer();
  }

  /** Writes records to the store; on failure they stay in memory, marked for the next tick to write again. */
  private async writeRecords(records: AgentRecord[]): Promise<void> {
    try {
      await this.deps.store.agents.upsert(records);
    } catch (error) {
      for (const record of records) {
        const agent = this.fleet.agents.get(record.id);
        if (agent) {
          agent.dirty = true;
          agent.syncedAt = Number.NEGATIVE_INFINITY;
        }
      }
      this.deps.logger.warn(
        { err: (error as Error).message, agents: records.length },
        'registry write failed; will retry',
      );
    }
  }

  /**
   * Updates the Prometheus series for a batch; returns its sample count. Counters are added up per model and pool
   * first and incremented once a batch (prom-client hashes the labels on every call); the batch's one trace id is the
   * exemplar of each series' last response time.
   */
  private observe(reports: readonly SampleReport[], traceId: string | undefined): number {
    const m = this.monitorMetrics;
    const bySeries = new Map<string, Map<string, SeriesTotals>>();
    let samples = 0;
    for (const report of reports) {
      const { metrics, quality, model, pool } = report;
      let byPool = bySeries.get(model);
      if (!byPool) bySeries.set(model, (byPool = new Map()));
      let totals = byPool.get(pool);
      if (!totals)
        byPool.set(
          pool,
          (totals = {
            labels: { model, pool },
            latencies: [],
            inputTokens: 0,
            outputTokens: 0,
            cost: 0,
            requests: 0,
            errors: 0,
            serves: false,
          }),
        );
      for (const name in metrics) {
        samples++;
        const value = metrics[name]!;
        if (name === METRIC.responseTime) totals.latencies.push(value);
        else if (name === METRIC.inputTokens && value > 0) totals.inputTokens += value;
        else if (name === METRIC.outputTokens && value > 0) totals.outputTokens += value;
        else if (name === METRIC.cost && value > 0) totals.cost += value;
      }
      const requests = requestsIn(metrics);
      const errors = metrics[METRIC.errors] ?? 0;
      // Both series start together (errors at 0), so an error ratio exists for every model and pool that serves.
      if (requests > 0 || errors > 0) {
        totals.requests += requests;
        totals.errors += errors;
        totals.serves = true;
      }
      for (const _ in quality) samples++;
      // A breakdown of tool_calls, not samples of their own.
      if (report.tools !== undefined) this.tools.add(pool, report.agentId, report.tools);
    }
    const exemplarLabels = exemplarOf(traceId);
    for (const byPool of bySeries.values()) {
      for (const totals of byPool.values()) {
        const { labels, latencies } = totals;
        const last = latencies.length - 1;
        // With exemplars enabled, prom-client's histogram takes only the object form.
        for (let i = 0; i < last; i++) m.responseTime.observe({ labels, value: latencies[i]! });
        if (last >= 0) m.responseTime.observe({ labels, value: latencies[last]!, exemplarLabels });
        if (totals.inputTokens > 0) m.tokens.inc({ ...labels, direction: 'input' }, totals.inputTokens);
        if (totals.outputTokens > 0) m.tokens.inc({ ...labels, direction: 'output' }, totals.outputTokens);
        if (totals.cost > 0) m.cost.inc(labels, totals.cost);
        if (totals.serves) {
          m.requests.inc(labels, totals.requests);
          m.errors.inc(labels, totals.errors);
        }
      }
    }
    return samples;
  }
}

/** One model and pool's share of a batch, for its Prometheus series. */
interface SeriesTotals {
  labels: { model: string; pool: string };
  latencies: number[];
  inputTokens: number;
  outputTokens: number;
  cost: number;
  requests: number;
  errors: number;
  /** Reported requests or errors (the two series are then incremented, possibly by 0). */
  serves: boolean;
}

/** `agent:a-1` → `agent`; `fleet` → `fleet`. */
const seriesKind = (key: string): string => {
  const colon = key.indexOf(':');
  return colon < 0 ? key : key.slice(0, colon);
};
