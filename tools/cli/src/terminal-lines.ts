/** ANSI: carriage return, then erase the whole line (the live summary line is redrawn after). */
const CLEAR_LINE = '\r\x1b[2K';

/** pino's fields that the line shows in its own place (or not at all). */
const SHOWN_APART = new Set(['level', 'time', 'msg', 'service', 'name', 'pid', 'hostname']);

/**
 * One pino JSON log line as a human reads it on a terminal: `14:05:09 WARN  incidents  message  key=value …`.
 * A line that is not pino JSON is shown as it is.
 */
export function formatLogLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  if (typeof record !== 'object' || record === null) return json.trimEnd();
  const time = typeof record.time === 'string' ? record.time.slice(11, 19) : '';
  const level = String(record.level ?? '')
    .toUpperCase()
    .padEnd(5);
  const source = String(record.service ?? record.name ?? '');
  const fields = Object.entries(record)
    .filter(([key]) => !SHOWN_APART.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [time, level, source, String(record.msg ?? ''), ...fields].filter(Boolean).join('  ');
}

/**
 * A terminal with one live summary line at its bottom, rewritten in place, and log lines above it. Every write
 * returns the exact text to put on the terminal: a log line first clears the summary line (else the two are glued:
 * `p95 1.99 s{"level":"info",…`), then the summary is drawn again under it.
 */
export class LiveTerminal {
  private summary = '';

  /** The text that shows `summary` as the live line. */
  showSummary(summary: string): string {
    this.summary = summary;
    return `${CLEAR_LINE}${summary}`;
  }

  /** The text that prints `chunk` (one or more pino JSON lines) above the live line and redraws it. */
  showLog(chunk: string): string {
    const lines = chunk
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(formatLogLine);
    if (lines.length === 0) return '';
    return `${CLEAR_LINE}${lines.join('\n')}\n${this.summary}`;
  }

  /** The text that ends the live line for good (the terminal's next output starts on a new line). */
  end(): string {
    const text = this.summary ? '\n' : '';
    this.summary = '';
    return text;
  }
}
