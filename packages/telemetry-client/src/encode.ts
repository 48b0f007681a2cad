import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';
import type { IngestLimits } from '@swarmscope/protocol';
/** Server limits of one `POST /v1/ingest` (and of one `POST /v1/interactions`): the protocol's, by type. */
export const MAX_REPORTS_PER_BODY: IngestLimits['reportsPerBody'] = 5000;
/** Applied to the JSON before compression: the server bounds the decoded body too. */
export const MAX_BODY_BYTES: IngestLimits['bodyBytes'] = 5_242_880;

const gzipAsync = promisify(gzip);

export type EncodedBatch =
  { ok: true; body: string | Buffer } | { ok: false; reason: 'too_large' | 'unserializable'; message: string };

/**
 * The POST body of a batch, `{"<key>": [...items]}`. Gzip runs on libuv's thread pool (level 1:
 * about 7× smaller for this JSON at half the CPU of the default level), so the event loop only
 * pays for JSON.stringify.
 */
export async function encodeBatch(
  key: string,
  items: readonly unknown[],
  compression: 'none' | 'gzip',
): Promise<EncodedBatch> {
  let json: string;
  try {
    json = JSON.stringify({ [key]: items });
  } catch (error) {
    // Circular structures or BigInt: the item can never be sent.
    return { ok: false, reason: 'unserializable', message: `cannot be encoded as JSON: ${messageOf(error)}` };
  }
  // A UTF-16 unit takes at most 3 UTF-8 bytes: skip counting bytes when it surely fits.
  if (json.length * 3 > MAX_BODY_BYTES) {
    const bytes = Buffer.byteLength(json);
    if (bytes > MAX_BODY_BYTES) {
      return {
        ok: false,
        reason: 'too_large',
        message: `body of ${bytes} bytes exceeds the server limit of ${MAX_BODY_BYTES}`,
      };
    }
  }
  if (compression === 'none') return { ok: true, body: json };
  return { ok: true, body: await gzipAsync(json, { level: constants.Z_BEST_SPEED }) };
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
