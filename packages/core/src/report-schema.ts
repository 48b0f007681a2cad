import {
  AGENT_ID_PATTERN,
  AMOUNT_METRICS,
  COUNT_METRICS,
  INTERACTION_KINDS,
  INTERACTION_OUTCOMES,
  NAME_PATTERN,
  QUALITY_SCORES,
  REPORT_DEFAULTS,
  REPORT_LIMITS,
  type Interaction,
  type Report,
} from '@swarmscope/protocol';
import { z } from 'zod';
import { MAX_METRIC_MAGNITUDE, metricValue } from './validation';

// The one schema of an agent's report, for every route that takes one: health-monitor's ingest and register,
// anomaly-detector's /detect, emergence-detector's /analyze. Objects are strict (an unknown key, e.g. `metric` for
// `metrics`, is refused with its path, never dropped).

// The limits, names and enums are the wire contract's (@swarmscope/protocol), which the SDK checks against too.
export { REPORT_DEFAULTS, REPORT_LIMITS };

export const agentIdSchema = z
  .string({ error: 'must be a string' })
  // abort: one message per problem (an empty id is not also "bad characters").
  .min(1, { error: 'must not be empty', abort: true })
  .max(REPORT_LIMITS.idLength, { error: `must be at most ${REPORT_LIMITS.idLength} characters`, abort: true })
  .regex(AGENT_ID_PATTERN, 'may only hold letters, digits and . _ : -');

const labelSchema = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(REPORT_LIMITS.idLength, `must be at most ${REPORT_LIMITS.idLength} characters`);
/**
 * Pools are names other services act on (autoscaler policies, `/policies/:pool`, Kubernetes targets): the id charset,
 * so a pool name one service accepts is one every service can use.
 */
const poolSchema = agentIdSchema;

/** The problem with a metric or quality name, or undefined when it is a good one. */
function nameProblem(name: string): string | undefined {
  if (name.length > REPORT_LIMITS.nameLength) return `name must be at most ${REPORT_LIMITS.nameLength} characters`;
  if (!NAME_PATTERN.test(name)) return 'name must be snake_case ([a-z][a-z0-9_]*)';
  return undefined;
}

/**
 * Metric and quality names the compiled check has found good, so a name seen before costs one Set lookup, not a
 * pattern match (a fleet sends the same few names in every report; JSON.parse interns object keys). Bounded: past
 * GOOD_NAMES_KEPT names (a client inventing names) new ones are matched every time, as before.
 */
const goodNames = new Set<string>();
const GOOD_NAMES_KEPT = 10_000;

function isGoodName(name: string): boolean {
  if (goodNames.has(name)) return true;
  if (nameProblem(name) !== undefined) return false;
  if (goodNames.size < GOOD_NAMES_KEPT) goodNames.add(name);
  return true;
}

/** Names whose values are counts (whole, ≥ 0) or amounts (≥ 0). Custom metrics need only be finite. */
const COUNTS: ReadonlySet<string> = new Set(COUNT_METRICS);
const AMOUNTS: ReadonlySet<string> = new Set(AMOUNT_METRICS);

/** The problem with a standard metric's value (a count or an amount), or undefined; custom metrics need only be finite. */
function standardValueProblem(name: string, value: number): string | undefined {
  if (COUNTS.has(name) && !(Number.isInteger(value) && value >= 0)) return 'must be a whole number ≥ 0';
  if (AMOUNTS.has(name) && value < 0) return 'must be ≥ 0';
  return undefined;
}
/** The standard metric and quality names (the data model's); every other name is a custom series of its agent. */
export const STANDARD_NAMES: ReadonlySet<string> = new Set([...COUNTS, ...AMOUNTS, ...QUALITY_SCORES]);

/**
 * A name → value map refuses the key `__proto__`: zod's object and record parsers skip it without an issue (so a
 * report with it would be accepted with the value silently gone), and it is never a good metric, label or tool name.
 */
function withoutProtoKey<S extends z.ZodType>(schema: S) {
  return z.preprocess((value, context) => {
    if (typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__')) {
      context.addIssue({
        code: 'custom',
        path: ['__proto__'],
        message: 'a reserved name (__proto__), not allowed here',
        input: value,
      });
    }
    return value;
  }, schema);
}

// JSON has no NaN or Infinity, but a client may send 1e308: bounded, so sums over the fleet stay finite.
const finite = metricValue;

// Name → value maps are objects with a catchall whose names are checked in the refinement: the same maps as
// `z.record(name, value)`, but half the cost (zod compiles object schemas; a record runs a schema per key), and every
// report of every agent passes here.
export const metricsSchema = withoutProtoKey(
  z
    .object({})
    .catchall(finite)
    .superRefine((metrics, context) => {
      const names = Object.keys(metrics);
      if (names.length > REPORT_LIMITS.metricsPerReport)
        context.addIssue({ code: 'custom', message: `at most ${REPORT_LIMITS.metricsPerReport} metrics per report` });
      for (const name of names) {
        const problem = nameProblem(name) ?? standardValueProblem(name, metrics[name]!);
        if (problem) context.addIssue({ code: 'custom', path: [name], message: problem });
      }
      if (metrics.errors !== undefined && metrics.requests !== undefined && metrics.errors > metrics.requests) {
        context.addIssue({
          code: 'custom',
          path: ['errors'],
          message: `must not exceed requests (${metrics.requests})`,
        });
      }
    }),
);

export const qualitySchema = withoutProtoKey(
  z
    .object({})
    .catchall(finite.min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'))
    .superRefine((quality, context) => {
      const names = Object.keys(quality);
      if (names.length > REPORT_LIMITS.qualityPerReport)
        context.addIssue({
          code: 'custom',
          message: `at most ${REPORT_LIMITS.qualityPerReport} quality scores per report`,
        });
      for (const name of names) {
        const problem = nameProblem(name);
        if (problem) context.addIssue({ code: 'custom', path: [name], message: problem });
      }
    }),
);

const count = finite.int('must be a whole number ≥ 0').min(0, 'must be a whole number ≥ 0');

const toolUsageSchema = z
  .strictObject(
    {
      calls: count,
      errors: count.optional(),
      durationSeconds: finite.min(0, 'must be ≥ 0').optional(),
    },
    { error: 'must be an object {"calls", "errors?", "durationSeconds?"}' },
  )
  .superRefine((usage, context) => {
    if (usage.errors !== undefined && usage.errors > usage.calls)
      context.addIssue({ code: 'custom', path: ['errors'], message: `must not exceed calls (${usage.calls})` });
  });

/** Tool (function) usage by tool name: the per-name breakdown of `tool_calls`. Name problems are reported at `tools`. */
export const toolsSchema = withoutProtoKey(
  z
    .record(z.string(), toolUsageSchema, {
      // Only for the map itself: the usages keep their own messages.
      error: (issue) =>
        issue.code === 'invalid_type'
          ? 'must be an object of tool name → {"calls", "errors?", "durationSeconds?"}'
          : undefined,
    })
    .superRefine((tools, context) => {
      const names = Object.keys(tools);
      if (names.length > REPORT_LIMITS.toolsPerReport)
        context.addIssue({
          code: 'custom',
          message: `at most ${REPORT_LIMITS.toolsPerReport} tools per report, got ${names.length}`,
        });
      for (const name of names) {
        if (name.length === 0) context.addIssue({ code: 'custom', message: 'tool name must not be empty' });
        else if (name.length > REPORT_LIMITS.toolNameLength) {
          context.addIssue({
            code: 'custom',
            message: `tool name must be at most ${REPORT_LIMITS.toolNameLength} characters, got ${name.length} ("${name.slice(0, 32)}…")`,
          });
        }
      }
    }),
);

export const labelsSchema = withoutProtoKey(
  z
    .record(
      z.string().max(REPORT_LIMITS.nameLength, `label name must be at most ${REPORT_LIMITS.nameLength} characters`),
      z.string().max(REPORT_LIMITS.labelValueLength, `must be at most ${REPORT_LIMITS.labelValueLength} characters`),
    )
    .refine(
      (labels) => Object.keys(labels).length <= REPORT_LIMITS.labelsPerAgent,
      `at most ${REPORT_LIMITS.labelsPerAgent} labels`,
    ),
);

const timestampSchema = z
  .number({ error: 'must be a number (epoch milliseconds)' })
  .int('must be whole epoch milliseconds');

/** One report of the batch path, as the SDK sends it. */
export const reportSchema = z.strictObject({
  agentId: agentIdSchema,
  timestamp: timestampSchema.optional(),
  model: labelSchema.optional(),
  pool: poolSchema.optional(),
  type: labelSchema.optional(),
  labels: labelsSchema.optional(),
  metrics: metricsSchema.optional(),
  quality: qualitySchema.optional(),
  tools: toolsSchema.optional(),
});
export type ReportInput = z.infer<typeof reportSchema>;

// The ingest fast path. zod parses a report into a new object tree, field by field (16–18 % of health-monitor's CPU
// at 200k samples/s, and most of its garbage); `isPlainValidReport` checks the same rules in place and allocates
// nothing. It is a conservative subset: true only for a report `reportSchema` accepts unchanged (every rule above, from
// the same limits, patterns and value checks), false for anything it is not sure of, which then goes through
// `reportSchema` for the verdict and the messages naming each field. report-schema.test.ts fuzzes the agreement.

const REPORT_KEYS: ReadonlySet<string> = new Set(Object.keys(reportSchema.shape));

/** A JSON object as JSON.parse makes it: not null, not an array, a plain prototype (Object.prototype, of any realm). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as object | null;
  return prototype !== null && Object.getPrototypeOf(prototype) === null;
}

const isBoundedNumber = (value: unknown): value is number =>
  typeof value === 'number' && value >= -MAX_METRIC_MAGNITUDE && value <= MAX_METRIC_MAGNITUDE;

const isId = (value: unknown): boolean =>
  typeof value === 'string' &&
  value.length >= 1 &&
  value.length <= REPORT_LIMITS.idLength &&
  AGENT_ID_PATTERN.test(value);
const isLabel = (value: unknown): boolean =>
  typeof value === 'string' && value.length >= 1 && value.length <= REPORT_LIMITS.idLength;
const isCount = (value: unknown): boolean => isBoundedNumber(value) && Number.isSafeInteger(value) && value >= 0;

function isPlainValidMetrics(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  let names = 0;
  for (const name in value) {
    const number = value[name];
    if (
      ++names > REPORT_LIMITS.metricsPerReport ||
      !isBoundedNumber(number) ||
      !isGoodName(name) ||
      standardValueProblem(name, number) !== undefined
    )
      return false;
  }
  const { errors, requests } = value as Record<string, number | undefined>;
  return errors === undefined || requests === undefined || errors <= requests;
}

function isPlainValidQuality(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  let names = 0;
  for (const name in value) {
    const score = value[name];
    if (
      ++names > REPORT_LIMITS.qualityPerReport ||
      typeof score !== 'number' ||
      !(score >= 0 && score <= 1) ||
      !isGoodName(name)
    )
      return false;
  }
  return true;
}

function isPlainValidTools(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  let names = 0;
  for (const name in value) {
    const usage = value[name];
    if (
      ++names > REPORT_LIMITS.toolsPerReport ||
      name.length === 0 ||
      name.length > REPORT_LIMITS.toolNameLength ||
      name === '__proto__' ||
      !isPlainObject(usage)
    )
      return false;
    for (const key in usage) if (key !== 'calls' && key !== 'errors' && key !== 'durationSeconds') return false;
    const { calls, errors, durationSeconds } = usage;
    if (!isCount(calls) || (errors !== undefined && !(isCount(errors) && (errors as number) <= (calls as number))))
      return false;
    if (durationSeconds !== undefined && !(isBoundedNumber(durationSeconds) && durationSeconds >= 0)) return false;
  }
  return true;
}

function isPlainValidLabels(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  let names = 0;
  for (const name in value) {
    const label = value[name];
    if (++names > REPORT_LIMITS.labelsPerAgent || name.length > REPORT_LIMITS.nameLength || name === '__proto__')
      return false;
    if (typeof label !== 'string' || label.length > REPORT_LIMITS.labelValueLength) return false;
  }
  return true;
}

/**
 * Whether `value` is a report `reportSchema` accepts as it is, checked without allocating: the ingest path keeps the
 * object itself. False means "not sure": parse it with `reportSchema` for the verdict and the field messages.
 */
export function isPlainValidReport(value: unknown): value is ReportInput {
  if (!isPlainObject(value)) return false;
  for (const key in value) if (!REPORT_KEYS.has(key)) return false;
  const { agentId, timestamp, model, pool, type, labels, metrics, quality, tools } = value;
  return (
    isId(agentId) &&
    (timestamp === undefined || (typeof timestamp === 'number' && Number.isSafeInteger(timestamp))) &&
    (model === undefined || isLabel(model)) &&
    (pool === undefined || isId(pool)) &&
    (type === undefined || isLabel(type)) &&
    (labels === undefined || isPlainValidLabels(labels)) &&
    (metrics === undefined || isPlainValidMetrics(metrics)) &&
    (quality === undefined || isPlainValidQuality(quality)) &&
    (tools === undefined || isPlainValidTools(tools))
  );
}

/** One agent-to-agent interaction, as the SDK's delegate() reports it. */
export const interactionInputSchema = z.strictObject({
  from: agentIdSchema,
  to: agentIdSchema,
  kind: z.enum(INTERACTION_KINDS, { error: `must be one of ${INTERACTION_KINDS.join(', ')}` }),
  outcome: z.enum(INTERACTION_OUTCOMES, { error: `must be one of ${INTERACTION_OUTCOMES.join(', ')}` }),
  latencySeconds: finite.min(0, 'must be ≥ 0'),
  timestamp: timestampSchema.optional(),
  traceId: z
    .string()
    .regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits (a W3C trace id)')
    .optional(),
  spanId: z
    .string()
    .regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex digits (a W3C span id)')
    .optional(),
});

/** The seed path `POST /agents/:id/metrics`: one report of a registered agent. */
export const agentMetricsSchema = z.strictObject({
  timestamp: timestampSchema.optional(),
  metrics: metricsSchema.optional(),
  quality: qualitySchema.optional(),
  tools: toolsSchema.optional(),
});

export const registerSchema = z.strictObject({
  model: labelSchema,
  type: labelSchema.optional(),
  pool: poolSchema.optional(),
  labels: labelsSchema.optional(),
});

/** `POST /detect/:agentId` (anomaly-detector): a report of the agent the path names, scored at once. */
export const detectReportSchema = reportSchema.omit({ agentId: true });

/** A report in `POST /analyze` (emergence-detector): replayed data, so its timestamp is required. */
export const analyzeReportSchema = reportSchema.extend({ timestamp: timestampSchema });

/** An interaction in `POST /analyze`: kind, outcome and latency default to a successful, instant delegation. */
export const analyzeInteractionSchema = interactionInputSchema.extend({
  kind: interactionInputSchema.shape.kind.default('delegation'),
  outcome: interactionInputSchema.shape.outcome.default('success'),
  latencySeconds: interactionInputSchema.shape.latencySeconds.default(0),
  timestamp: timestampSchema,
});

// What the schemas accept is what the protocol's types describe: a field added to one side only fails the build.
type Fits<Target, Value extends Target> = Value;
export type InputConformance = [
  Fits<Report, z.infer<typeof reportSchema>>,
  Fits<Interaction, z.infer<typeof interactionInputSchema>>,
];
