import { DEFAULT_TOLERANCE, HorizontalAutoscaler, replicasForMetrics } from '../hpa';
import { defaultPolicy, type Policy } from '../policy';
import { PoolController, type PoolObservation } from '../pool-controller';
import { loadTrace, type LoadTrace, type TraceName, type TraceOptions } from './load-traces';
import { PoolModel, type PoolModelOptions } from './pool-model';

/** Something that sets a pool's replicas once per step. */
interface Scaler {
  decide(observation: PoolObservation, current: number): number;
  recordScale(at: number, from: number, to: number): void;
  forecastError(): number | undefined;
}

/** The plain Kubernetes HPA (hpa.ts) on CPU and memory at the policy's targets, default behaviour. */
function hpaAlone(policy: Policy): Scaler {
  const hpa = new HorizontalAutoscaler(policy.behavior);
  return {
    decide(o, current) {
      const metrics = [
        ...(o.cpuPercent !== undefined ? [{ name: 'cpu', value: o.cpuPercent, target: policy.cpuScaleUpPercent }] : []),
        ...(o.memoryBytes !== undefined ? [{ name: 'memory', value: (o.memoryBytes / policy.memoryLimitBytes) * 100, target: policy.memoryScaleUpPercent }] : []),
      ];
      return hpa.step(o.at, current, replicasForMetrics(current, metrics, DEFAULT_TOLERANCE, o.agentsReporting).replicas, policy.minReplicas, policy.maxReplicas).replicas;
    },
    recordScale: (at, from, to) => hpa.recordScale(at, from, to),
    forecastError: () => undefined,
  };
}

/** Every strategy through the documented precedence (pool-controller.ts). */
function combined(policy: Policy, buckets: number): Scaler {
  const controller = new PoolController(policy, { forecaster: { errorWindow: buckets } });
  let error: number | undefined;
  return {
    decide(o, current) {
      const decision = controller.decide(o, current);
      error = decision.forecast?.errorSmape ?? undefined;
      return decision.desired;
    },
    recordScale: (at, from, to) => controller.recordScale(at, from, to),
    forecastError: () => error,
  };
}

export interface ReplayResult {
  policy: 'hpa' | 'combined';
  trace: string;
  sloViolationMinutes: number;
  replicaHours: number;
  /** sMAPE of the load forecast at the lead-time horizon over the run (combined only). */
  forecastError: number | null;
  scaleEvents: number;
  peakReplicas: number;
}

export interface ReplayOptions extends TraceOptions {
  model?: Omit<PoolModelOptions, 'initialReplicas'>;
  policy?: Partial<Policy>;
}

/** Replays one trace through the pool model under one scaler; minutes with p95 over the SLO and replica-hours. */
export function replay(trace: LoadTrace, which: 'hpa' | 'combined', options: ReplayOptions = {}): ReplayResult {
  const startup = options.model?.startupSeconds ?? 90;
  const policy: Policy = { ...defaultPolicy('bench'), leadTimeSeconds: startup, ...options.policy };
  const stepMs = trace.stepSeconds * 1000;
  const perReplica = 1 / (options.model?.serviceTimeSeconds ?? 0.25);
  const initial = Math.max(policy.minReplicas, Math.ceil(trace.rps[0]! / (perReplica * 0.7)));
  const model = new PoolModel({ ...options.model, initialReplicas: initial });
  const scaler = which === 'hpa' ? hpaAlone(policy) : combined(policy, Math.ceil((trace.rps.length * trace.stepSeconds) / 60));
  let violationSeconds = 0;
  let replicaSeconds = 0;
  let scaleEvents = 0;
  let peakReplicas = initial;
  for (let i = 0; i < trace.rps.length; i++) {
    // Steps end at (i + 1) × step; the load of step i is served by the replicas ready during it.
    const at = (i + 1) * stepMs;
    const load = trace.rps[i]!;
    if (model.p95(at, load) > policy.responseTimeSeconds) violationSeconds += trace.stepSeconds;
    replicaSeconds += model.replicas * trace.stepSeconds;
    const current = model.replicas;
    const desired = scaler.decide(model.observe(at, load, stepMs), current);
    if (desired !== current) {
      model.setReplicas(at, desired);
      scaler.recordScale(at, current, desired);
      scaleEvents++;
      peakReplicas = Math.max(peakReplicas, desired);
    }
  }
  return {
    policy: which,
    trace: trace.name,
    sloViolationMinutes: violationSeconds / 60,
    replicaHours: replicaSeconds / 3600,
    forecastError: scaler.forecastError() ?? null,
    scaleEvents,
    peakReplicas,
  };
}

/** HPA alone and the combined policy on the same seeded trace. */
export function compareOnTrace(name: TraceName, options: ReplayOptions = {}): { hpa: ReplayResult; combined: ReplayResult } {
  const trace = loadTrace(name, options);
  return { hpa: replay(trace, 'hpa', options), combined: replay(trace, 'combined', options) };
}
