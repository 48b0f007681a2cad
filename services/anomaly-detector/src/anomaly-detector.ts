import {
  BusConsumers,
  createServiceApp,
  createServiceMetrics,
  exemplarOf,
  publishByKey,
  topics,
  type AnomalyEvent,
  type SampleReport,
  type ServiceMetrics,
  type ShardLeases,
  type Subscription,
  MemoryShardLeases,
  type ServiceDeps,
} from '@swarmscope/core';
import type { Express } from 'express';
import { AnomalyLog } from './anomaly-log';
import { countOpened, createDetectorMetrics, initPool, type DetectorMetrics } from './detector-metrics';
import type { AnomalyEngine, ReportVerdict } from './engine/engine-port';
import type { AnomalyDetectorEnv } from './env';
import { mountRoutes, type AnomalyDetectorPort } from './http/routes';
import { ShardOwnership } from './shard-ownership';

export const SERVICE_NAME = 'anomaly-detector';
/** The bus consumer group every replica joins; each owns its shards. */
export const CONSUMER_GROUP = 'anomaly-detector';
const SWEEP_MS = 5000;
/**
 * Reports handed to the engine per bus delivery. The engine scores them on its own thread (≈ 40 µs a report), so a
 * chunk is not a task of the event loop; a large one keeps that thread busy while this one takes ingest.
 */
const SCORE_CHUNK = 1000;

export interface AnomalyDetectorDeps extends ServiceDeps<AnomalyDetectorEnv> {
  engine: AnomalyEngine;
  /** Shard leases shared by the replicas (default: in-process, for a single replica). */
  leases?: ShardLeases;
}

/**
 * anomaly-detector's edge: reads accepted samples from the bus (the shards it owns), scores them with the pure
 * engine, keeps the anomalies and publishes their events on the bus (the incidents service correlates them and alerts).
 */
export class AnomalyDetector implements AnomalyDetectorPort {
  readonly app: Express;
  readonly log: AnomalyLog;
  readonly metrics: ServiceMetrics;
  readonly detectorMetrics: DetectorMetrics;
  readonly now: () => number;
  private readonly consumers: BusConsumers;
  private subscription: Subscription | undefined;
  private interactions: Subscription | undefined;
  private view: Subscription | undefined;
  private ownership: ShardOwnership | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  /** Pools whose anomaly counters exist (at 0 or more). */
  private readonly countedPools = new Set<string>();

  constructor(readonly deps: AnomalyDetectorDeps) {
    const { env, bus, logger, engine } = deps;
    this.now = deps.now ?? Date.now;
    this.log = new AnomalyLog(env.ANOMALY_LOG_CAPACITY);
    this.metrics = createServiceMetrics(SERVICE_NAME);
    const owned = (agentId: string) => this.ownership?.shards.includes(bus.shardOf(agentId)) ?? false;
    this.detectorMetrics = createDetectorMetrics(this.metrics.registry, engine, () => this.log.openWhere(owned));
    this.consumers = new BusConsumers(bus, this.metrics.registry);
    // The group's lag shows from the start, also while this replica owns no shard.
    for (const topic of [topics.samples, topics.interactions]) this.consumers.watch(CONSUMER_GROUP, topic);
    this.app = createServiceApp({
      service: SERVICE_NAME,
      env,
      logger,
      metrics: this.metrics,
      uses: { bus },
      readiness: [
        {
          name: 'anomaly engine',
          check: async () => {
            if (engine.error) throw engine.error;
          },
        },
      ],
      routes: (app) => mountRoutes(app, this),
    });
  }

  /** The bus shards this replica reads now (its leases): ANOMALY_SHARDS, plus a dead replica's it took over. */
  get ownedShards(): number[] {
    return this.ownership?.shards ?? [];
  }

  /**
   * Takes its shard leases and reads those shards of the samples topic (the group's consumer `BUS_CONSUMER`),
   * merges every replica's anomalies from the anomalies topic (so any replica answers for the fleet), and starts
   * sweeping.
   */
  async start(): Promise<void> {
    const { bus, env, logger } = this.deps;
    const all = Array.from({ length: bus.shards }, (_, shard) => shard);
    const preferred = env.ANOMALY_SHARDS ?? all;
    const outside = preferred.filter((shard) => shard >= bus.shards);
    if (outside.length > 0)
      throw new Error(`ANOMALY_SHARDS: shards ${outside.join(', ')} do not exist (BUS_SHARDS is ${bus.shards})`);
    this.view = bus.subscribe(
      topics.anomalies,
      // A group per replica: each reads every anomaly; 'earliest' rebuilds a restarted replica's list from the stream.
      // Not a work queue (its lag at start is the whole stream by design), so not on the lag metric.
      {
        group: `${CONSUMER_GROUP}-view-${env.BUS_CONSUMER}`,
        consumer: env.BUS_CONSUMER,
        startFrom: 'earliest',
        batchSize: 500,
      },
      async (messages) => {
        for (const message of messages) this.log.merge(message.payload);
      },
    );
    this.ownership = new ShardOwnership({
      leases: this.deps.leases ?? new MemoryShardLeases(),
      me: env.BUS_CONSUMER,
      shards: all,
      preferred,
      leaseMs: env.SHARD_LEASE_SECONDS * 1000,
      logger,
      onChange: (owned) => this.follow(owned),
    });
    await this.ownership.start();
    // Silence and recovery by time need a clock tick, not only reports.
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweepTimer.unref();
  }

  /** Reads exactly `owned` from now on: the old subscription closes first (its in-flight batch is acked). */
  private async follow(owned: number[]): Promise<void> {
    const { env } = this.deps;
    const { consumers } = this;
    await this.subscription?.close();
    await this.interactions?.close();
    this.subscription = undefined;
    this.interactions = undefined;
    if (owned.length === 0) return;
    // Interactions are sharded by the calling agent, as samples by agent: the same shards hold the same agents.
    // A handler resolves once the engine has scored its messages: the bus acknowledges them only then (an engine
    // failure rejects, and the entries stay pending for redelivery).
    this.interactions = consumers.consume(
      CONSUMER_GROUP,
      topics.interactions,
      { consumer: env.BUS_CONSUMER, shards: owned, batchSize: SCORE_CHUNK },
      async (messages) => {
        await this.emit(await this.deps.engine.observeInteractions(messages.map((m) => m.payload)));
      },
    );
    // Entries a dead owner of these shards had read but not acked are XAUTOCLAIMed after BUS_REDELIVER_SECONDS.
    this.subscription = consumers.consume(
      CONSUMER_GROUP,
      topics.samples,
      { consumer: env.BUS_CONSUMER, shards: owned, batchSize: SCORE_CHUNK },
      async (messages) => {
        const reports = messages.map((m) => m.payload);
        const events = await this.deps.engine.observeReports(reports);
        this.scored(reports);
        await this.emit(events);
      },
    );
  }

  /** Scores one report now, in order with the bus path (`POST /detect/:agentId`). */
  async score(report: SampleReport): Promise<{ verdict: ReportVerdict; events: AnomalyEvent[] }> {
    const result = await this.deps.engine.detect(report);
    this.scored([report]);
    return result;
  }

  /** Counts reports the engine has just scored, and their detection latency (accepted → verdict). */
  private scored(reports: readonly SampleReport[]): void {
    const now = this.now();
    const { detectorMetrics } = this;
    detectorMetrics.reports.inc(reports.length);
    for (const report of reports) {
      initPool(detectorMetrics, this.countedPools, report.pool);
      if (report.receivedAt !== undefined) {
        detectorMetrics.detectionLatency.observe({
          value: Math.max(0, now - report.receivedAt) / 1000,
          exemplarLabels: exemplarOf(report.traceId),
        });
      }
    }
  }

  /** Keeps and publishes (one bus entry per shard) the events of a batch. */
  async emit(events: AnomalyEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const event of events) {
      this.log.apply(event);
      if (event.event === 'opened')
        countOpened(this.detectorMetrics, this.countedPools, {
          type: event.type,
          severity: event.severity,
          risk: event.risk ?? 'low',
          pool: event.pool,
        });
    }
    await publishByKey(this.deps.bus, topics.anomalies, events, (event) => event.agentId);
  }

  /** Runs the engine's housekeeping at the current time and emits what it finds. */
  async sweep(): Promise<void> {
    try {
      await this.emit(await this.deps.engine.sweep(this.now()));
    } catch (error) {
      this.deps.logger.warn({ err: (error as Error).message }, 'sweep failed; next one retries');
    }
  }

  /** Stops reading (in-flight batches finish first), then the engine. */
  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.ownership?.stop(); // closes the samples subscription before it releases the leases
    await this.view?.close();
    await this.deps.engine.close();
  }
}
