/**
 * Errors a user can see, each with a stable code (match on it, docs list it) and a message naming the field.
 * One table for every service: codes are the API's vocabulary.
 */
export const ERROR_CODES = {
  SWS_INVALID_FIELD: 400,
  SWS_MALFORMED_JSON: 400,
  SWS_MALFORMED_BODY: 400,
  SWS_BATCH_TOO_LARGE: 413,
  SWS_BODY_TOO_LARGE: 413,
  SWS_UNSUPPORTED_ENCODING: 415,
  SWS_UNSUPPORTED_MEDIA_TYPE: 415,
  SWS_UNAUTHORIZED: 401,
  SWS_FORBIDDEN: 403,
  SWS_NOT_FOUND: 404,
  SWS_RATE_LIMITED: 429,
  SWS_CONFLICT: 409,
  SWS_UNAVAILABLE: 503,
  SWS_OVERLOADED: 503,
  SWS_INTERNAL: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem with one field of a request, e.g. `{ path: "reports.3.metrics.cpu_percent", message: "must be ≥ 0" }`. */
export interface FieldIssue {
  path: string;
  message: string;
}

export class HttpError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = ERROR_CODES[code];
  }

  toJSON(): { error: { code: ErrorCode; message: string; issues?: FieldIssue[] } } {
    return {
      error: { code: this.code, message: this.message, ...(this.issues.length ? { issues: this.issues } : {}) },
    };
  }
}

/** A 400 naming the first offending field in its message and listing every issue. */
export function invalidFields(issues: FieldIssue[]): HttpError {
  const first = issues[0];
  const message = first ? `${first.path || 'body'}: ${first.message}` : 'invalid request';
  return new HttpError('SWS_INVALID_FIELD', message, issues);
}
