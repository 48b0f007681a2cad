import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from '../errors';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Bearer API keys on writes: when keys are configured, any method other than GET/HEAD/OPTIONS needs
 * `Authorization: Bearer <key>` — 401 without one, 403 with a wrong one. Reads stay open (dashboards, probes).
 */
export function requireApiKeyOnWrites(keys: readonly string[]): RequestHandler {
  const digests = keys.map(digest);
  return (request, _response, next) => {
    if (digests.length === 0 || request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return next();
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
    if (!match?.[1]) return next(new HttpError('SWS_UNAUTHORIZED', 'Authorization: Bearer <api key> is required for writes'));
    const offered = digest(match[1].trim());
    // Compare digests in constant time so a key cannot be guessed byte by byte.
    if (!digests.some((known) => timingSafeEqual(known, offered))) return next(new HttpError('SWS_FORBIDDEN', 'the API key is not valid'));
    next();
  };
}
