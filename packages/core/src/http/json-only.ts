import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { HttpError } from '../errors';

/** Bodies of other media types a path accepts besides JSON (e.g. OTLP's protobuf), by exact path. */
export type OtherBodyTypes = Readonly<Record<string, readonly string[]>>;

/** OTLP/HTTP's paths (fixed by its specification) take binary protobuf as well as JSON. */
export const OTLP_BODY_TYPES: OtherBodyTypes = {
  '/v1/traces': ['application/x-protobuf'],
  '/v1/metrics': ['application/x-protobuf'],
  '/v1/logs': ['application/x-protobuf'],
};

/** Whether the request carries body bytes (a POST without a body, or with `Content-Length: 0`, carries none). */
function carriesBody(request: IncomingMessage): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  const length = request.headers['content-length'];
  return length !== undefined && length !== '0';
}

/**
 * The one content-type guard of every JSON route: a request that carries a body in another media type (text/plain,
 * XML, curl's default `application/x-www-form-urlencoded`, none at all) is refused with 415 naming
 * `application/json`, instead of reaching its route with the body unread (an empty `{}` that validates and answers
 * 200 while the data is dropped). Requests without a body pass: their routes take no body or an empty one.
 */
export function jsonBodiesOnly(
  options: { otherTypes?: OtherBodyTypes; skip?: (request: IncomingMessage) => boolean } = {},
): RequestHandler {
  const otherTypes = options.otherTypes ?? {};
  return (request, _response, next) => {
    if (!carriesBody(request) || options.skip?.(request)) return next();
    const others = otherTypes[request.path] ?? [];
    if ((request as Request).is(['application/json', ...others])) return next();
    const got = request.headers['content-type'];
    const accepted = ['application/json', ...others].join(' or ');
    next(
      new HttpError(
        'SWS_UNSUPPORTED_MEDIA_TYPE',
        `Content-Type: must be ${accepted}, got ${got === undefined ? 'none' : JSON.stringify(got)}`,
        [{ path: 'headers.content-type', message: `must be ${accepted}` }],
      ),
    );
  };
}
