import type { StrategyName } from '@swarmscope/protocol';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { DEFAULT_BEHAVIOR, type HpaBehavior } from './hpa';

/** The strategies a policy may enable (the wire contract's names); the precedence that combines them is in pool-controller.ts. */
export const STRATEGIES = [
  'reactive',
  'predictive',
  'scheduled',
  'adaptive',
  'cost-optimised',
] as const satisfies readonly StrategyName[];
export type { StrategyName } from '@swarmscope/protocol';

const poolName = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty', abort: true })
  .max(128, { error: 'must be at most 128 characters', abort: true })
  .regex(/^[A-Za-z0-9._:-]+$/, 'may only hold letters, digits and . _ : -');

const percent = (fallback: number) =>
  z.number({ error: 'must be a number' }).gt(0, 'must be > 0').max(100, 'must be ≤ 100').default(fallback);

const cronExpression = z.string({ error: 'must be a string' }).superRefine((value, context) => {
  try {
    CronExpressionParser.parse(value, { strict: false });
  } catch (error) {
    context.addIssue({ code: 'custom', message: `is not a cron expression (${(error as Error).message})` });
  }
});

const timeZone = z.string().refine((value) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}, 'is not an IANA time zone');

/** While the current minute matches `cron` (in `timezone`), the pool keeps at least `minReplicas`. */
export const scheduleRuleSchema = z.strictObject({
  cron: cronExpression,
  minReplicas: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be ≥ 0'),
  timezone: timeZone.default('UTC'),
  name: z.string().max(128).optional(),
});
export type ScheduleRule = z.infer<typeof scheduleRuleSchema>;

const scalingRules = z.strictObject({
  stabilizationWindowSeconds: z.number().int('must be whole seconds').min(0, 'must be ≥ 0').max(3600, 'must be ≤ 3600'),
  selectPolicy: z.enum(['Max', 'Min', 'Disabled'], { error: 'must be Max, Min or Disabled' }),
  policies: z.array(
    z.strictObject({
      type: z.enum(['Pods', 'Percent'], { error: 'must be Pods or Percent' }),
      value: z.number().int('must be a whole number').positive('must be > 0'),
      periodSeconds: z.number().int('must be whole seconds').min(1, 'must be ≥ 1').max(1800, 'must be ≤ 1800'),
    }),
  ),
});

const policyFields = {
  pool: poolName,
  minReplicas: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be ≥ 1').default(1),
  maxReplicas: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be ≥ 1')
    .max(100_000, 'must be ≤ 100000')
    .default(1000),
  /** Reactive (HPA) target: mean CPU utilisation of the pool's agents, percent. */
  cpuScaleUpPercent: percent(70),
  /** Below it a reactive scale-down is taken; between the two the pool holds (hysteresis). */
  cpuScaleDownPercent: percent(30),
  memoryScaleUpPercent: percent(80),
  /** What 100% memory means for one agent. */
  memoryLimitBytes: z
    .number({ error: 'must be a number' })
    .positive('must be > 0')
    .default(2 * 1024 ** 3),
  /** The latency SLO: the pool's p95 response time must stay at or under it. */
  responseTimeSeconds: z
    .number({ error: 'must be a number' })
    .positive('must be > 0')
    .max(3600, 'must be ≤ 3600')
    .default(5),
  /** No scale-down until this long after the last scale-up (flap guard). */
  cooldownSeconds: z
    .number({ error: 'must be a number' })
    .min(0, 'must be ≥ 0')
    .max(86_400, 'must be ≤ 86400')
    .default(300),
  /** Provisioning lead time: how long a new agent takes to serve; the forecast looks this far ahead. */
  leadTimeSeconds: z
    .number({ error: 'must be a number' })
    .min(0, 'must be ≥ 0')
    .max(3600, 'must be ≤ 3600')
    .default(120),
  tolerance: z.number({ error: 'must be a number' }).min(0, 'must be ≥ 0').max(1, 'must be ≤ 1').default(0.1),
  costPerReplicaHourUsd: z.number({ error: 'must be a number' }).min(0, 'must be ≥ 0').default(0.1),
  /** What a minute of p95 over the SLO costs: cost-optimised weighs it against replica cost (cost.ts). */
  sloViolationMinuteUsd: z.number({ error: 'must be a number' }).min(0, 'must be ≥ 0').default(1),
  /** Optional budget: cost-optimised never plans above it (and says when the SLO is then at risk). */
  maxCostUsdPerHour: z.number({ error: 'must be a number' }).positive('must be > 0').optional(),
  strategies: z
    .array(z.enum(STRATEGIES, { error: `must be one of ${STRATEGIES.join(', ')}` }))
    .default([...STRATEGIES]),
  schedules: z.array(scheduleRuleSchema).max(100, 'must hold at most 100 rules').default([]),
  behavior: z.strictObject({ scaleUp: scalingRules, scaleDown: scalingRules }).default(DEFAULT_BEHAVIOR),
};

/** A pool's complete policy; every field has a default (the seed's), so `{ pool }` alone is valid. */
export const policySchema = z
  .object(policyFields)
  .refine((p) => p.minReplicas <= p.maxReplicas, { path: ['maxReplicas'], message: 'must be ≥ minReplicas' })
  .refine((p) => p.cpuScaleDownPercent < p.cpuScaleUpPercent, {
    path: ['cpuScaleDownPercent'],
    message: 'must be below cpuScaleUpPercent',
  });
export type Policy = z.infer<typeof policySchema> & { behavior: HpaBehavior };

/** `POST /policies`: the pool and the fields to change; the merged result is validated as a whole. */
export const policyPatchSchema = z
  .object({
    pool: poolName,
    ...Object.fromEntries(
      Object.entries(policyFields)
        .filter(([key]) => key !== 'pool')
        .map(([key, schema]) => [key, unwrapDefault(schema).optional()]),
    ),
  })
  .strict();

function unwrapDefault(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema;
}

export function defaultPolicy(pool: string): Policy {
  return policySchema.parse({ pool }) as Policy;
}
