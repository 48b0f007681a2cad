import type { z } from 'zod';
import { invalidFields, type FieldIssue } from './errors';

/** Zod issues as field issues with dotted paths (`reports.3.metrics.cpu_percent`). */
export function toFieldIssues(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.'),
    message: issue.message,
  }));
}

/** Parses `input` with `schema` or throws a 400 HttpError naming the fields. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix: ReadonlyArray<PropertyKey> = []): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalidFields(toFieldIssues(result.error, prefix));
  return result.data;
}
