/** Option checks shared by Fleet and AgentMonitor: each throws a TypeError naming the field. */

export function checkEndpoint(value: unknown, field: string): URL {
  let url: URL | undefined;
  if (typeof value === 'string') {
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(`${field} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return url;
}

export function checkInteger(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new TypeError(`${field} must be an integer ${range}, got ${String(value)}`);
  }
  return value;
}

/** A finite number ≥ min (and ≤ max when given). */
export function checkNumber(value: unknown, field: string, min: number, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Infinity ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new TypeError(`${field} must be a finite number ${range}, got ${String(value)}`);
  }
  return value;
}

export function checkString(value: unknown, field: string, maxLength = 256): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new TypeError(
      `${field} must be a non-empty string of at most ${maxLength} characters, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** A header-safe token: no control characters (CR/LF would split the request). */
export function checkApiKey(value: unknown, field: string): string {
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value.length === 0 || /[\x00-\x1f\x7f]/.test(value)) {
    throw new TypeError(`${field} must be a non-empty string without control characters`);
  }
  return value;
}
