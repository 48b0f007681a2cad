import { performance } from 'node:perf_hooks';
import { DEFAULT_BEHAVIOR, DEFAULT_TOLERANCE, HorizontalAutoscaler, replicasForMetric } from '../hpa';
import { defaultPolicy, type Policy } from '../policy';
import { PoolController, type PoolObservation } from '../pool-controller';
import { serversForSlo } from '../queueing';
import { loadTrace, type LoadTrace, type TraceName, type TraceOptions } from './load-traces';
import { PoolModel } from './pool-model';

export type ScalerName = 'hpa' | 'combined' | 'oracle';

/** The pool every scaler is judged in (bench/pool-model.ts) and how the replay steps through a trace. */
export interface PoolSetup {
  /** Requests per second one replica serves (default 5). */
  serviceRate?: number;
  /** Seconds from asking for a replica to its serving (default 120). */
  startupSeconds?: number;
  /** The SLO: a minute's p95 latency at or under this (default 1 s). */
  sloSeconds?: number;
  /** Decision period of every scaler (default 15 s: the HPA's sync period). */
  tickSeconds?: number;
  /** Linear interpolation between trace points (default: each value holds until the next). */
  interpolate?: boolean;
  /**
   * Steps of a request's cost: from `atSeconds` on, a request costs `factor` × what it cost at the start, so a
   * replica serves serviceRate / factor (the scalers are not told; they see latency and CPU change).
   */
  costSteps?: ReadonlyArray<{ atSeconds: number; factor: number }>;
  /** Seed of the model's measurement noise. */
  seed?: number;
}

export interface ReplayResult {
  scaler: ScalerName;
  trace: string;
  sloViolationMinutes: number;
  replicaHours: number;
  scaleEvents: number;
  peakReplicas: number;
  /** Wall time of each decision (combined only): median and p99, ms (a busy machine's preemption included). */
  decisionMedianMs: number | null;
  decisionP99Ms: number | null;
  /** CPU time of each decision (process.cpuUsage: the decision's own work, without waiting for a core): p99, ms. */
  decisionCpuP99Ms: number | null;
}

/** Something that sets a pool's replicas once per tick. */
interface Scaler {
  decide(observation: PoolObservation, current: number, tick: number): number;
  recordScale(at: number, from: number, to: number): void;
  timings?: number[];
  cpuTimings?: number[];
}

const LIMIT = 100_000;

/** The Kubernetes HPA as a cluster runs it by default: 70 % CPU target, 10 % tolerance, default behaviour. */
function hpaAlone(): Scaler {
  const hpa = new HorizontalAutoscaler(DEFAULT_BEHAVIOR);
  return {
    decide(o, current) {
      const recommended =
        o.cpuPercent === undefined
          ? current
          : replicasForMetric(current, o.cpuPercent, 70, DEFAULT_TOLERANCE, o.agentsReporting);
      return hpa.step(o.at, current, recommended, 1, LIMIT).replicas;
    },
    recordScale: (at, from, to) => hpa.recordScale(at, from, to),
  };
}

/** The PoolController (every strategy, the default policy with the pool's SLO and start-up as lead time). */
function combined(policy: Policy): Scaler {
  const controller = new PoolController(policy);
  const timings: number[] = [];
  const cpuTimings: number[] = [];
  return {
    decide(o, current) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const desired = controller.decide(o, current).desired;
      timings.push(performance.now() - started);
      const used = process.cpuUsage(cpu);
      cpuTimings.push((used.user + used.system) / 1000);
      return desired;
    },
    recordScale: (at, from, to) => controller.recordScale(at, from, to),
    timings,
    cpuTimings,
  };
}

/** Knows the load: at each tick the most any tick needs until replicas asked now would serve (no violations). */
function oracle(needs: readonly number[], startupTicks: number): Scaler {
  return {
    decide(_o, _current, tick) {
      let most = 1;
      for (let j = tick + 1; j <= Math.min(needs.length - 1, tick + 1 + startupTicks); j++)
        most = Math.max(most, needs[j]!);
      return most;
    },
    recordScale: () => undefined,
  };
}

/**
 * The trace's load over the tick [seconds, seconds + tickSeconds): the mean of its points when they are finer than
 * the tick, else the point in force (held) or the line between the two around it (interpolated).
 */
export function loadAt(trace: LoadTrace, seconds: number, interpolate: boolean, tickSeconds = 0): number {
  const last = trace.rps.length - 1;
  if (trace.stepSeconds < tickSeconds) {
    const from = Math.min(last, Math.floor(seconds / trace.stepSeconds));
    const to = Math.min(last + 1, Math.max(from + 1, Math.floor((seconds + tickSeconds) / trace.stepSeconds)));
    let sum = 0;
    for (let i = from; i < to; i++) sum += trace.rps[i]!;
    return sum / (to - from);
  }
  const position = seconds / trace.stepSeconds;
  const i = Math.min(last, Math.floor(position));
  if (!interpolate || i >= last) return trace.rps[i]!;
  const f = position - i;
  return trace.rps[i]! * (1 - f) + trace.rps[i + 1]! * f;
}

/**
 * Replays a trace through the pool model under one scaler: every tick the pool serves the trace's load with the
 * replicas ready, reports what agents would, and the scaler sets the replicas (which serve after the start-up delay).
 * A minute violates the SLO when the p95 of all its requests (the mixture of its ticks' latency distributions,
 * weighted by arrivals) is over the SLO; replica-hours count every replica asked for, serving or starting.
 */
export function replay(
  trace: LoadTrace,
  which: ScalerName,
  setup: PoolSetup = {},
  policyOverrides: Partial<Policy> = {},
): ReplayResult {
  const mu = setup.serviceRate ?? 5;
  const startup = setup.startupSeconds ?? 120;
  const slo = setup.sloSeconds ?? 1;
  const tickSeconds = setup.tickSeconds ?? 15;
  const interpolate = setup.interpolate ?? false;
  const ticks = Math.floor((trace.rps.length * trace.stepSeconds) / tickSeconds);
  const loads = Array.from({ length: ticks }, (_, i) => loadAt(trace, i * tickSeconds, interpolate, tickSeconds));
  const steps = [...(setup.costSteps ?? [])].sort((a, b) => a.atSeconds - b.atSeconds);
  const rateAt = (i: number) => mu / (steps.filter((s) => s.atSeconds <= i * tickSeconds).at(-1)?.factor ?? 1);
  const rates = Array.from({ length: ticks }, (_, i) => rateAt(i));
  // One request alone takes ln 20 / μ at its p95 (exponential service): no replica count holds a tighter SLO.
  const slowest = Math.min(mu, ...rates);
  if (Math.log(20) / slowest > slo)
    throw new RangeError(
      `an SLO of ${slo} s cannot be held at ${slowest.toPrecision(3)} rps per replica (a lone request's p95 is ${(Math.log(20) / slowest).toPrecision(3)} s)`,
    );
  const needCache = new Map<string, number>();
  const needs = loads.map((load, i) => {
    const key = `${load}@${rates[i]}`;
    let need = needCache.get(key);
    if (need === undefined) needCache.set(key, (need = serversForSlo(load, rates[i]!, slo, LIMIT)));
    return need;
  });
  const startupTicks = Math.ceil(startup / tickSeconds);
  let initial = 1;
  for (let j = 0; j <= Math.min(ticks - 1, startupTicks); j++) initial = Math.max(initial, needs[j]!);
  const policy: Policy = {
    ...defaultPolicy('bench'),
    responseTimeSeconds: slo,
    leadTimeSeconds: startup,
    maxReplicas: LIMIT,
    ...policyOverrides,
  };
  const scaler = which === 'hpa' ? hpaAlone() : which === 'combined' ? combined(policy) : oracle(needs, startupTicks);
  const model = new PoolModel({
    serviceRate: rates[0] ?? mu,
    startupSeconds: startup,
    initialReplicas: initial,
    seed: setup.seed ?? 7,
  });
  const tickMs = tickSeconds * 1000;
  let replicaSeconds = 0;
  let scaleEvents = 0;
  let peakReplicas = initial;
  let violationMinutes = 0;
  let minute = -1;
  let minuteArrivals = 0;
  let minuteOver = 0;
  const closeMinute = () => {
    if (minuteArrivals > 0 ? minuteOver / minuteArrivals > 0.05 : false) violationMinutes++;
    minuteArrivals = 0;
    minuteOver = 0;
  };
  for (let i = 0; i < ticks; i++) {
    const at = i * tickMs;
    const thisMinute = Math.floor(at / 60_000);
    if (thisMinute !== minute) {
      closeMinute();
      minute = thisMinute;
    }
    if (i > 0 && rates[i] !== rates[i - 1]) model.setServiceRate(rates[i]!);
    replicaSeconds += model.replicas * tickSeconds;
    const served = model.serve(at, loads[i]!, tickMs);
    const arrivals = loads[i]! * tickSeconds;
    minuteArrivals += arrivals;
    minuteOver += arrivals * served.tail(slo);
    const current = model.replicas;
    const desired = Math.max(1, scaler.decide(served.observation, current, i));
    if (desired !== current) {
      model.setReplicas(at + tickMs, desired);
      scaler.recordScale(at + tickMs, current, desired);
      scaleEvents++;
      peakReplicas = Math.max(peakReplicas, desired);
    }
  }
  closeMinute();
  const sorted = scaler.timings ? [...scaler.timings].sort((a, b) => a - b) : undefined;
  const cpuSorted = scaler.cpuTimings ? [...scaler.cpuTimings].sort((a, b) => a - b) : undefined;
  return {
    scaler: which,
    trace: trace.name,
    sloViolationMinutes: violationMinutes,
    replicaHours: replicaSeconds / 3600,
    scaleEvents,
    peakReplicas,
    decisionMedianMs: sorted && sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)]! : null,
    decisionP99Ms:
      sorted && sorted.length > 0 ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]! : null,
    decisionCpuP99Ms:
      cpuSorted && cpuSorted.length > 0
        ? cpuSorted[Math.min(cpuSorted.length - 1, Math.floor(cpuSorted.length * 0.99))]!
        : null,
  };
}

/** HPA alone, the combined policy and the oracle on one trace, in the same pool. */
export function compare(
  trace: LoadTrace,
  setup: PoolSetup = {},
  policyOverrides: Partial<Policy> = {},
): Record<ScalerName, ReplayResult> {
  return {
    hpa: replay(trace, 'hpa', setup),
    combined: replay(trace, 'combined', setup, policyOverrides),
    oracle: replay(trace, 'oracle', setup),
  };
}

/** The same on one of the project's seeded traces. */
export function compareOnTrace(
  name: TraceName,
  options: TraceOptions = {},
  setup: PoolSetup = {},
): Record<ScalerName, ReplayResult> {
  return compare(loadTrace(name, options), setup);
}
