import type { ServiceRegistry } from '@swarmscope/core';
import { Counter, Gauge, Histogram } from 'prom-client';

/**
 * The autoscaler's Prometheus metrics (names are a contract with the Prometheus rules and Grafana panels): `pool` is a
 * label, never an agent; `strategy`, `direction`, `actuator` and `outcome` take a few fixed values.
 */
export function createAutoscalerMetrics(registry: ServiceRegistry) {
  const registers = [registry];
  const perPool = (name: string, help: string) => new Gauge({ name, help, labelNames: ['pool'] as const, registers });
  return {
    desiredReplicas: perPool(
      'swarmscope_autoscaler_desired_replicas',
      'Replicas the autoscaler decided for the pool (KEDA or an HPA external metric can act on it).',
    ),
    currentReplicas: perPool(
      'swarmscope_autoscaler_current_replicas',
      'Replicas the pool held when the autoscaler last decided.',
    ),
    minReplicas: perPool(
      'swarmscope_autoscaler_min_replicas',
      'Effective lower bound of the pool (policy minimum or an active schedule).',
    ),
    maxReplicas: perPool('swarmscope_autoscaler_max_replicas', 'Upper bound of the pool from its policy.'),
    decisions: new Counter({
      name: 'swarmscope_autoscaler_decisions_total',
      help: 'Scaling decisions, by the strategy that set the count and the direction (up, down, hold).',
      labelNames: ['pool', 'strategy', 'direction'] as const,
      registers,
    }),
    decisionDuration: new Histogram({
      name: 'swarmscope_autoscaler_decision_duration_seconds',
      help: 'Time from a threshold crossing observed (tick closed) to the actuated decision (actuator answered).',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    forecastError: perPool(
      'swarmscope_autoscaler_forecast_error_ratio',
      'sMAPE (0..2) of the load forecast at the lead-time horizon over recent buckets.',
    ),
    actuations: new Counter({
      name: 'swarmscope_autoscaler_actuations_total',
      help: 'Calls to the actuator, by outcome (success, failure).',
      labelNames: ['pool', 'actuator', 'outcome'] as const,
      registers,
    }),
    replacements: new Counter({
      name: 'swarmscope_autoscaler_replacements_total',
      help: 'Unresponsive agents replaced by self-healing.',
      labelNames: ['pool'] as const,
      registers,
    }),
    utilization: perPool(
      'swarmscope_autoscaler_utilization_ratio',
      'Pool utilisation: load over learnt capacity when trusted, else mean CPU / 100.',
    ),
    cost: perPool(
      'swarmscope_autoscaler_cost_usd_per_hour',
      'Cost of the decided replicas at the policy cost per replica-hour.',
    ),
  };
}
export type AutoscalerMetrics = ReturnType<typeof createAutoscalerMetrics>;
