import { HttpError, invalidFields, toFieldIssues, type SampleReport } from '@swarmscope/core';
import { reportSchema } from './ingest-schema';
import { checkTimestamp, type TimestampPolicy } from './timestamp-policy';

export interface ReportError {
  index: number;
  path: string;
  message: string;
}

/** Why a report was refused: the label of `swarmscope_ingest_rejected_reports_total`. */
export type RejectReason = 'invalid_field' | 'timestamp_out_of_range';

/** A valid report with its timestamp settled; model/pool/type stay optional until the agent is looked up. */
export type ValidReport = Omit<SampleReport, 'model' | 'pool' | 'type'> & Partial<Pick<SampleReport, 'model' | 'pool' | 'type'>>;

export interface BatchResult {
  reports: ValidReport[];
  errors: ReportError[];
  rejected: Record<RejectReason, number>;
}

export interface BatchLimits extends TimestampPolicy {
  maxReports: number;
}

/**
 * Splits a batch body into valid reports (normalised: defaults filled in) and per-report errors, like OTLP's
 * partial success. A body that is not a batch at all throws a 400/413 HttpError.
 */
export function validateBatch(body: unknown, now: number, limits: BatchLimits): BatchResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidFields([{ path: 'body', message: 'must be an object {"reports": [...]}' }]);
  }
  const list = (body as { reports?: unknown }).reports;
  if (!Array.isArray(list)) throw invalidFields([{ path: 'reports', message: list === undefined ? 'is required' : 'must be an array' }]);
  if (list.length === 0) throw invalidFields([{ path: 'reports', message: 'must hold at least one report' }]);
  if (list.length > limits.maxReports) {
    throw new HttpError('SWS_BATCH_TOO_LARGE', `reports: ${list.length} reports in one batch, the limit is ${limits.maxReports}`, [
      { path: 'reports', message: `at most ${limits.maxReports} reports per batch` },
    ]);
  }

  const reports: ValidReport[] = [];
  const errors: ReportError[] = [];
  const rejected: Record<RejectReason, number> = { invalid_field: 0, timestamp_out_of_range: 0 };
  for (let index = 0; index < list.length; index++) {
    const parsed = reportSchema.safeParse(list[index]);
    if (!parsed.success) {
      rejected.invalid_field++;
      for (const issue of toFieldIssues(parsed.error, ['reports', index])) errors.push({ index, ...issue });
      continue;
    }
    const report = parsed.data;
    const timestamp = report.timestamp ?? now;
    const problem = checkTimestamp(timestamp, now, limits);
    if (problem) {
      rejected.timestamp_out_of_range++;
      errors.push({ index, path: `reports.${index}.timestamp`, message: problem });
      continue;
    }
    reports.push({ ...report, timestamp, metrics: report.metrics ?? {}, quality: report.quality ?? {} });
  }
  return { reports, errors, rejected };
}
