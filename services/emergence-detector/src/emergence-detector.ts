import {
  BusConsumers,
  createServiceApp,
  createServiceMetrics,
  publishByKey,
  topics,
  type EmergenceEvent,
  type Interaction,
  type SampleReport,
  type ServiceMetrics,
  type Subscription,
  type ServiceDeps,
} from '@swarmscope/core';
import type { Express } from 'express';
import { engineOptions } from './engine';
import type { TickResult } from './engine-protocol';
import { EngineThread } from './engine-thread';
import type { EmergenceDetectorEnv } from './env';
import { EventLog } from './event-log';
import { createEmergenceMetrics, type EmergenceMetrics } from './metrics';
import { mountRoutes, type EmergenceDetectorPort } from './routes';
import { ShardWatermark } from './shard-watermark';

export const SERVICE_NAME = 'emergence-detector';
/** The bus consumer group; the detector is a fleet-wide singleton, so one consumer reads every shard. */
export const CONSUMER_GROUP = 'emergence-detector';
/** Samples posted to POST /analyze count as a shard of their own. */
const POSTED = -1;
/** A bus shard silent this long (wall time) stops holding back the watermark: its agents are gone. */
const SHARD_IDLE_MS = 30_000;

/** `now` is unused: the detector runs on data time (the watermark) and wall-clock ticks. */
export type EmergenceDetectorDeps = Omit<ServiceDeps<EmergenceDetectorEnv>, 'now'>;

/**
 * emergence-detector's edge: reads every shard's samples and interactions from the bus into the pure engine (on
 * its own thread, so analysis never blocks this event loop), has each tick analysed once data time has closed
 * it, keeps the events, publishes them and serves the API.
 */
export class EmergenceDetector implements EmergenceDetectorPort {
  readonly app: Express;
  readonly engine: EngineThread;
  readonly log: EventLog;
  readonly metrics: ServiceMetrics;
  readonly emergenceMetrics: EmergenceMetrics;
  /** Data time every shard has delivered up to: the watermark trails it by the allowed lateness. */
  private readonly delivered = new ShardWatermark(SHARD_IDLE_MS);
  private readonly consumers: BusConsumers;
  private subscriptions: Subscription[] = [];
  private timer: NodeJS.Timeout | undefined;
  private analysing: Promise<unknown> = Promise.resolve();

  constructor(readonly deps: EmergenceDetectorDeps) {
    const { env, bus, logger } = deps;
    const tickMs = env.EMERGENCE_TICK_SECONDS * 1000;
    const options = engineOptions({
      tickMs,
      horizonTicks: env.EMERGENCE_HORIZON_TICKS,
      // How far data can run ahead of the oldest open tick while the watermark waits: the allowed lateness, a shard
      // idle until the rule lets it go, and up to three ticks of wall-clock analysis cadence and delivery.
      aheadTicks: Math.ceil((env.EMERGENCE_LATENESS_SECONDS * 1000 + SHARD_IDLE_MS) / tickMs) + 3,
      historyTicks: env.EMERGENCE_HISTORY_TICKS,
      thresholds: {
        swarm_intelligence: env.THRESHOLD_SWARM_INTELLIGENCE,
        collective_behavior: env.THRESHOLD_COLLECTIVE_BEHAVIOR,
        phase_transition: env.THRESHOLD_PHASE_TRANSITION,
        self_organization: env.THRESHOLD_SELF_ORGANIZATION,
        collective_learning: env.THRESHOLD_COLLECTIVE_LEARNING,
        cascade_failure: env.THRESHOLD_CASCADE_FAILURE,
        early_warning: env.THRESHOLD_EARLY_WARNING,
      },
    });
    this.engine = new EngineThread(options, (ms) => this.emergenceMetrics.loopSlice.observe(ms / 1000));
    this.log = new EventLog(env.EMERGENCE_EVENT_LOG_CAPACITY);
    this.metrics = createServiceMetrics(SERVICE_NAME);
    this.emergenceMetrics = createEmergenceMetrics(this.metrics.registry, this.engine);
    this.consumers = new BusConsumers(bus, this.metrics.registry);
    this.app = createServiceApp({
      service: SERVICE_NAME,
      env,
      logger,
      metrics: this.metrics,
      uses: { bus },
      readiness: [
        {
          name: 'engine thread',
          check: async () => {
            if (this.engine.error) throw this.engine.error;
          },
        },
      ],
      routes: (app) => mountRoutes(app, this),
    });
  }

  /** Joins the consumer group on every shard and analyses on every tick of the wall clock (data decides what). */
  start(): void {
    const { env } = this.deps;
    const { consumers } = this;
    const options = { consumer: env.BUS_CONSUMER, batchSize: 1000 };
    this.subscriptions.push(
      consumers.consume(CONSUMER_GROUP, topics.samples, options, async (messages) => {
        const now = Date.now();
        for (const { shard, payload } of messages) this.delivered.observe(shard, payload.timestamp, now);
        this.engine.ingest(messages.map((m) => m.payload));
      }),
      consumers.consume(CONSUMER_GROUP, topics.interactions, options, async (messages) =>
        this.ingestInteractions(messages.map((m) => m.payload)),
      ),
    );
    this.timer = setInterval(() => void this.analyseClosed(), env.EMERGENCE_TICK_SECONDS * 1000);
    this.timer.unref();
  }

  /** Hands posted reports to the engine; they move the watermark as a shard of their own (the engine drops late ones). */
  ingest(reports: SampleReport[]): void {
    const now = Date.now();
    for (const report of reports) this.delivered.observe(POSTED, report.timestamp, now);
    this.engine.ingest(reports);
  }

  ingestInteractions(interactions: Interaction[]): void {
    this.engine.ingestInteractions(interactions);
  }

  /**
   * Analyses every tick closed by data time (what every shard delivered up to, minus the allowed lateness, or
   * `watermarkMs`), one run at a time, and emits the changes.
   */
  analyseClosed(watermarkMs?: number): Promise<TickResult[]> {
    const run = this.analysing.then(async () => {
      const delivered = this.delivered.current(Date.now());
      const watermark =
        watermarkMs ??
        (delivered === undefined ? undefined : delivered - this.deps.env.EMERGENCE_LATENESS_SECONDS * 1000);
      if (watermark === undefined) return [];
      const { results, analysisMs } = await this.engine.advance(watermark);
      if (results.length > 0) this.emergenceMetrics.analysisDuration.observe(analysisMs / 1000 / results.length);
      await this.emit(results.flatMap((a) => a.changes));
      return results;
    });
    this.analysing = run.catch((error: unknown) =>
      this.deps.logger.warn({ err: (error as Error).message }, 'analysis failed; the next tick retries'),
    );
    return run;
  }

  /** The newest data time seen, epoch ms. */
  get newestData(): number | undefined {
    return this.delivered.newest;
  }

  /** Keeps, counts and publishes event changes (sharded by scope). */
  async emit(changes: readonly EmergenceEvent[]): Promise<void> {
    if (changes.length === 0) return;
    const { bus, logger } = this.deps;
    for (const change of changes) {
      this.log.apply(change);
      if (change.event === 'opened') {
        this.emergenceMetrics.events.inc({ type: change.type });
        logger.info(
          {
            id: change.id,
            type: change.type,
            scope: change.scope,
            magnitude: change.magnitude,
            agents: change.agents.length,
          },
          change.explanation,
        );
      }
    }
    await publishByKey(bus, topics.emergence, changes, (change) => change.scope);
  }

  /** Stops reading the bus (in-flight batches finish), lets a running analysis finish and ends the engine thread. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.subscriptions.map((s) => s.close()));
    await this.analysing;
    await this.engine.close();
  }
}
