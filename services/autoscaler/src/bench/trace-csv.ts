import type { LoadTrace } from './load-traces';

/** A CSV trace the bench cannot read: names the line and the problem. */
export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
}

/**
 * Reads a `timestamp,value` CSV (header required, any column order, more columns ignored) into a load trace on a
 * regular grid: timestamps are ISO-8601 (a space instead of `T` and no zone mean UTC) or epoch seconds or
 * milliseconds; they must not decrease (rows sharing one are averaged); the grid step is the median gap and each grid point takes the latest value at
 * or before it (gaps hold the last value). Values must be finite and ≥ 0.
 */
export function parseTraceCsv(text: string, name: string): LoadTrace {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new TraceFormatError(`${name}: empty file`);
  const header = lines[0]!.split(',').map((h) => h.trim().toLowerCase().replace(/^"|"$/g, ''));
  const timeColumn = header.indexOf('timestamp');
  const valueColumn = header.indexOf('value');
  if (timeColumn < 0 || valueColumn < 0)
    throw new TraceFormatError(
      `${name}: line 1: the header must name the columns timestamp and value (found ${lines[0]})`,
    );
  const times: number[] = [];
  const values: number[] = [];
  let repeats = 1;
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    const at = parseTimestamp(cells[timeColumn] ?? '');
    if (at === undefined)
      throw new TraceFormatError(
        `${name}: line ${i + 1}: timestamp ${JSON.stringify(cells[timeColumn] ?? '')} is not ISO-8601 or epoch seconds/milliseconds`,
      );
    const value = Number(cells[valueColumn]);
    if (cells[valueColumn] === undefined || cells[valueColumn] === '' || !Number.isFinite(value) || value < 0) {
      throw new TraceFormatError(
        `${name}: line ${i + 1}: value ${JSON.stringify(cells[valueColumn] ?? '')} must be a finite number ≥ 0`,
      );
    }
    const previous = times[times.length - 1];
    if (previous !== undefined && at < previous)
      throw new TraceFormatError(`${name}: line ${i + 1}: timestamps must not decrease`);
    if (at === previous) {
      // Repeated timestamps (a clock change, a double export): their mean.
      repeats++;
      values[values.length - 1]! += (value - values[values.length - 1]!) / repeats;
      continue;
    }
    repeats = 1;
    times.push(at);
    values.push(value);
  }
  if (times.length < 2) throw new TraceFormatError(`${name}: needs at least two rows`);
  const gaps = times
    .slice(1)
    .map((t, i) => t - times[i]!)
    .sort((a, b) => a - b);
  const stepSeconds = gaps[gaps.length >> 1]!;
  const steps = Math.floor((times[times.length - 1]! - times[0]!) / stepSeconds) + 1;
  const rps = new Float64Array(steps);
  let j = 0;
  for (let k = 0; k < steps; k++) {
    const t = times[0]! + k * stepSeconds;
    while (j + 1 < times.length && times[j + 1]! <= t + 1e-9) j++;
    rps[k] = values[j]!;
  }
  return { name, stepSeconds, rps };
}

/** Epoch seconds, or undefined. */
function parseTimestamp(cell: string): number | undefined {
  if (cell === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(cell)) {
    const n = Number(cell);
    return n > 1e11 ? n / 1000 : n;
  }
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(cell) ? `${cell.replace(' ', 'T')}Z` : cell;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/** The trace scaled so its mean is `meanRps` (its shape kept): for traces in counts or bytes rather than requests/s. */
export function scaleToMean(trace: LoadTrace, meanRps: number): LoadTrace {
  let sum = 0;
  for (const v of trace.rps) sum += v;
  const mean = sum / trace.rps.length;
  if (!(mean > 0)) throw new TraceFormatError(`${trace.name}: the values are all 0, nothing to scale`);
  return { ...trace, rps: trace.rps.map((v) => (v * meanRps) / mean) };
}
