import { busConsumerVar, commonEnv, intVar, numberVar, urlVar } from '@swarmscope/core';
import { z } from 'zod';
import { ACTUATOR_KINDS } from './actuators/actuator';

/** autoscaler's environment; every variable is listed in docs/configuration.md (tools/cli/src/docs.test.ts checks). */
export const autoscalerEnv = commonEnv.extend({
  AUTOSCALER_PORT: intVar(0, 65535, 8083),
  /**
   * Seconds per decision tick. Samples are aggregated here from the bus `samples` topic rather than read from
   * health-monitor's `windows` topic: its 1-minute windows are too slow to act within a second of a threshold crossing.
   */
  AUTOSCALER_TICK_SECONDS: numberVar(1, 300, 10),
  AUTOSCALER_ACTUATOR: z
    .enum(ACTUATOR_KINDS, { error: `must be one of ${ACTUATOR_KINDS.join(', ')}` })
    .default('dry-run'),
  /** The simulator's control endpoint (AUTOSCALER_ACTUATOR=simulator). */
  SIMULATOR_CONTROL_URL: urlVar(['http:', 'https:']),
  SIMULATOR_API_KEY: z.string().min(1).optional(),
  /** AUTOSCALER_ACTUATOR=webhook. */
  AUTOSCALER_WEBHOOK_URL: urlVar(['http:', 'https:']),
  AUTOSCALER_WEBHOOK_TOKEN: z.string().min(1).optional(),
  /** AUTOSCALER_ACTUATOR=kubernetes: in-cluster service account unless KUBECONFIG (JSON) is set. */
  KUBECONFIG: z.string().min(1).optional(),
  KUBERNETES_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name')
    .optional(),
  /** `pool=deployment/name,pool2=statefulset/name`; unlisted pools scale the Deployment named like the pool. */
  KUBERNETES_TARGETS: z.string().default(''),
  /** An agent silent this long while its pool still reports is replaced (0 turns self-healing off). */
  AUTOSCALER_UNRESPONSIVE_SECONDS: numberVar(0, 86_400, 60),
  AUTOSCALER_REPLACEMENTS_PER_PERIOD: intVar(1, 10_000, 3),
  AUTOSCALER_REPLACEMENT_PERIOD_SECONDS: numberVar(1, 86_400, 600),
  AUTOSCALER_REPLACEMENT_BACKOFF_SECONDS: numberVar(1, 86_400, 300),
  AUTOSCALER_LOG_CAPACITY: intVar(100, 1_000_000, 10_000),
  BUS_CONSUMER: busConsumerVar(),
});
export type AutoscalerEnv = z.infer<typeof autoscalerEnv>;
