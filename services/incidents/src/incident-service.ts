import {
  BusConsumers,
  createServiceApp,
  createServiceMetrics,
  publishByKey,
  topics,
  type Incident,
  type IncidentChange,
  type ServiceMetrics,
  type Store,
  type Subscription,
  type ServiceDeps,
} from '@swarmscope/core';
import type { Express } from 'express';
import type { AlertmanagerSink } from './alertmanager-sink';
import { Correlator, type ActionRefusal } from './correlator';
import type { IncidentsEnv } from './env';
import { createIncidentMetrics, type IncidentMetrics } from './metrics';
import { materialKey, type FallbackReason, type Narrator } from './narrator';
import { mountRoutes, type ActionOutcome, type IncidentsPort } from './routes';

export const SERVICE_NAME = 'incidents';
/** The bus consumer group; the service is a fleet-wide singleton, so one consumer reads every shard. */
export const CONSUMER_GROUP = 'incidents';

export interface IncidentServiceDeps extends ServiceDeps<IncidentsEnv> {
  store: Store;
  narrator: Narrator;
  /** Set when ALERTMANAGER_URL is. */
  alerts?: AlertmanagerSink;
}

/** Refusals of an engineer's action, as the API answers them. */
/** Reasons that say "try again later", not "this incident's narration failed". */
const TRANSIENT: ReadonlySet<FallbackReason> = new Set(['rate_limited', 'budget_exhausted']);

/**
 * incidents' edge: reads every shard's anomaly, emergence and interaction events into the pure correlator, steps
 * it on the clock, stores and publishes the incident changes, sends them to Alertmanager, asks the narrator to
 * explain them, and serves the API.
 */
export class IncidentService implements IncidentsPort {
  readonly app: Express;
  readonly correlator: Correlator;
  readonly metrics: ServiceMetrics;
  readonly incidentMetrics: IncidentMetrics;
  private readonly now: () => number;
  private newestDataMs = 0;
  private readonly consumers: BusConsumers;
  private subscriptions: Subscription[] = [];
  private timers: NodeJS.Timeout[] = [];
  /** Writes in order (store, bus, Alertmanager), one batch at a time. */
  private writing: Promise<unknown> = Promise.resolve();
  /** Material key of each incident when the LLM was last asked about it. */
  private readonly asked = new Map<string, string>();
  /** Material key of each incident when the LLM explained it (its narrative is kept until the key changes). */
  private readonly llmKeys = new Map<string, string>();
  private narrating: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();

  constructor(readonly deps: IncidentServiceDeps) {
    const { env, bus, store, logger, narrator } = deps;
    this.now = deps.now ?? Date.now;
    this.correlator = new Correlator(
      {
        groupWaitMs: env.INCIDENT_GROUP_WAIT_SECONDS * 1000,
        cohortWindowMs: env.INCIDENT_COHORT_WINDOW_SECONDS * 1000,
        burstMin: env.INCIDENT_BURST_MIN,
        neighbourWindowMs: env.INCIDENT_NEIGHBOUR_WINDOW_SECONDS * 1000,
        graphWindowMs: env.INCIDENT_GRAPH_WINDOW_SECONDS * 1000,
        quietMs: env.INCIDENT_QUIET_SECONDS * 1000,
        reopenMs: env.INCIDENT_REOPEN_SECONDS * 1000,
      },
      // The LLM's narrative stands until the incident changes materially; the templates narrate everything else.
      (incident) =>
        incident.narrative.source === 'llm' && this.llmKeys.get(incident.id) === materialKey(incident)
          ? incident.narrative
          : narrator.template(incident),
    );
    this.metrics = createServiceMetrics(SERVICE_NAME);
    this.incidentMetrics = createIncidentMetrics(this.metrics.registry, this.correlator);
    this.consumers = new BusConsumers(bus, this.metrics.registry);
    this.app = createServiceApp({
      service: SERVICE_NAME,
      env,
      logger,
      metrics: this.metrics,
      uses: { bus, store },
      routes: (app) => mountRoutes(app, this),
    });
  }

  /** Takes back the unresolved incidents, joins the consumer group on every shard and starts stepping. */
  async start(): Promise<void> {
    const { env, store, alerts } = this.deps;
    const { consumers } = this;
    this.correlator.restore(await store.incidents.unresolved());
    const options = { consumer: env.BUS_CONSUMER, batchSize: 1000 };
    this.subscriptions.push(
      consumers.consume(CONSUMER_GROUP, topics.anomalies, options, async (messages) => {
        for (const { payload } of messages) {
          this.incidentMetrics.events.inc({ kind: 'anomaly', event: payload.event });
          this.seen(payload.time);
          this.correlator.onAnomaly(payload);
        }
      }),
      consumers.consume(CONSUMER_GROUP, topics.emergence, options, async (messages) => {
        for (const { payload } of messages) {
          this.incidentMetrics.events.inc({ kind: 'emergence', event: payload.event });
          this.seen(payload.time);
          this.correlator.onEmergence(payload);
        }
      }),
      consumers.consume(CONSUMER_GROUP, topics.interactions, options, async (messages) => {
        for (const { payload } of messages) this.correlator.onInteraction(payload);
      }),
    );
    this.every(env.INCIDENT_TICK_SECONDS * 1000, () => this.step());
    this.every(3_600_000, () => this.prune());
    if (alerts) this.every(env.ALERT_RESEND_SECONDS * 1000, () => alerts.resend());
  }

  /** One correlator step at the current time (the wall clock, or the newest event time when that is later). */
  step(): Promise<void> {
    const written = this.write(this.correlator.advance(this.currentTime()));
    // Incidents whose narration waited for the rate limit or the budget are asked again.
    this.askNarrator(this.correlator.list());
    return written;
  }

  acknowledge(id: string, by: string): Promise<ActionOutcome> {
    return this.act(id, this.correlator.acknowledge(id, this.now(), by));
  }

  resolve(id: string, by: string, note?: string): Promise<ActionOutcome> {
    return this.act(id, this.correlator.resolve(id, this.now(), by, note));
  }

  /** Resolves once every change so far is stored, published and posted, and the narrations asked for are done. */
  async settled(): Promise<void> {
    await this.writing;
    await this.narrating;
    await this.writing;
  }

  /** Stops reading (in-flight batches finish), writes the last changes and sends the open alerts one last time. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all(this.subscriptions.map((s) => s.close()));
    await this.step();
    await this.settled();
    await this.deps.alerts?.resend();
  }

  private async act(
    id: string,
    result: { change: IncidentChange } | { refused: ActionRefusal },
  ): Promise<ActionOutcome> {
    if ('change' in result) {
      await this.write([result.change]);
      return { incident: result.change.incident };
    }
    if (result.refused !== 'unknown') return result;
    // Not live here: resolved earlier (perhaps before a restart), or never known.
    const stored = await this.deps.store.incidents.get(id);
    return { refused: stored?.status === 'resolved' ? 'resolved' : 'unknown' };
  }

  private write(changes: readonly IncidentChange[]): Promise<void> {
    if (changes.length === 0) return this.writing.then(() => undefined);
    for (const change of changes) this.count(change);
    const run = this.writing.then(async () => {
      const { store, bus, alerts, logger } = this.deps;
      await store.incidents.upsert(changes.map((c) => c.incident));
      await publishByKey(bus, topics.incidents, changes, (change) => change.incident.id);
      if (alerts) {
        const failures = alerts.failures;
        await alerts.handle(changes);
        if (alerts.failures > failures) this.incidentMetrics.alertFailures.inc(alerts.failures - failures);
      }
      for (const { change, incident } of changes) {
        if (change === 'opened' || change === 'reopened' || change === 'resolved')
          logger.info(
            { id: incident.id, change, severity: incident.severity, agents: incident.agentCount },
            incident.title,
          );
      }
    });
    this.writing = run.catch((error: unknown) =>
      this.deps.logger.warn({ err: (error as Error).message }, 'writing incident changes failed'),
    );
    this.askNarrator(changes.map((c) => c.incident));
    return run;
  }

  private count({ change, incident }: IncidentChange): void {
    if (change === 'opened')
      this.incidentMetrics.opened.inc({ severity: incident.severity, risk: incident.risk ?? 'low' });
    // Without an LLM the templates explain every incident, counted once when it opens.
    if ((change === 'opened' || change === 'reopened') && !this.deps.narrator.llmConfigured)
      this.incidentMetrics.narrations.inc({ source: 'template', reason: 'none' });
    if (change === 'resolved' && incident.resolution) {
      this.incidentMetrics.resolved.inc({ resolution: incident.resolution, risk: incident.risk ?? 'low' });
      this.asked.delete(incident.id);
      this.llmKeys.delete(incident.id);
    }
  }

  /** Queues the incidents the LLM has not been asked about in their current shape (one call at a time). */
  private askNarrator(incidents: readonly Incident[]): void {
    if (!this.deps.narrator.llmConfigured) return;
    for (const incident of incidents) {
      if (
        incident.status === 'resolved' ||
        incident.narrative.source === 'llm' ||
        this.asked.get(incident.id) === materialKey(incident) ||
        this.queued.has(incident.id)
      )
        continue;
      this.queued.add(incident.id);
      this.narrating = this.narrating.then(() => this.narrateOne(incident.id));
    }
  }

  private async narrateOne(id: string): Promise<void> {
    try {
      await this.narrateNow(id);
    } finally {
      this.queued.delete(id);
    }
  }

  private async narrateNow(id: string): Promise<void> {
    const incident = this.correlator.get(id);
    if (!incident) return;
    const key = materialKey(incident);
    if (this.asked.get(id) === key) return;
    const narrative = await this.deps.narrator.narrate(incident);
    // Held back by the rate limit or the budget: the templates' narrative stays; asked again on the next step.
    if (TRANSIENT.has(narrative.fallbackReason as FallbackReason)) return;
    this.incidentMetrics.narrations.inc({ source: narrative.source, reason: narrative.fallbackReason ?? 'none' });
    this.asked.set(id, key);
    if (narrative.source === 'llm') this.llmKeys.set(id, key);
    const change = this.correlator.setNarrative(id, narrative, this.now());
    if (change) await this.write([change]);
  }

  private async prune(): Promise<void> {
    const dropped = await this.deps.store.incidents.prune(
      this.now() - this.deps.env.INCIDENT_RETENTION_HOURS * 3_600_000,
    );
    if (dropped > 0) this.deps.logger.info({ dropped }, 'pruned resolved incidents past the retention');
  }

  private seen(dataMs: number): void {
    if (dataMs > this.newestDataMs) this.newestDataMs = dataMs;
  }

  private currentTime(): number {
    return Math.max(this.now(), this.newestDataMs);
  }

  private every(ms: number, task: () => Promise<unknown>): void {
    const timer = setInterval(() => {
      task().catch((error: unknown) =>
        this.deps.logger.warn({ err: (error as Error).message }, 'periodic task failed; the next run retries'),
      );
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
