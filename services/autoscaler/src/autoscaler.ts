import { performance } from 'node:perf_hooks';
import {
  BusConsumers,
  createServiceApp,
  HttpError,
  createServiceMetrics,
  topics,
  type SampleReport,
  type ServiceMetrics,
  type Store,
  type Subscription,
  type ServiceDeps,
} from '@swarmscope/core';
import type { Express } from 'express';
import type { Actuator } from './actuators/actuator';
import { createAutoscalerMetrics, type AutoscalerMetrics } from './autoscaler-metrics';
import { EfficiencyTracker } from './efficiency';
import type { AutoscalerEnv } from './env';
import { EventLog, type AutoscalerEvent } from './event-log';
import { PolicyBook } from './policy-book';
import { STRATEGIES } from './policy';
import { PoolAggregator } from './pool-aggregator';
import { PoolController, type Decision, type PoolObservation } from './pool-controller';
import { mountRoutes, type AutoscalerPort } from './routes';
import { SelfHealing } from './self-healing';

export const SERVICE_NAME = 'autoscaler';
/** The bus consumer group: one autoscaler reads every shard (decisions are per pool, pools span shards). */
export const CONSUMER_GROUP = 'autoscaler';
/** Where the store keeps the policies (by pool) and the recent decisions. */
const POLICIES = 'autoscaler:policies';
const DECISIONS = 'autoscaler:decisions';

export interface AutoscalerDeps extends ServiceDeps<AutoscalerEnv> {
  actuator: Actuator;
  /** The agent registry: a last fallback for a pool's replicas when the actuator cannot tell and no agent reported. */
  store?: Store;
}

/**
 * autoscaler's edge: folds bus samples into per-pool ticks, asks each pool's PoolController (pure) for a decision,
 * sends changes to the actuator, replaces unresponsive agents, and keeps decisions, events and efficiency for the API.
 */
export class Autoscaler implements AutoscalerPort {
  readonly app: Express;
  readonly metrics: ServiceMetrics;
  readonly scaling: AutoscalerMetrics;
  readonly policies = new PolicyBook();
  readonly decisions: EventLog<Decision>;
  readonly events: EventLog<AutoscalerEvent>;
  readonly efficiency = new EfficiencyTracker();
  readonly now: () => number;
  private readonly aggregator = new PoolAggregator();
  private readonly controllers = new Map<string, PoolController>();
  private readonly exportedPools = new Set<string>();
  private readonly healing: SelfHealing | undefined;
  private readonly consumers: BusConsumers;
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private tickStart: number;
  private running: Promise<unknown> = Promise.resolve();
  private eventSeq = 0;

  constructor(readonly deps: AutoscalerDeps) {
    const { env, bus, logger } = deps;
    this.now = deps.now ?? Date.now;
    this.tickStart = this.now();
    this.decisions = new EventLog(env.AUTOSCALER_LOG_CAPACITY);
    this.events = new EventLog(env.AUTOSCALER_LOG_CAPACITY);
    this.metrics = createServiceMetrics(SERVICE_NAME);
    this.scaling = createAutoscalerMetrics(this.metrics.registry);
    this.consumers = new BusConsumers(bus, this.metrics.registry);
    this.healing =
      env.AUTOSCALER_UNRESPONSIVE_SECONDS > 0
        ? new SelfHealing({
            unresponsiveAfterMs: env.AUTOSCALER_UNRESPONSIVE_SECONDS * 1000,
            maxPerPeriod: env.AUTOSCALER_REPLACEMENTS_PER_PERIOD,
            periodMs: env.AUTOSCALER_REPLACEMENT_PERIOD_SECONDS * 1000,
            backoffMs: env.AUTOSCALER_REPLACEMENT_BACKOFF_SECONDS * 1000,
          })
        : undefined;
    // Ready when the bus and the store (its policies and decisions, when it has one) answer.
    this.app = createServiceApp({
      service: SERVICE_NAME,
      env,
      logger,
      metrics: this.metrics,
      uses: { bus, store: deps.store },
      routes: (app) => mountRoutes(app, this),
    });
  }

  /** Reads samples from every shard and decides every tick. */
  start(): void {
    const { env } = this.deps;
    this.subscription = this.consumers.consume(
      CONSUMER_GROUP,
      topics.samples,
      { consumer: env.BUS_CONSUMER, batchSize: 1000 },
      async (messages) => {
        for (const message of messages) this.ingest(message.payload);
      },
    );
    this.timer = setInterval(
      () =>
        void this.analyze().catch((error: unknown) =>
          this.deps.logger.warn({ err: (error as Error).message }, 'tick failed; the next one retries'),
        ),
      env.AUTOSCALER_TICK_SECONDS * 1000,
    );
    this.timer.unref();
  }

  ingest(report: SampleReport): void {
    this.exportPool(report.pool);
    this.aggregator.add(report);
    this.healing?.seen(report.pool, report.agentId, report.receivedAt ?? this.now());
  }

  /** Closes the current tick now and decides every pool (or one); ticks never overlap. */
  analyze(pool?: string): Promise<Decision[]> {
    const next = this.running.then(() => this.decideAll(pool));
    this.running = next.catch(() => undefined);
    return next;
  }

  /** True once the pool has reported samples. */
  knowsPool(pool: string): boolean {
    return this.aggregator.pools().includes(pool);
  }

  policyFor(pool: string): ReturnType<PolicyBook['get']> {
    return this.policies.get(pool);
  }

  /**
   * Loads what the store kept from an earlier run (policies, recent decisions): with Redis they survive a restart.
   * Runs before `start`.
   */
  async restore(): Promise<void> {
    const { store, logger } = this.deps;
    if (!store) return;
    const [policies, decisions] = await Promise.all([store.documents.all(POLICIES), store.logs.read(DECISIONS)]);
    for (const { pool, error } of this.policies.load(policies))
      logger.warn({ pool, issues: error.issues }, 'a stored policy no longer validates: the pool gets the defaults');
    for (const decision of decisions) this.decisions.add(decision as Decision);
    if (policies.length + decisions.length > 0)
      logger.info({ policies: policies.length, decisions: decisions.length }, 'restored policies and decisions');
  }

  /** Applies a policy change to the pool's controller, keeps it in the store, and logs it as an event. */
  async applyPolicy(patch: { pool: string } & Record<string, unknown>): Promise<ReturnType<PolicyBook['apply']>> {
    const before = this.policies.get(patch.pool);
    const result = this.policies.apply(patch);
    if ('error' in result) return result;
    try {
      await this.deps.store?.documents.put(POLICIES, result.policy.pool, result.policy);
    } catch (error) {
      // Not kept, not applied: the caller retries the same patch.
      this.policies.load([before]);
      throw new HttpError(
        'SWS_UNAVAILABLE',
        `the policy could not be stored (${(error as Error).message}); nothing changed, retry later`,
      );
    }
    this.exportPool(result.policy.pool);
    this.controllers.get(result.policy.pool)?.setPolicy(result.policy);
    const fields = Object.keys(result.changes);
    this.event(
      result.policy.pool,
      'policy-changed',
      'low',
      result.changes,
      fields.length
        ? `policy of ${result.policy.pool} changed: ${fields.join(', ')}`
        : `policy of ${result.policy.pool} set (no change)`,
    );
    this.deps.logger.info({ pool: result.policy.pool, changes: result.changes }, 'policy changed');
    return result;
  }

  private async decideAll(only?: string): Promise<Decision[]> {
    const at = this.now();
    const durationMs = Math.max(1, at - this.tickStart);
    this.tickStart = at;
    const crossedAt = performance.now();
    const observations = this.aggregator.close(at, durationMs).filter((o) => only === undefined || o.pool === only);
    const pools = observations.map((o) => o.pool);
    const known = await this.currentFromActuator(pools);
    const decisions: Decision[] = [];
    const replicas = new Map<string, number>();
    for (const observation of observations) {
      const decision = await this.decideOne(observation, known.get(observation.pool), at, crossedAt, durationMs);
      decisions.push(decision);
      replicas.set(decision.pool, decision.desired);
    }
    await this.keepDecisions(decisions);
    await this.heal(at, replicas);
    return decisions;
  }

  private async decideOne(
    observation: PoolObservation & { pool: string },
    known: number | undefined,
    at: number,
    crossedAt: number,
    durationMs: number,
  ): Promise<Decision> {
    const policy = this.policies.get(observation.pool);
    let controller = this.controllers.get(observation.pool);
    if (!controller) {
      this.controllers.set(observation.pool, (controller = new PoolController(policy)));
    }
    const current =
      known ??
      (observation.agentsReporting > 0 ? observation.agentsReporting : await this.registryCount(observation.pool)) ??
      policy.minReplicas;
    const decision = controller.decide(observation, current);
    const { scaling } = this;
    if (decision.desired !== current) {
      const actuator = this.deps.actuator;
      try {
        await actuator.scale({
          pool: decision.pool,
          replicas: decision.desired,
          decisionId: decision.id,
          reason: decision.reason,
        });
        scaling.actuations.inc({ pool: decision.pool, actuator: actuator.kind, outcome: 'success' });
        controller.recordScale(at, current, decision.desired);
        if (decision.crossed.length > 0) scaling.decisionDuration.observe((performance.now() - crossedAt) / 1000);
      } catch (error) {
        scaling.actuations.inc({ pool: decision.pool, actuator: actuator.kind, outcome: 'failure' });
        this.event(
          decision.pool,
          'actuation-failed',
          'high',
          { desired: decision.desired, current, error: (error as Error).message },
          `scaling ${decision.pool} to ${decision.desired} failed: ${(error as Error).message}`,
        );
      }
    }
    scaling.decisions.inc({ pool: decision.pool, strategy: decision.strategy, direction: decision.direction });
    scaling.desiredReplicas.set({ pool: decision.pool }, decision.desired);
    scaling.currentReplicas.set({ pool: decision.pool }, current);
    scaling.minReplicas.set(
      { pool: decision.pool },
      Math.max(policy.minReplicas, decision.recommendations.scheduled ?? 0),
    );
    scaling.maxReplicas.set({ pool: decision.pool }, policy.maxReplicas);
    scaling.cost.set({ pool: decision.pool }, decision.costUsdPerHour);
    if (decision.utilisation !== null) scaling.utilization.set({ pool: decision.pool }, decision.utilisation);
    if (decision.forecast?.errorSmape != null)
      scaling.forecastError.set({ pool: decision.pool }, decision.forecast.errorSmape);
    this.decisions.add(decision);
    this.efficiency.record(decision, durationMs, policy.costPerReplicaHourUsd);
    return decision;
  }

  /** Keeps a tick's decisions in the store; a failure costs their history after a restart, never the tick. */
  private async keepDecisions(decisions: Decision[]): Promise<void> {
    try {
      await this.deps.store?.logs.append(DECISIONS, decisions, this.deps.env.AUTOSCALER_LOG_CAPACITY);
    } catch (error) {
      this.deps.logger.warn(
        { err: (error as Error).message, decisions: decisions.length },
        'decisions not stored (they stay in memory)',
      );
    }
  }

  /**
   * A pool's series exist from its first sample or policy, before its first decision: counters at 0 (so `increase()`
   * counts that decision), the forecast error NaN until it is measured.
   */
  private exportPool(pool: string): void {
    if (this.exportedPools.has(pool)) return;
    this.exportedPools.add(pool);
    const { scaling } = this;
    scaling.replacements.inc({ pool }, 0);
    for (const outcome of ['success', 'failure'])
      scaling.actuations.inc({ pool, actuator: this.deps.actuator.kind, outcome }, 0);
    for (const strategy of STRATEGIES)
      for (const direction of ['up', 'down', 'hold']) scaling.decisions.inc({ pool, strategy, direction }, 0);
    scaling.forecastError.set({ pool }, Number.NaN);
  }

  private async currentFromActuator(pools: string[]): Promise<Map<string, number>> {
    if (pools.length === 0) return new Map();
    try {
      return await this.deps.actuator.currentReplicas(pools);
    } catch (error) {
      this.deps.logger.warn(
        { err: (error as Error).message },
        'actuator could not tell the current replicas; using the agents reporting',
      );
      return new Map();
    }
  }

  /** Agents of the pool the registry does not hold for unresponsive; undefined without a store or agents. */
  private async registryCount(pool: string): Promise<number | undefined> {
    const store = this.deps.store;
    if (!store) return undefined;
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await store.agents.list({ pool }, { limit: 1000, ...(cursor ? { cursor } : {}) });
      count += page.items.filter((agent) => agent.status !== 'unresponsive').length;
      cursor = page.next;
    } while (cursor);
    return count > 0 ? count : undefined;
  }

  private async heal(at: number, replicas: ReadonlyMap<string, number>): Promise<void> {
    if (!this.healing) return;
    const { replacements, held } = this.healing.due(at, replicas);
    for (const pool of held)
      this.event(
        pool,
        'replacement-held',
        'medium',
        {},
        `replacements in ${pool} held back by the flapping guard (more than ${this.deps.env.AUTOSCALER_REPLACEMENTS_PER_PERIOD} per ${this.deps.env.AUTOSCALER_REPLACEMENT_PERIOD_SECONDS} s)`,
      );
    const actuator = this.deps.actuator;
    for (const { pool, agentIds } of replacements) {
      try {
        if (actuator.replace) await actuator.replace(pool, agentIds);
        else {
          const target = (replicas.get(pool) ?? 0) + agentIds.length;
          await actuator.scale({
            pool,
            replicas: target,
            reason: `self-healing: replacing ${agentIds.length} unresponsive agent(s)`,
          });
          this.controllers.get(pool)?.recordScale(at, target - agentIds.length, target);
        }
        this.scaling.actuations.inc({ pool, actuator: actuator.kind, outcome: 'success' });
        this.scaling.replacements.inc({ pool }, agentIds.length);
        this.event(
          pool,
          'agents-replaced',
          'medium',
          { agentIds, via: actuator.replace ? 'replace' : 'scale' },
          `replaced ${agentIds.length} agent(s) silent for over ${this.deps.env.AUTOSCALER_UNRESPONSIVE_SECONDS} s in ${pool}: ${agentIds.join(', ')}`,
        );
      } catch (error) {
        this.scaling.actuations.inc({ pool, actuator: actuator.kind, outcome: 'failure' });
        this.event(
          pool,
          'actuation-failed',
          'high',
          { agentIds, error: (error as Error).message },
          `replacing agents in ${pool} failed: ${(error as Error).message}`,
        );
      }
    }
  }

  private event(
    pool: string,
    type: AutoscalerEvent['type'],
    severity: AutoscalerEvent['severity'],
    evidence: Record<string, unknown>,
    explanation: string,
  ): void {
    const at = this.now();
    this.events.add({ id: `${type}-${at}-${++this.eventSeq}`, at, pool, type, severity, evidence, explanation });
  }

  /** Stops reading and deciding (an in-flight tick finishes first). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.subscription?.close();
    await this.running;
  }
}
