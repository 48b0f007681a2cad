import {
  createHttpApp,
  createServiceMetrics,
  exemplarOf,
  registerBusLag,
  topics,
  type AnomalyEvent,
  type Bus,
  type Logger,
  type SampleReport,
  type ServiceMetrics,
  type Subscription,
} from '@swarmscope/core';
import type { Express } from 'express';
import { AnomalyLog } from './anomaly-log';
import { createDetectorMetrics, type DetectorMetrics } from './detector-metrics';
import type { AnomalyEngine, ReportVerdict } from './engine-port';
import type { AnomalyDetectorEnv } from './env';
import { mountRoutes } from './routes';

export const SERVICE_NAME = 'anomaly-detector';
/** The bus consumer group every replica joins; each owns its shards. */
export const CONSUMER_GROUP = 'anomaly-detector';
const SWEEP_MS = 5000;

export interface AnomalyDetectorDeps {
  env: AnomalyDetectorEnv;
  bus: Bus;
  engine: AnomalyEngine;
  logger: Logger;
  now?: () => number;
}

/**
 * anomaly-detector's edge: reads accepted samples from the bus (the shards it owns), scores them with the pure
 * engine, keeps the anomalies and publishes their events on the bus (the incidents service correlates them and alerts).
 */
export class AnomalyDetector {
  readonly app: Express;
  readonly log: AnomalyLog;
  readonly metrics: ServiceMetrics;
  readonly detectorMetrics: DetectorMetrics;
  readonly now: () => number;
  private subscription: Subscription | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(readonly deps: AnomalyDetectorDeps) {
    const { env, bus, logger, engine } = deps;
    this.now = deps.now ?? Date.now;
    this.log = new AnomalyLog(env.ANOMALY_LOG_CAPACITY);
    this.metrics = createServiceMetrics(SERVICE_NAME);
    this.detectorMetrics = createDetectorMetrics(this.metrics.registry, engine, this.log);
    registerBusLag(this.metrics.registry, bus, CONSUMER_GROUP, [topics.samples]);
    this.app = createHttpApp({
      service: SERVICE_NAME,
      logger,
      metrics: this.metrics,
      apiKeys: env.API_KEYS,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      readiness: [{ name: `bus (${bus.kind})`, check: () => bus.ping() }],
      routes: (app) => mountRoutes(app, this),
    });
  }

  /** Joins the consumer group on the owned shards and starts sweeping. */
  start(): void {
    const { bus, env } = this.deps;
    const shards = env.ANOMALY_SHARDS;
    if (shards) {
      const outside = shards.filter((shard) => shard >= bus.shards);
      if (outside.length > 0) throw new Error(`ANOMALY_SHARDS: shards ${outside.join(', ')} do not exist (BUS_SHARDS is ${bus.shards})`);
    }
    this.subscription = bus.subscribe(
      topics.samples,
      { group: CONSUMER_GROUP, consumer: env.BUS_CONSUMER, ...(shards ? { shards } : {}), batchSize: 500 },
      async (messages) => {
        const events: AnomalyEvent[] = [];
        for (const message of messages) events.push(...this.score(message.payload).events);
        await this.emit(events);
      },
    );
    // Silence and recovery by time need a clock tick, not only reports.
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweepTimer.unref();
  }

  /** Scores one report now (the bus path and `POST /detect/:agentId` share it). */
  score(report: SampleReport): { verdict: ReportVerdict; events: AnomalyEvent[] } {
    const result = this.deps.engine.observe(report);
    this.detectorMetrics.reports.inc();
    if (report.receivedAt !== undefined) {
      this.detectorMetrics.detectionLatency.observe({ value: Math.max(0, this.now() - report.receivedAt) / 1000, exemplarLabels: exemplarOf(report.traceId) });
    }
    return result;
  }

  /** Keeps and publishes (one bus entry per shard) the events of a batch. */
  async emit(events: AnomalyEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { bus } = this.deps;
    const byShard = new Map<number, AnomalyEvent[]>();
    for (const event of events) {
      this.log.apply(event);
      if (event.event === 'opened') this.detectorMetrics.anomalies.inc({ type: event.type, severity: event.severity, pool: event.pool });
      const shard = bus.shardOf(event.agentId);
      const list = byShard.get(shard);
      if (list) list.push(event);
      else byShard.set(shard, [event]);
    }
    await Promise.all([...byShard].map(([shard, list]) => bus.publish(topics.anomalies, shard, list)));
  }

  /** Runs the engine's housekeeping at the current time and emits what it finds. */
  async sweep(): Promise<void> {
    try {
      await this.emit(this.deps.engine.sweep(this.now()));
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message }, 'sweep failed; next one retries');
    }
  }

  /** Stops reading (in-flight batches finish first). */
  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.subscription?.close();
  }
}
