/**
 * One pool's scaling decision: every strategy proposes, a fixed precedence combines, and the decision explains itself.
 *
 * Precedence (each step may override the one before; the `reason` names every step that acted):
 *  1. Base count.
 *     - Capacity learnt and trusted (adaptive on): cost-optimised — the cheapest count holding the SLO for the higher
 *       of the current load and the forecast peak over the lead time (predictive); adaptive (current load over the
 *       learnt capacity) when cost-optimised is off. Scale-downs within the tolerance are skipped.
 *     - Otherwise (cold start): reactive, the Kubernetes HPA algorithm on CPU and memory against the policy's scale-up
 *       targets (a scale-down only once CPU is under its scale-down threshold: hysteresis); predictive raises it when the
 *       forecast peak over the lead time needs more (load per replica at the CPU target, as HPA would size it).
 *  2. SLO guard: when p95 latency breaches the SLO, or memory its target, reactive may raise the base (the capacity
 *     model may be stale; memory is not in it).
 *  3. Scheduled: the highest active cron rule raises the floor above minReplicas.
 *  4. Bounds: [floor, maxReplicas] (and the budget, inside cost-optimised).
 *  5. Cooldown: no scale-down until cooldownSeconds after the last scale-up.
 *  6. HPA behaviour on the result: scale-down stabilisation window, then the rate policies per period.
 * Time comes in as data: `decide(observation)` reads no clock.
 */
import { CapacityLearner, type CapacityEstimate, type CapacityOptions } from './capacity';
import { cheapestReplicas, type CostPlan } from './cost';
import { HorizontalAutoscaler, replicasForMetrics, type MetricRatio } from './hpa';
import { LoadForecaster, type LoadForecasterOptions } from './load-forecaster';
import { LoadTrend } from './load-trend';
import type { Policy, StrategyName } from './policy';
import { scheduledFloor } from './schedule';

/** What the edge measured for one pool over one tick. */
export interface PoolObservation {
  /** End of the tick, epoch ms. */
  at: number;
  durationMs: number;
  /** Requests per second over the tick. */
  loadRps: number;
  latencyMeanSeconds: number;
  latencyP95Seconds: number;
  /** Requests with a response time in the tick (0: the latency figures mean nothing). */
  latencySamples: number;
  /** Mean CPU utilisation of the reporting agents, percent; undefined when none reported it. */
  cpuPercent?: number;
  memoryBytes?: number;
  /** Agents that reported in the tick: the ones serving. */
  agentsReporting: number;
}

/** The strategy a decision's count came from (`bounds`: min/max replicas set it). */
export type DecidingStrategy = StrategyName | 'bounds';
export type Direction = 'up' | 'down' | 'hold';

export interface Decision {
  id: string;
  pool: string;
  at: number;
  current: number;
  desired: number;
  direction: Direction;
  strategy: DecidingStrategy;
  inputs: {
    loadRps: number;
    loadPerReplicaRps: number;
    latencyMeanSeconds: number | null;
    latencyP95Seconds: number | null;
    cpuPercent: number | null;
    memoryPercent: number | null;
    agentsReporting: number;
    servingReplicas: number;
  };
  /** What each enabled strategy proposed (before bounds, cooldown and rate limits). */
  recommendations: Partial<Record<StrategyName, number>>;
  forecast: { peakRps: number; horizonSeconds: number; seasonal: boolean; errorSmape: number | null } | null;
  capacity: { perReplicaRps: number; kind: CapacityEstimate['kind']; trusted: boolean } | null;
  /** The thresholds this tick crossed (`cpu>70`, `p95>5s`...): the decision-time histogram starts at them. */
  crossed: string[];
  /** Utilisation: load over learnt capacity when trusted, else CPU / 100. */
  utilisation: number | null;
  costUsdPerHour: number;
  sloMet: boolean | null;
  reason: string;
}

export interface PoolControllerOptions {
  forecaster?: LoadForecasterOptions;
  capacity?: CapacityOptions;
}

/** Residual standard deviations of tick-to-tick load kept as headroom. */
const NOISE_SIGMAS = 1.5;

export class PoolController {
  private readonly hpa: HorizontalAutoscaler;
  private readonly forecaster: LoadForecaster;
  private readonly learner: CapacityLearner;
  private readonly trend = new LoadTrend();
  private lastScaleUpAt = -Infinity;

  constructor(
    private policy: Policy,
    options: PoolControllerOptions = {},
  ) {
    this.hpa = new HorizontalAutoscaler(policy.behavior);
    this.forecaster = new LoadForecaster(options.forecaster);
    this.learner = new CapacityLearner(options.capacity);
  }

  get pool(): string {
    return this.policy.pool;
  }

  setPolicy(policy: Policy): void {
    this.policy = policy;
    this.hpa.setBehavior(policy.behavior);
  }

  /** The learnt capacity (adaptive), for the efficiency report. */
  capacity(): CapacityEstimate | undefined {
    return this.learner.estimate(this.policy.responseTimeSeconds);
  }

  /** Learns from the observation, then decides the pool's replicas given its `current` count. */
  decide(observation: PoolObservation, current: number): Decision {
    const p = this.policy;
    const on = new Set<StrategyName>(p.strategies);
    const at = observation.at;
    const serving = observation.agentsReporting > 0 ? observation.agentsReporting : current;
    const loadPerReplica = serving > 0 ? observation.loadRps / serving : 0;
    const hasLatency = observation.latencySamples > 0;
    const memoryPercent = observation.memoryBytes !== undefined ? (observation.memoryBytes / p.memoryLimitBytes) * 100 : undefined;
    const sloBreached = hasLatency && observation.latencyP95Seconds > p.responseTimeSeconds;

    this.forecaster.observe(at, observation.loadRps, observation.durationMs);
    this.trend.observe(at, observation.loadRps);
    if (hasLatency) this.learner.observe(loadPerReplica, observation.latencyP95Seconds, p.responseTimeSeconds);

    const reasons: string[] = [];
    const recommendations: Partial<Record<StrategyName, number>> = {};
    const estimate = this.learner.estimate(p.responseTimeSeconds);
    const trusted = on.has('adaptive') && estimate?.trusted === true;
    const forecast = on.has('predictive') ? this.forecaster.forecast(p.leadTimeSeconds) : undefined;
    // The load to provision for: at least the current load; else the higher of the seasonal forecast's peak and the
    // short trend over the lead time,
    // plus 1.5 standard deviations of tick-to-tick noise (the rest is left to the SLO guard and the headroom).
    const projected = on.has('predictive') ? this.trend.project(p.leadTimeSeconds) : undefined;
    const planLoad = Math.max(observation.loadRps, projected ? Math.max(forecast?.peak ?? 0, projected.load) + NOISE_SIGMAS * projected.noiseStd : (forecast?.peak ?? 0));

    // Reactive: the HPA on CPU and memory, with the scale-down hysteresis.
    const metrics: MetricRatio[] = [];
    if (observation.cpuPercent !== undefined) metrics.push({ name: 'cpu', value: observation.cpuPercent, target: p.cpuScaleUpPercent });
    if (memoryPercent !== undefined) metrics.push({ name: 'memory', value: memoryPercent, target: p.memoryScaleUpPercent });
    let reactive = replicasForMetrics(current, metrics, p.tolerance, serving);
    let hysteresis = false;
    if (reactive.replicas < current && (observation.cpuPercent ?? 0) >= p.cpuScaleDownPercent) {
      reactive = { replicas: current };
      hysteresis = true;
    }
    if (on.has('reactive')) recommendations.reactive = reactive.replicas;

    let base = current;
    let strategy: DecidingStrategy = 'reactive';
    let costPlan: CostPlan | undefined;
    if (trusted && estimate) {
      const usable = estimate.perReplica * (1 - p.headroom);
      const adaptive = Math.max(1, Math.ceil(observation.loadRps / usable - 1e-9));
      recommendations.adaptive = adaptive;
      if (forecast || projected) recommendations.predictive = Math.ceil(planLoad / usable - 1e-9);
      if (on.has('cost-optimised')) {
        costPlan = cheapestReplicas({
          load: planLoad,
          perReplicaCapacity: estimate.perReplica,
          headroom: p.headroom,
          costPerReplicaHourUsd: p.costPerReplicaHourUsd,
          minReplicas: 1,
          maxReplicas: p.maxReplicas,
          ...(p.maxCostUsdPerHour !== undefined ? { maxCostUsdPerHour: p.maxCostUsdPerHour } : {}),
        });
        recommendations['cost-optimised'] = costPlan.replicas;
        base = costPlan.replicas;
        strategy = 'cost-optimised';
        reasons.push(
          `cost-optimised: ${costPlan.replicas} replicas hold p95 ≤ ${p.responseTimeSeconds} s for ${fmt(planLoad)} rps` +
            `${planLoad > observation.loadRps ? ` (forecast peak ${fmt(forecast?.peak ?? 0)}, trend ${fmt(projected?.load ?? 0)} over the lead time, + ${NOISE_SIGMAS} × noise ${fmt(projected?.noiseStd ?? 0)})` : ''}` +
            ` at ${fmt(estimate.perReplica)} rps per replica learnt, ${Math.round(p.headroom * 100)}% headroom` +
            `${costPlan.holdsSlo ? '' : `; capped by ${costPlan.limitedBy === 'budget' ? 'the budget' : 'maxReplicas'}, the SLO is at risk`}`,
        );
      } else {
        base = Math.max(adaptive, recommendations.predictive ?? 0);
        strategy = (recommendations.predictive ?? 0) > adaptive ? 'predictive' : 'adaptive';
        reasons.push(`${strategy}: ${base} replicas at ${fmt(estimate.perReplica)} rps per replica learnt, ${Math.round(p.headroom * 100)}% headroom`);
      }
      if (base < current && base >= current * (1 - p.tolerance)) {
        reasons.push(`scale-down to ${base} within the ${Math.round(p.tolerance * 100)}% tolerance: held`);
        base = current;
      }
      const guard = sloBreached || (memoryPercent !== undefined && memoryPercent > p.memoryScaleUpPercent);
      if (on.has('reactive') && guard && reactive.replicas > base) {
        base = reactive.replicas;
        strategy = 'reactive';
        reasons.push(`SLO guard: ${sloBreached ? `p95 ${fmt(observation.latencyP95Seconds)} s > ${p.responseTimeSeconds} s` : `memory ${fmt(memoryPercent ?? 0)}% > ${p.memoryScaleUpPercent}%`}, reactive asks ${reactive.replicas}`);
      }
    } else {
      if (on.has('reactive')) {
        base = reactive.replicas;
        reasons.push(
          `reactive (HPA): ${describeMetrics(metrics)} → ${reactive.replicas}` +
            `${hysteresis ? ` (scale-down waits for cpu < ${p.cpuScaleDownPercent}%)` : ''}`,
        );
      }
      const perReplicaAtTarget = observation.cpuPercent && loadPerReplica > 0 ? (loadPerReplica * p.cpuScaleUpPercent) / observation.cpuPercent : undefined;
      if (forecast && perReplicaAtTarget) {
        let predictive = Math.ceil(forecast.peak / perReplicaAtTarget - 1e-9);
        if (Math.abs(predictive / Math.max(1, current) - 1) <= p.tolerance) predictive = current;
        recommendations.predictive = predictive;
        if (predictive > base) {
          base = predictive;
          strategy = 'predictive';
          reasons.push(`predictive: forecast peak ${fmt(forecast.peak)} rps within ${p.leadTimeSeconds} s needs ${predictive} at ${fmt(perReplicaAtTarget)} rps per replica (cpu ${p.cpuScaleUpPercent}%)`);
        }
      }
      if (estimate && on.has('adaptive')) reasons.push(`adaptive: capacity not trusted yet (${estimate.kind} ${fmt(estimate.perReplica)} rps per replica)`);
    }

    let floor = p.minReplicas;
    if (on.has('scheduled')) {
      const scheduled = scheduledFloor(p.schedules, at);
      if (scheduled) {
        recommendations.scheduled = scheduled.minReplicas;
        floor = Math.max(floor, scheduled.minReplicas);
        if (base < scheduled.minReplicas) {
          base = scheduled.minReplicas;
          strategy = 'scheduled';
          reasons.push(`scheduled: rule ${JSON.stringify(scheduled.rule)} keeps at least ${scheduled.minReplicas}`);
        }
      }
    }
    const ceiling = Math.max(floor, p.maxReplicas);
    if (base < floor || base > ceiling) {
      base = Math.min(ceiling, Math.max(floor, base));
      strategy = 'bounds';
      reasons.push(`bounds: kept within [${floor}, ${ceiling}]`);
    }
    if (base < current && at - this.lastScaleUpAt < p.cooldownSeconds * 1000) {
      reasons.push(`cooldown: no scale-down within ${p.cooldownSeconds} s of the last scale-up`);
      base = current;
    }

    const step = this.hpa.step(at, current, base, floor, ceiling);
    if (step.stabilized !== base) reasons.push(`stabilisation window: held at ${step.stabilized} (highest recommendation over ${p.behavior.scaleDown.stabilizationWindowSeconds} s)`);
    if (step.limitedBy) reasons.push(`rate limit: ${step.limitedBy} → ${step.replicas}`);
    const desired = step.replicas;
    const direction: Direction = desired > current ? 'up' : desired < current ? 'down' : 'hold';

    const crossed: string[] = [];
    if (observation.cpuPercent !== undefined && observation.cpuPercent > p.cpuScaleUpPercent) crossed.push(`cpu>${p.cpuScaleUpPercent}`);
    if (observation.cpuPercent !== undefined && observation.cpuPercent < p.cpuScaleDownPercent) crossed.push(`cpu<${p.cpuScaleDownPercent}`);
    if (memoryPercent !== undefined && memoryPercent > p.memoryScaleUpPercent) crossed.push(`memory>${p.memoryScaleUpPercent}`);
    if (sloBreached) crossed.push(`p95>${p.responseTimeSeconds}s`);

    const errorSmape = this.forecaster.error();
    return {
      id: `${p.pool}@${at}`,
      pool: p.pool,
      at,
      current,
      desired,
      direction,
      strategy,
      inputs: {
        loadRps: observation.loadRps,
        loadPerReplicaRps: loadPerReplica,
        latencyMeanSeconds: hasLatency ? observation.latencyMeanSeconds : null,
        latencyP95Seconds: hasLatency ? observation.latencyP95Seconds : null,
        cpuPercent: observation.cpuPercent ?? null,
        memoryPercent: memoryPercent ?? null,
        agentsReporting: observation.agentsReporting,
        servingReplicas: serving,
      },
      recommendations,
      forecast: forecast ? { peakRps: forecast.peak, horizonSeconds: p.leadTimeSeconds, seasonal: forecast.seasonal, errorSmape: errorSmape ?? null } : null,
      capacity: estimate ? { perReplicaRps: estimate.perReplica, kind: estimate.kind, trusted } : null,
      crossed,
      utilisation: trusted && estimate ? loadPerReplica / estimate.perReplica : observation.cpuPercent !== undefined ? observation.cpuPercent / 100 : null,
      costUsdPerHour: desired * p.costPerReplicaHourUsd,
      sloMet: hasLatency ? !sloBreached : null,
      reason: `${direction === 'hold' ? `hold at ${current}` : `${direction} ${current} → ${desired}`} by ${strategy}: ${reasons.join('; ') || 'no strategy proposed a change'}`,
    };
  }

  /** Call after the actuator applied a change: the rate policies and the cooldown count from it. */
  recordScale(at: number, from: number, to: number): void {
    this.hpa.recordScale(at, from, to);
    if (to > from) this.lastScaleUpAt = at;
  }
}

function describeMetrics(metrics: readonly MetricRatio[]): string {
  if (metrics.length === 0) return 'no cpu or memory reported';
  return metrics.map((m) => `${m.name} ${fmt(m.value)}% / ${m.target}%`).join(', ');
}

/** Numbers in reasons: 3 significant digits, no exponent. */
function fmt(value: number): string {
  return Number(value.toPrecision(3)).toString();
}
