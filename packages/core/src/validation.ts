import { z } from 'zod';
import { invalidFields, type FieldIssue } from './errors';

/** `?since=`: epoch milliseconds, optional (every list route's lower bound in time). */
export const sinceQuery = z.coerce
  .number({ error: 'must be epoch milliseconds' })
  .int('must be epoch milliseconds')
  .nonnegative('must be ≥ 0')
  .optional();

/** `?limit=`: 1..1000 items, 100 when absent (every list route's page size). */
export const limitQuery = z.coerce
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .min(1, 'must be ≥ 1')
  .max(1000, 'must be ≤ 1000')
  .default(100);

/**
 * Zod issues as field issues with dotted paths (`reports.3.metrics.cpu_percent`). An unknown key of a strict object
 * is one issue at the key's own path (`metric: not a known field`), so the answer names the typo.
 */
export function toFieldIssues(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): FieldIssue[] {
  const dotted = (path: ReadonlyArray<PropertyKey>) => [...prefix, ...path].map(String).join('.');
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: dotted([...issue.path, key]), message: 'not a known field' }))
      : [{ path: dotted(issue.path), message: issue.message }],
  );
}

/** Parses `input` with `schema` or throws a 400 HttpError naming the fields. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: ReadonlyArray<PropertyKey> = [],
): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalidFields(toFieldIssues(result.error, prefix));
  return result.data;
}

/**
 * Largest magnitude a reported number may have. Far above any real count, byte size or cost, and far enough below
 * the float range that sums, squares and rates over a fleet stay finite (1e308 twice is Infinity, then NaN).
 */
export const MAX_METRIC_MAGNITUDE = 1e15;

/** A reported number: finite and within ±MAX_METRIC_MAGNITUDE. */
export const metricValue = z
  .number({ error: 'must be a number' })
  .min(-MAX_METRIC_MAGNITUDE, `must be between -1e15 and 1e15`)
  .max(MAX_METRIC_MAGNITUDE, `must be between -1e15 and 1e15`);
