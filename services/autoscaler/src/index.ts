/** @swarmscope/autoscaler: scaling agent pools ahead of demand. */
// Pure strategy modules.
export {
  DEFAULT_BEHAVIOR,
  DEFAULT_TOLERANCE,
  HorizontalAutoscaler,
  replicasForMetric,
  replicasForMetrics,
} from './hpa';
export { HoltWinters, smapeTerm } from './holt-winters';
export { LoadForecaster } from './load-forecaster';
export { LoadTrend } from './load-trend';
export { scheduledFloor } from './schedule';
export { CapacityEstimator, serviceRateFromMeanSojourn } from './capacity';
export {
  erlangC,
  holdsSlo,
  maxArrivalRate,
  meanSojourn,
  serversForSlo,
  sojournQuantile,
  sojournTail,
} from './queueing';
export { cheapestReplicas, smallestHolding } from './cost';
export { PoolController } from './pool-controller';
export { STRATEGIES, defaultPolicy, policyPatchSchema, policySchema, scheduleRuleSchema } from './policy';
export { SelfHealing } from './self-healing';
export { EfficiencyTracker } from './efficiency';

export type {
  HpaBehavior,
  HpaStep,
  LimitReason,
  MetricRatio,
  ScalingPolicyRule,
  ScalingRules,
  SelectPolicy,
} from './hpa';
export type { HoltWintersOptions } from './holt-winters';
export type { LoadForecast, LoadForecasterOptions } from './load-forecaster';
export type { ScheduledFloor } from './schedule';
export type { CapacityEstimate, CapacityEvidence, CapacityOptions, EvidenceVerdict } from './capacity';
export type { CostInput, CostPlan, LoadPoint } from './cost';
export type { DecidingStrategy, Decision, Direction, PoolControllerOptions, PoolObservation } from './pool-controller';
export type { Policy, ScheduleRule, StrategyName } from './policy';
export type { Replacement, SelfHealingOptions } from './self-healing';
export type { PoolEfficiency } from './efficiency';

// Benchmark: traces, pool model, replay (the CLI's `swarmscope bench autoscaler`).
export { TRACE_NAMES, loadTrace } from './bench/load-traces';
export { PoolModel } from './bench/pool-model';
export { compare, compareOnTrace, loadAt, replay } from './bench/replay';
export { parseTraceCsv, scaleToMean, TraceFormatError } from './bench/trace-csv';
export type { LoadTrace, TraceName, TraceOptions } from './bench/load-traces';
export type { PoolModelOptions, PoolTick } from './bench/pool-model';
export type { PoolSetup, ReplayResult, ScalerName } from './bench/replay';

// Actuators.
export { ACTUATOR_KINDS, ActuationError } from './actuators/actuator';
export { DryRunActuator } from './actuators/dry-run-actuator';
export { SimulatorActuator } from './actuators/simulator-actuator';
export { WebhookActuator } from './actuators/webhook-actuator';
export { KubernetesActuator, parseTargets } from './actuators/kubernetes-actuator';
export { inClusterCredentials, kubeconfigCredentials, SERVICE_ACCOUNT_DIR } from './actuators/kubernetes-credentials';
export { actuatorFromEnv } from './actuators/from-env';
export type { Actuator, ActuatorKind, ScaleRequest } from './actuators/actuator';
export type { KubernetesActuatorOptions, WorkloadKind, WorkloadRef } from './actuators/kubernetes-actuator';
export type { KubernetesCredentials } from './actuators/kubernetes-credentials';

// The service edge.
export { Autoscaler, CONSUMER_GROUP, SERVICE_NAME } from './autoscaler';
export { createAutoscalerMetrics } from './autoscaler-metrics';
export { autoscalerEnv } from './env';
export { autoscalerInstance, runAutoscaler } from './run';
export { autoscalerService } from './service';
export type { AutoscalerDeps } from './autoscaler';
export type { AutoscalerMetrics } from './autoscaler-metrics';
export type { AutoscalerEvent } from './event-log';
export type { AutoscalerEnv } from './env';
export type { RunAutoscalerOptions, RunningAutoscaler } from './run';
