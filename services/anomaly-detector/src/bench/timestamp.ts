// Timestamps as the CSV files write them, to epoch milliseconds. Pure: no clock.

const NAB_LIKE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses `2014-04-01 00:00:00` (NAB: read as UTC), ISO 8601 (`2014-04-01T00:00:00Z`, with an offset or fractional
 * seconds), or a plain number: epoch seconds below 1e11, epoch milliseconds otherwise. NaN when not a timestamp.
 */
export function parseTimestamp(text: string): number {
  const s = text.trim();
  if (s === '') return Number.NaN;
  const m = NAB_LIKE.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec, frac, zone] = m;
    const month = Number(mo);
    const day = Number(d);
    const hour = Number(h);
    const minute = Number(mi);
    const second = sec ? Number(sec) : 0;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return Number.NaN;
    let ms = Date.UTC(Number(y), month - 1, day, hour, minute, second);
    if (frac) ms += Number(`0.${frac}`) * 1000;
    if (zone && zone !== 'Z') {
      const sign = zone[0] === '-' ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    return ms;
  }
  if (/^[+-]?\d+(\.\d+)?$/.test(s)) {
    const n = Number(s);
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  return Number.NaN;
}
