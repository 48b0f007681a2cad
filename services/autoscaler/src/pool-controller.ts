/**
 * One pool's scaling decision: every strategy proposes, a fixed precedence combines, and the decision explains itself
 * with its numbers (forecast, capacity, predicted p95, cost).
 *
 * Precedence (each step may override the one before; the `reason` names every step that acted):
 *  1. Base count.
 *     - Capacity estimated and trusted (adaptive, capacity.ts): the per-replica service rate μ sizes an M/M/c queue
 *       for the p95 SLO (queueing.ts). Over the horizon a decision commits to (the lead time, i.e. the start-up
 *       delay, and one tick) the load is Normal(mean, sd): the higher of the current load and the short trend's
 *       level, its slope when significant (predictive), a backlog to drain within the lead time (Little's law on the
 *       latency the model does not explain), and the tick-to-tick noise growing as a random walk. Cost-optimised picks
 *       the count minimising replica cost + the price of expected SLO-violation minutes (cost.ts); without it, the
 *       fewest replicas holding the 99th percentile of that load.
 *     - Otherwise (cold start, or adaptive off): reactive, the Kubernetes HPA algorithm on CPU and memory against the
 *       policy's scale-up targets (no scale-down threshold: a backlog-free pool comes down as the HPA would).
 *  2. Scheduled: the highest active cron rule raises the floor above minReplicas.
 *  3. Bounds: [floor, maxReplicas] (and the budget, inside cost-optimised).
 *  4. Cooldown: no scale-down until cooldownSeconds after the last scale-up (with a trusted capacity at most the lead
 *     time: the plan already holds over it).
 *  5. HPA behaviour on the result: scale-down stabilisation window (with a trusted capacity at most the lead time),
 *     then the rate policies per period (scale-ups sized to demand still move at most this fast).
 * Time comes in as data: `decide(observation)` reads no clock.
 */
import { BacklogEstimate } from './backlog';
import type { DecidingStrategy, Decision, Direction, EvidenceVerdict } from '@swarmscope/protocol';
import { CapacityEstimator, type CapacityEstimate, type CapacityOptions } from './capacity';
import { cheapestReplicas, smallestHolding, type CostPlan, type LoadPoint } from './cost';
import { HorizontalAutoscaler, replicasForMetrics, type HpaBehavior, type MetricRatio } from './hpa';
import { LoadForecaster, type LoadForecasterOptions } from './load-forecaster';
import { burstScale, LoadGrowth } from './load-growth';
import { LoadTrend } from './load-trend';
import type { Policy, StrategyName } from './policy';
import { maxArrivalRate, meanSojourn, sojournQuantile } from './queueing';
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

// The decision is an API answer: its shape is the wire contract's (packages/protocol).
export type { DecidingStrategy, Decision, Direction } from '@swarmscope/protocol';

export interface PoolControllerOptions {
  forecaster?: LoadForecasterOptions;
  capacity?: CapacityOptions;
}

/** Without cost-optimised: the load quantile held (z of the 99th percentile). */
const Z_99 = 2.326;
/** Points the horizon is cut into (bounds the decision time). */
const HORIZON_POINTS = 8;
/** The trend's window, in ticks (load-trend.ts). */
const TREND_TICKS = 8;
/** Relative error of the M/M/c capacity model kept even when μ is known well (service-time shape, noise). */
const MODEL_ERROR = 0.02;
/** Relative grid of SLO·μ for the memo of `holds`, and how many grids are kept. */
const GRID = 1.01;
const HOLDS_MEMOS = 8;
/** Steps of the burst history's tail the cost search is offered above its convex optimum (cost.ts tries ≤ 32). */
const BURST_STEPS = 64;
/** Half-life of the pool's typical load (the unit of its burst history). */
const TYPICAL_HALF_LIFE_SECONDS = 6 * 3600;

export class PoolController {
  private readonly hpa: HorizontalAutoscaler;
  private readonly forecaster: LoadForecaster;
  private readonly estimator: CapacityEstimator;
  private readonly trend = new LoadTrend(TREND_TICKS);
  private readonly growth = new LoadGrowth();
  private readonly backlog = new BacklogEstimate();
  private readonly recentLoads: number[] = [];
  /** The pool's typical load: an EWMA with a 6-hour half-life (the unit bursts are counted in, load-growth.ts). */
  private typical: number | undefined;
  private readonly holdsMemo = new Map<number, Map<number, number>>();
  private lastScaleUpAt = -Infinity;
  private lastChangeAt = -Infinity;
  private lastCurrent: number | undefined;

  constructor(
    private policy: Policy,
    options: PoolControllerOptions = {},
  ) {
    this.hpa = new HorizontalAutoscaler(modelBehavior(policy));
    this.forecaster = new LoadForecaster(options.forecaster);
    this.estimator = new CapacityEstimator(options.capacity);
  }

  get pool(): string {
    return this.policy.pool;
  }

  setPolicy(policy: Policy): void {
    this.policy = policy;
    this.hpa.setBehavior(modelBehavior(policy));
  }

  /** The estimated capacity (adaptive), for the efficiency report. */
  capacity(at: number): CapacityEstimate | undefined {
    return this.estimator.estimate(at);
  }

  /** Learns from the observation, then decides the pool's replicas given its `current` count. */
  decide(observation: PoolObservation, current: number): Decision {
    const p = this.policy;
    const on = new Set<StrategyName>(p.strategies);
    const at = observation.at;
    const tickSeconds = Math.max(1, observation.durationMs / 1000);
    const ready = observation.agentsReporting;
    const serving = ready > 0 ? ready : current;
    const loadPerReplica = serving > 0 ? observation.loadRps / serving : 0;
    const hasLatency = observation.latencySamples > 0;
    const memoryPercent =
      observation.memoryBytes !== undefined ? (observation.memoryBytes / p.memoryLimitBytes) * 100 : undefined;
    const sloBreached = hasLatency && observation.latencyP95Seconds > p.responseTimeSeconds;

    // Settled: every replica asked for serves, and none was added or removed for two ticks (30 s at least).
    if (this.lastCurrent !== current || ready !== current) this.lastChangeAt = at;
    this.lastCurrent = current;
    const settled = at - this.lastChangeAt >= Math.max(30_000, 2 * observation.durationMs);

    this.forecaster.observe(at, observation.loadRps, observation.durationMs);
    this.trend.observe(at, observation.loadRps);
    const projected = this.trend.project();
    // The SLO is a minute's p95, and an M/M/c tail grows exponentially with the load: a minute is as bad as about its
    // busiest tick, so growth is learnt on the minute's peak tick (its mean hid a one-tick spike's violation).
    const minuteLoad = this.minutePeak(observation.loadRps, tickSeconds);
    const lineLevel = projected?.level ?? observation.loadRps;
    this.typical =
      this.typical === undefined
        ? observation.loadRps
        : this.typical +
          (1 - Math.pow(2, -tickSeconds / TYPICAL_HALF_LIFE_SECONDS)) * (observation.loadRps - this.typical);
    this.growth.observe(at, minuteLoad, lineLevel, p.leadTimeSeconds * 1000, burstScale(lineLevel, this.typical));
    const evidence: EvidenceVerdict = hasLatency
      ? this.estimator.observe({
          at,
          loadRps: observation.loadRps,
          ready,
          latencyMeanSeconds: observation.latencyMeanSeconds,
          latencyP95Seconds: observation.latencyP95Seconds,
          ...(observation.cpuPercent !== undefined ? { cpuPercent: observation.cpuPercent } : {}),
          sloSeconds: p.responseTimeSeconds,
          settled,
        })
      : 'no latency';

    const reasons: string[] = [];
    const recommendations: Partial<Record<StrategyName, number>> = {};
    const estimate = this.estimator.estimate(at);
    const trusted = on.has('adaptive') && estimate?.trusted === true;
    const forecast = on.has('predictive') ? this.forecaster.forecast(p.leadTimeSeconds) : undefined;

    // Reactive: the HPA on CPU and memory.
    const metrics: MetricRatio[] = [];
    if (observation.cpuPercent !== undefined)
      metrics.push({ name: 'cpu', value: observation.cpuPercent, target: p.cpuScaleUpPercent });
    if (memoryPercent !== undefined)
      metrics.push({ name: 'memory', value: memoryPercent, target: p.memoryScaleUpPercent });
    const reactive = replicasForMetrics(current, metrics, p.tolerance, serving);
    if (on.has('reactive')) recommendations.reactive = reactive.replicas;

    let base = current;
    let strategy: DecidingStrategy = 'reactive';
    let plan: Decision['plan'] = null;
    let holds: ((n: number) => number) | undefined;
    if (trusted && estimate) {
      const mu = estimate.serviceRate;
      // The SLO the model sizes for, corrected by the tail's shape — unless that puts it below a lone request's p95
      // (ln 20 / μ): then no count would hold it, every count would look equally bad and the cheapest would win while
      // a line builds. The model is wrong somewhere; it sizes for the SLO as stated instead.
      const calibrated = p.responseTimeSeconds / estimate.calibration;
      const feasible = calibrated * mu > Math.log(20) * (1 + MODEL_ERROR);
      const slo = feasible ? calibrated : p.responseTimeSeconds;
      if (!feasible)
        reasons.push(
          `p95 calibration ×${fmt(estimate.calibration)} not applied: it leaves ${fmt(calibrated)} s, under a lone request's p95 (${fmt(Math.log(20) / mu)} s)`,
        );
      holds = this.holdsFor(mu, slo);
      // Bounded exploration: the load now may not run a replica above the highest utilisation served + the step.
      const explorationFloor = Math.ceil(observation.loadRps / (estimate.utilisationCeiling * mu) - 1e-9);
      // A backlog the model does not explain (backlog.ts: Little's law at the queue's service rate, capped by the
      // arrivals beyond capacity since the overload began), drained within the lead time.
      this.backlog.observe(observation.loadRps, ready * mu, tickSeconds);
      let drain = 0;
      if (sloBreached && observation.latencyMeanSeconds > 0) {
        const modelled =
          ready > 0 && observation.loadRps < ready * mu ? meanSojourn(observation.loadRps, ready, mu) : 1 / mu;
        drain =
          this.backlog.requests(observation.latencyMeanSeconds - modelled, ready * mu) /
          Math.max(p.leadTimeSeconds, tickSeconds);
      }
      // A tick's load, white noise and all: a minute's p95 is over when about any one of its ticks is (cost.ts).
      const white = projected?.whiteStd ?? 0;
      const walk = projected?.walkStd ?? 0;
      // The line's level, unless this tick jumped off it (a burst or a drop is believed at once).
      const line = projected?.level ?? observation.loadRps;
      const tickWhite = projected?.whiteStd ?? 0;
      const jumped = Math.abs(observation.loadRps - line) > 3 * Math.sqrt(2 * tickWhite * tickWhite + walk * walk);
      const level = (jumped ? observation.loadRps : line) + drain;
      const slope = on.has('predictive') && !jumped ? (projected?.slopePerSecond ?? 0) : 0;
      // A replica asked now serves after the lead time; it is judged over as long again once serving.
      const horizonSeconds = 2 * p.leadTimeSeconds + tickSeconds;
      const trendSeconds = TREND_TICKS * tickSeconds;
      const step = Math.max(tickSeconds, horizonSeconds / HORIZON_POINTS);
      const horizon: LoadPoint[] = [];
      // The capacity model's own error (its standard error, at least MODEL_ERROR) as load uncertainty.
      const modelError = Math.max(MODEL_ERROR, estimate.relativeError);
      for (let offset = 0; offset < horizonSeconds; offset += step) {
        const ahead = offset + Math.min(step, horizonSeconds - offset);
        horizon.push({
          offsetSeconds: offset,
          weightSeconds: Math.min(step, horizonSeconds - offset),
          // A trend seen over the short window is extrapolated at most as far ahead as the window is long.
          mean: Math.max(0, level + slope * Math.min(ahead, trendSeconds)),
          sd: Math.sqrt(white * white + (walk * walk * ahead) / tickSeconds + (level * modelError) ** 2),
        });
      }
      const peak = horizon.reduce((m, point) => (point.mean + point.sd > m.mean + m.sd ? point : m), horizon[0]!);
      recommendations.adaptive = Math.max(explorationFloor, smallestHolding(holds, observation.loadRps, p.maxReplicas));
      if (on.has('predictive'))
        recommendations.predictive = Math.max(explorationFloor, smallestHolding(holds, peak.mean, p.maxReplicas));
      let costPlan: CostPlan | undefined;
      if (on.has('cost-optimised')) {
        const scale = burstScale(level, this.typical ?? level);
        costPlan = cheapestReplicas({
          horizon,
          serving: ready,
          startupSeconds: p.leadTimeSeconds,
          holds,
          costPerReplicaHourUsd: p.costPerReplicaHourUsd,
          sloViolationMinuteUsd: p.sloViolationMinuteUsd,
          minReplicas: 1,
          stableReplicas: Math.max(Math.floor(observation.loadRps / mu) + 1, explorationFloor),
          maxReplicas: p.maxReplicas,
          ...(p.maxCostUsdPerHour !== undefined ? { maxCostUsdPerHour: p.maxCostUsdPerHour } : {}),
          ticksPerMinute: Math.max(1, Math.round(60 / tickSeconds)),
          burstExceedance: (limit) => (scale > 0 ? this.growth.exceedance(1 + (limit - level) / scale) : 0),
          burstSteps: (above) =>
            scale > 0
              ? this.growth
                  .stepsAbove(1 + (above - level) / scale, BURST_STEPS)
                  .map((ratio) => level + (ratio - 1) * scale)
              : [],
        });
        base = costPlan.replicas;
        strategy = 'cost-optimised';
        recommendations['cost-optimised'] = base;
      } else {
        base = Math.max(explorationFloor, smallestHolding(holds, peak.mean + Z_99 * peak.sd, p.maxReplicas));
        strategy = on.has('predictive') && slope !== 0 ? 'predictive' : 'adaptive';
      }
      const predicted =
        ready > 0
          ? sojournQuantile(0.95, observation.loadRps, Math.min(base, Math.max(ready, base)), mu) * estimate.calibration
          : Infinity;
      plan = {
        horizonSeconds,
        loadRps: peak.mean,
        loadSdRps: peak.sd,
        drainRps: drain,
        predictedP95Seconds: Number.isFinite(predicted) ? predicted : null,
        replicaCostUsd: costPlan?.replicaCostUsd ?? 0,
        sloRiskUsd: costPlan?.sloRiskUsd ?? 0,
        expectedViolationMinutes: costPlan?.violationMinutes ?? 0,
      };
      reasons.push(
        `${strategy}: load ${fmt(observation.loadRps)} rps → ${fmt(peak.mean)} ± ${fmt(peak.sd)} rps within ${fmt(horizonSeconds)} s` +
          `${slope !== 0 ? ` (trend ${fmt(slope * 60)} rps/min)` : ''}${drain > 0 ? ` (incl. a backlog drain of ${fmt(drain)} rps)` : ''}` +
          `; μ ${fmt(mu)} rps per replica (median ${fmt(estimate.median)} ± ${fmt(estimate.relativeError * 100)}%, ${estimate.readings} readings, ` +
          `demonstrated ≥ ${fmt(estimate.demonstrated)}, p95 calibration ×${fmt(estimate.calibration)}, utilisation ≤ ${fmt(estimate.utilisationCeiling)})` +
          `; ${base} replicas hold p95 ≤ ${p.responseTimeSeconds} s up to ${fmt(holds(base))} rps${plan.predictedP95Seconds !== null ? ` (p95 now ${fmt(plan.predictedP95Seconds)} s)` : ''}` +
          (costPlan
            ? `; expected over the horizon $${fmt(costPlan.replicaCostUsd)} replicas + $${fmt(costPlan.sloRiskUsd)} SLO risk (${fmt(costPlan.violationMinutes)} violation-min at $${p.sloViolationMinuteUsd})` +
              `${costPlan.oneLess ? `, one fewer: $${fmt(costPlan.oneLess.replicaCostUsd)} + $${fmt(costPlan.oneLess.sloRiskUsd)}` : ''}` +
              `${costPlan.limitedBy ? `; capped by ${costPlan.limitedBy === 'budget' ? 'the budget' : 'maxReplicas'}, the SLO is at risk` : ''}`
            : ''),
      );
    } else {
      if (on.has('reactive')) {
        base = reactive.replicas;
        reasons.push(`reactive (HPA): ${describeMetrics(metrics)} → ${reactive.replicas}`);
      }
      if (on.has('adaptive'))
        reasons.push(
          `adaptive: capacity not trusted yet (${estimate ? `${estimate.readings} readings, μ ${fmt(estimate.median)}` : 'no readings'}; this tick: ${evidence})`,
        );
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
    const cooldownSeconds = usesModel(p) ? Math.min(p.cooldownSeconds, p.leadTimeSeconds) : p.cooldownSeconds;
    if (base < current && at - this.lastScaleUpAt < cooldownSeconds * 1000) {
      reasons.push(`cooldown: no scale-down within ${cooldownSeconds} s of the last scale-up`);
      base = current;
    }

    const step = this.hpa.step(at, current, base, floor, ceiling);
    if (step.stabilized !== base)
      reasons.push(
        `stabilisation window: held at ${step.stabilized} (highest recommendation over ${modelBehavior(p).scaleDown.stabilizationWindowSeconds} s)`,
      );
    if (step.limitedBy) reasons.push(`rate limit: ${step.limitedBy} → ${step.replicas}`);
    const desired = step.replicas;
    const direction: Direction = desired > current ? 'up' : desired < current ? 'down' : 'hold';

    const crossed: string[] = [];
    if (observation.cpuPercent !== undefined && observation.cpuPercent > p.cpuScaleUpPercent)
      crossed.push(`cpu>${p.cpuScaleUpPercent}`);
    if (observation.cpuPercent !== undefined && observation.cpuPercent < p.cpuScaleDownPercent)
      crossed.push(`cpu<${p.cpuScaleDownPercent}`);
    if (memoryPercent !== undefined && memoryPercent > p.memoryScaleUpPercent)
      crossed.push(`memory>${p.memoryScaleUpPercent}`);
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
      forecast: forecast
        ? {
            peakRps: forecast.peak,
            horizonSeconds: p.leadTimeSeconds,
            seasonal: forecast.seasonal,
            errorSmape: errorSmape ?? null,
          }
        : null,
      capacity: estimate
        ? {
            serviceRate: estimate.serviceRate,
            median: estimate.median,
            relativeError: estimate.relativeError,
            demonstrated: estimate.demonstrated,
            utilisationCeiling: estimate.utilisationCeiling,
            calibration: estimate.calibration,
            readings: estimate.readings,
            ageSeconds: estimate.ageSeconds,
            trusted,
            perReplicaRps: holds ? holds(Math.max(1, desired)) / Math.max(1, desired) : 0,
            evidence,
          }
        : null,
      plan,
      crossed,
      utilisation:
        trusted && estimate && serving > 0
          ? observation.loadRps / (serving * estimate.serviceRate)
          : observation.cpuPercent !== undefined
            ? observation.cpuPercent / 100
            : null,
      costUsdPerHour: desired * p.costPerReplicaHourUsd,
      sloMet: hasLatency ? !sloBreached : null,
      reason: `${direction === 'hold' ? `hold at ${current}` : `${direction} ${current} → ${desired}`} by ${strategy}: ${reasons.join('; ') || 'no strategy proposed a change'}`,
    };
  }

  /** The busiest tick's load over the last minute of ticks (the tick itself when ticks are a minute or longer). */
  private minutePeak(load: number, tickSeconds: number): number {
    this.recentLoads.push(load);
    const keep = Math.max(1, Math.round(60 / tickSeconds));
    while (this.recentLoads.length > keep) this.recentLoads.shift();
    return Math.max(...this.recentLoads);
  }

  /** Call after the actuator applied a change: the rate policies and the cooldown count from it. */
  recordScale(at: number, from: number, to: number): void {
    this.hpa.recordScale(at, from, to);
    this.lastChangeAt = at;
    if (to > from) this.lastScaleUpAt = at;
  }

  /**
   * The highest load n replicas serve within the SLO at μ. In units of the service time it depends on n and SLO·μ
   * alone (λmax = μ · n · ρmax(n, SLO·μ)): memoised per SLO·μ rounded down to 1 % (so the memo never promises
   * more), a few of them at once since μ wanders between neighbouring values.
   */
  private holdsFor(mu: number, slo: number): (n: number) => number {
    const scaled = Math.pow(GRID, Math.floor(Math.log(slo * mu) / Math.log(GRID)));
    let memo = this.holdsMemo.get(scaled);
    if (!memo) {
      memo = new Map<number, number>();
      this.holdsMemo.set(scaled, memo);
      if (this.holdsMemo.size > HOLDS_MEMOS) this.holdsMemo.delete(this.holdsMemo.keys().next().value!);
    }
    const table = memo;
    return (n) => {
      let perServer = table.get(n);
      if (perServer === undefined) {
        // μ = 1 and SLO = SLO·μ: the rate is in service rates per server.
        perServer = maxArrivalRate(n, 1, scaled) / n;
        table.set(n, perServer);
      }
      return perServer * n * mu;
    };
  }
}

/** Whether the capacity model may decide (it then plans over the lead time, and shorter holds suffice). */
function usesModel(policy: Policy): boolean {
  return policy.strategies.includes('adaptive');
}

/** The policy's behaviour; with the capacity model on, the scale-down window is at most the lead time. */
function modelBehavior(policy: Policy): HpaBehavior {
  if (!usesModel(policy)) return policy.behavior;
  const window = Math.min(policy.behavior.scaleDown.stabilizationWindowSeconds, Math.round(policy.leadTimeSeconds));
  return { ...policy.behavior, scaleDown: { ...policy.behavior.scaleDown, stabilizationWindowSeconds: window } };
}

function describeMetrics(metrics: readonly MetricRatio[]): string {
  if (metrics.length === 0) return 'no cpu or memory reported';
  return metrics.map((m) => `${m.name} ${fmt(m.value)}% / ${m.target}%`).join(', ');
}

/** Numbers in reasons: 3 significant digits, no exponent. */
function fmt(value: number): string {
  return Number(value.toPrecision(3)).toString();
}
