import { defaultEnsemble, type EnsembleConfig, StreamDetector } from '../detectors/stream/ensemble';
import { parseTimestamp } from './timestamp';

/** The header of a scored file (NAB's results layout). */
export const SCORED_HEADER = 'timestamp,value,anomaly_score';

/** A problem in an input CSV, with its 1-based line number. */
export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

export interface CsvScorerOptions {
  /** The ensemble (default: {@link defaultEnsemble}, the one NAB is scored with). */
  config?: EnsembleConfig;
}

/**
 * Scores a univariate `timestamp,value` CSV (header first; other columns ignored) one line at a time, online: each
 * row is scored by one {@link StreamDetector} from the rows before it only, and comes back as
 * `timestamp,value,anomaly_score` with the timestamp and value exactly as read. Blank lines are skipped; a row with
 * an empty value is written with score 0 and not learnt from (counted in `missing`). Pure: the caller does the I/O,
 * so a file of any size streams through in constant memory.
 */
export class CsvScorer {
  /** Data rows scored (missing ones included). */
  rows = 0;
  /** Rows with an empty value. */
  missing = 0;
  private readonly detector: StreamDetector;
  private lineNo = 0;
  private timestampColumn = -1;
  private valueColumn = -1;

  constructor(options: CsvScorerOptions = {}) {
    this.detector = new StreamDetector(options.config ?? defaultEnsemble());
  }

  /** Feeds one input line (without its line break); returns the line to write, or undefined (blank line). */
  line(text: string): string | undefined {
    this.lineNo++;
    if (this.lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() === '') return undefined;
    const fields = splitCsvLine(text, this.lineNo);
    if (this.timestampColumn < 0) {
      const names = fields.map((f) => f.trim().toLowerCase());
      this.timestampColumn = names.indexOf('timestamp');
      this.valueColumn = names.indexOf('value');
      if (this.timestampColumn < 0 || this.valueColumn < 0) {
        throw new CsvError(
          this.lineNo,
          `the header needs "timestamp" and "value" columns (got ${JSON.stringify(text.slice(0, 200))})`,
        );
      }
      return SCORED_HEADER;
    }
    const tsText = fields[this.timestampColumn];
    const valueText = fields[this.valueColumn];
    if (tsText === undefined || valueText === undefined)
      throw new CsvError(
        this.lineNo,
        `expected at least ${Math.max(this.timestampColumn, this.valueColumn) + 1} columns, got ${fields.length}`,
      );
    const timestamp = parseTimestamp(tsText);
    if (Number.isNaN(timestamp))
      throw new CsvError(this.lineNo, `timestamp ${JSON.stringify(tsText)} is not a date-time or epoch number`);
    let value = Number.NaN;
    if (valueText.trim() === '') this.missing++;
    else {
      value = Number(valueText);
      if (!Number.isFinite(value))
        throw new CsvError(this.lineNo, `value ${JSON.stringify(valueText)} is not a finite number`);
    }
    this.rows++;
    const scored = this.detector.update(timestamp, value);
    return `${csvField(tsText)},${csvField(valueText)},${formatScore(scored.score)}`;
  }

  /** Call after the last line: a file without a header is an error. */
  finish(): void {
    if (this.timestampColumn < 0)
      throw new CsvError(Math.max(1, this.lineNo), 'no header line ("timestamp,value") found');
  }
}

/** Splits one CSV line (RFC 4180 quoting: "a,b" and "" inside quotes). */
export function splitCsvLine(text: string, lineNo = 0): string[] {
  if (!text.includes('"')) return text.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  if (quoted) throw new CsvError(lineNo, 'unterminated quoted field');
  fields.push(field);
  return fields;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Scores with up to 9 decimals (ties matter to NAB's threshold sweep; more digits change nothing). */
function formatScore(score: number): string {
  return String(Math.round(score * 1e9) / 1e9);
}
