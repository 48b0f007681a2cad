import { HttpError, invalidFields, toFieldIssues, type Interaction, type SampleReport } from '@swarmscope/core';
import type { z } from 'zod';
import { interactionInputSchema, isPlainValidReport, reportSchema, type ReportInput } from './ingest-schema';
import { checkTimestamp, type TimestampPolicy } from './timestamp-policy';

export interface ItemError {
  index: number;
  path: string;
  message: string;
}

/** Why an item was refused: the label of `swarmscope_ingest_rejected_reports_total`. */
export type RejectReason = 'invalid_field' | 'timestamp_out_of_range' | 'series_limit';

/** A valid report with its timestamp settled; model/pool/type stay optional until the agent is looked up. */
export type ValidReport = Omit<SampleReport, 'model' | 'pool' | 'type'> &
  Partial<Pick<SampleReport, 'model' | 'pool' | 'type'>>;

export interface BatchResult<T> {
  items: T[];
  errors: ItemError[];
  rejected: Record<RejectReason, number>;
}

export interface BatchLimits extends TimestampPolicy {
  maxItems: number;
}

/** A last check of one valid item (e.g. the agent's series budget): a field issue refuses it. */
export type Admit<T> = (item: T) => { path: string; message: string } | undefined;

/**
 * Splits a batch body `{"<field>": [...]}` into valid items (timestamps settled) and per-item errors, like OTLP's
 * partial success. A body that is not a batch at all throws a 400 (413 when it holds too many items).
 * `plainValid`: a compiled check of the schema; an item it passes is kept as it is (the body is the caller's to give
 * away: its valid items are completed in place), any other goes through the schema for the verdict and messages.
 */
function validateItems<S extends z.ZodType<{ timestamp?: number | undefined }>>(
  body: unknown,
  field: string,
  schema: S,
  now: number,
  limits: BatchLimits,
  admit?: Admit<z.infer<S>>,
  plainValid?: (item: unknown) => item is z.infer<S>,
): BatchResult<z.infer<S> & { timestamp: number }> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidFields([{ path: 'body', message: `must be an object {"${field}": [...]}` }]);
  }
  const list = (body as Record<string, unknown>)[field];
  if (!Array.isArray(list))
    throw invalidFields([{ path: field, message: list === undefined ? 'is required' : 'must be an array' }]);
  if (list.length === 0) throw invalidFields([{ path: field, message: 'must hold at least one item' }]);
  if (list.length > limits.maxItems) {
    throw new HttpError(
      'SWS_BATCH_TOO_LARGE',
      `${field}: ${list.length} items in one batch, the limit is ${limits.maxItems}`,
      [{ path: field, message: `at most ${limits.maxItems} per batch` }],
    );
  }
  const items: Array<z.infer<S> & { timestamp: number }> = [];
  const errors: ItemError[] = [];
  const rejected: Record<RejectReason, number> = { invalid_field: 0, timestamp_out_of_range: 0, series_limit: 0 };
  for (let index = 0; index < list.length; index++) {
    const raw: unknown = list[index];
    let item: z.infer<S>;
    if (plainValid?.(raw)) item = raw;
    else {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        rejected.invalid_field++;
        for (const issue of toFieldIssues(parsed.error, [field, index])) errors.push({ index, ...issue });
        continue;
      }
      item = parsed.data;
    }
    const timestamp = item.timestamp ?? now;
    const problem = checkTimestamp(timestamp, now, limits);
    if (problem) {
      rejected.timestamp_out_of_range++;
      errors.push({ index, path: `${field}.${index}.timestamp`, message: problem });
      continue;
    }
    const refused = admit?.(item);
    if (refused) {
      rejected.series_limit++;
      errors.push({ index, path: `${field}.${index}.${refused.path}`, message: refused.message });
      continue;
    }
    item.timestamp = timestamp;
    items.push(item as z.infer<S> & { timestamp: number });
  }
  return { items, errors, rejected };
}

/**
 * `POST /v1/ingest`: reports, with empty metrics and quality where absent; `admit` sees each valid report last. The
 * body's valid reports are the items, completed in place (no copy per report).
 */
export function validateBatch(
  body: unknown,
  now: number,
  limits: BatchLimits,
  admit?: Admit<ReportInput>,
): BatchResult<ValidReport> {
  const result = validateItems(body, 'reports', reportSchema, now, limits, admit, isPlainValidReport);
  for (const report of result.items) {
    report.metrics ??= {};
    report.quality ??= {};
  }
  return result as BatchResult<ValidReport>;
}

/** `POST /v1/interactions`: agent-to-agent edges. */
export function validateInteractions(body: unknown, now: number, limits: BatchLimits): BatchResult<Interaction> {
  return validateItems(body, 'interactions', interactionInputSchema, now, limits);
}
