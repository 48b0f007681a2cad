import type { SampleReport } from './topics';

// A batch of sample reports as columns, for the hand-off between threads. postMessage of the report objects is a
// structured clone on the posting thread — a walk over every object, key and number, ≈ 4 % of the embedded
// platform's event loop at 10,000 agents — and the thread that posts is the one that takes ingest. Columns are
// one pass of plain stores into typed arrays whose buffers are then transferred (moved, not copied), and one flat
// string (a single memcpy in the clone), so the receiving thread builds the objects.

/** Reports as columns; post it with {@link reportColumnsTransfer} as the transfer list. */
export interface ReportColumns {
  count: number;
  /**
   * Per report {@link REFS} string-table indices and pair ends, then the key (string index) of every metric and
   * quality pair, in report order, metrics before quality.
   */
  refs: Uint32Array;
  /** Per report its timestamp and receivedAt (NaN when absent), then the value of every pair (as `refs`' keys). */
  numbers: Float64Array;
  /** The distinct strings of the batch, concatenated. */
  strings: string;
  /** Each string's length in UTF-16 code units, in table order. */
  stringLengths: Uint32Array;
}

/** Slots of a report in `refs`: the string indices of its fields, then where its metric and quality pairs end. */
const REFS = 8;
const AGENT = 0;
const MODEL = 1;
const POOL = 2;
const TYPE = 3;
const TRACE = 4;
/** `{labels, tools}` as JSON when the report has either (the SDK sends them once per agent): rare, so not columns. */
const EXTRAS = 5;
const METRICS_END = 6;
const QUALITY_END = 7;
const NUMBERS = 2;
const ABSENT = 0xffffffff;

/** The buffers to transfer when posting `columns` (they are unusable on the posting side afterwards). */
export function reportColumnsTransfer(columns: ReportColumns): ArrayBuffer[] {
  return [
    columns.refs.buffer as ArrayBuffer,
    columns.numbers.buffer as ArrayBuffer,
    columns.stringLengths.buffer as ArrayBuffer,
  ];
}

/** Encodes reports as columns; {@link decodeReportColumns} gives back reports deep-equal to them. */
export function encodeReportColumns(reports: readonly SampleReport[]): ReportColumns {
  const count = reports.length;
  let pairs = 0;
  for (const report of reports) pairs += keyCount(report.metrics) + keyCount(report.quality);
  const refs = new Uint32Array(count * REFS + pairs);
  const numbers = new Float64Array(count * NUMBERS + pairs);
  const table = new StringTable();
  let pair = 0;
  for (let i = 0; i < count; i++) {
    const report = reports[i]!;
    const at = i * REFS;
    refs[at + AGENT] = table.indexOf(report.agentId);
    refs[at + MODEL] = table.indexOf(report.model);
    refs[at + POOL] = table.indexOf(report.pool);
    refs[at + TYPE] = table.indexOf(report.type);
    refs[at + TRACE] = report.traceId === undefined ? ABSENT : table.indexOf(report.traceId);
    refs[at + EXTRAS] =
      report.labels === undefined && report.tools === undefined
        ? ABSENT
        : table.indexOf(JSON.stringify({ labels: report.labels, tools: report.tools }));
    numbers[i * NUMBERS] = report.timestamp;
    numbers[i * NUMBERS + 1] = report.receivedAt ?? Number.NaN;
    for (const key in report.metrics) {
      refs[count * REFS + pair] = table.indexOf(key);
      numbers[count * NUMBERS + pair++] = report.metrics[key]!;
    }
    refs[at + METRICS_END] = pair;
    for (const key in report.quality) {
      refs[count * REFS + pair] = table.indexOf(key);
      numbers[count * NUMBERS + pair++] = report.quality[key]!;
    }
    refs[at + QUALITY_END] = pair;
  }
  return { count, refs, numbers, ...table.seal() };
}

/** The reports `encodeReportColumns` was given (new objects, owned by the caller). */
export function decodeReportColumns(columns: ReportColumns): SampleReport[] {
  const { count, refs, numbers } = columns;
  const strings = splitTable(columns.strings, columns.stringLengths);
  const reports: SampleReport[] = new Array(count);
  let pair = 0;
  for (let i = 0; i < count; i++) {
    const at = i * REFS;
    const metrics: Record<string, number> = {};
    for (const end = refs[at + METRICS_END]!; pair < end; pair++)
      metrics[strings[refs[count * REFS + pair]!]!] = numbers[count * NUMBERS + pair]!;
    const quality: Record<string, number> = {};
    for (const end = refs[at + QUALITY_END]!; pair < end; pair++)
      quality[strings[refs[count * REFS + pair]!]!] = numbers[count * NUMBERS + pair]!;
    const report: SampleReport = {
      agentId: strings[refs[at + AGENT]!]!,
      timestamp: numbers[i * NUMBERS]!,
      model: strings[refs[at + MODEL]!]!,
      pool: strings[refs[at + POOL]!]!,
      type: strings[refs[at + TYPE]!]!,
      metrics,
      quality,
    };
    const receivedAt = numbers[i * NUMBERS + 1]!;
    if (!Number.isNaN(receivedAt)) report.receivedAt = receivedAt;
    if (refs[at + TRACE] !== ABSENT) report.traceId = strings[refs[at + TRACE]!]!;
    if (refs[at + EXTRAS] !== ABSENT) {
      const extras = JSON.parse(strings[refs[at + EXTRAS]!]!) as Pick<SampleReport, 'labels' | 'tools'>;
      if (extras.labels !== undefined) report.labels = extras.labels;
      if (extras.tools !== undefined) report.tools = extras.tools;
    }
    reports[i] = report;
  }
  return reports;
}

function keyCount(map: Record<string, number>): number {
  let n = 0;
  for (const _key in map) n++;
  return n;
}

/** Distinct strings in first-seen order (agent ids, model and metric names repeat across a batch). */
class StringTable {
  private readonly index = new Map<string, number>();
  private readonly list: string[] = [];

  indexOf(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.list.length;
      this.index.set(value, i);
      this.list.push(value);
    }
    return i;
  }

  /** One flat string (kept as UTF-16, so any string — a lone surrogate too — comes back unchanged) and the lengths. */
  seal(): { strings: string; stringLengths: Uint32Array } {
    const stringLengths = new Uint32Array(this.list.length);
    this.list.forEach((value, i) => (stringLengths[i] = value.length));
    return { strings: this.list.join(''), stringLengths };
  }
}

function splitTable(joined: string, lengths: Uint32Array): string[] {
  const out: string[] = new Array(lengths.length);
  let offset = 0;
  for (let i = 0; i < lengths.length; i++) {
    out[i] = joined.slice(offset, offset + lengths[i]!);
    offset += lengths[i]!;
  }
  if (offset !== joined.length)
    throw new Error(`report columns: the string table holds ${joined.length} code units, its lengths sum to ${offset}`);
  return out;
}
