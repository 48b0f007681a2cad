import {
  EXPORT_FORMATS,
  HISTORY_TABLES,
  dataDirFrom,
  exportTable,
  queryHistory,
  type ExportFormat,
  type HistoryTable,
} from '@swarmscope/history';
import { UsageError, parseFlags } from '../args';

export const queryUsage = `swarmscope query "SQL" [--format table|json]
  Runs one read-only SQL query (DuckDB's dialect) on the history in SWARMSCOPE_DATA_DIR (default ./.swarmscope)
  of a stopped swarmscope. Tables: ${HISTORY_TABLES.join(', ')}.`;

export const exportUsage = `swarmscope export --table T --format parquet|csv --out FILE
  Writes one history table of SWARMSCOPE_DATA_DIR to a Parquet or CSV file.`;

/** `swarmscope query`: the database is opened read-only, so a write statement fails in DuckDB, never lands. */
export async function query(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, { format: { type: 'string', default: 'table' } });
  if (positionals.length !== 1) throw new UsageError('query: give exactly one SQL statement, quoted');
  if (values.format !== 'table' && values.format !== 'json')
    throw new UsageError(`--format: table or json (got ${JSON.stringify(values.format)})`);
  const { columns, rows } = await queryHistory(dataDirFrom(process.env), positionals[0]!);
  if (values.format === 'json') {
    for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    return;
  }
  const cells = [
    columns,
    ...rows.map((row) =>
      columns.map((c) => (row[c] === null ? '' : typeof row[c] === 'object' ? JSON.stringify(row[c]) : String(row[c]))),
    ),
  ];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  for (const line of cells)
    process.stdout.write(
      `${line
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  process.stdout.write(`(${rows.length} row${rows.length === 1 ? '' : 's'})\n`);
}

export async function exportCommand(argv: readonly string[]): Promise<void> {
  const { values } = parseFlags(argv, {
    table: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
  });
  const table = values.table as HistoryTable | undefined;
  const format = values.format as ExportFormat | undefined;
  if (!table || !HISTORY_TABLES.includes(table))
    throw new UsageError(`--table: one of ${HISTORY_TABLES.join(', ')} (got ${JSON.stringify(values.table)})`);
  if (!format || !EXPORT_FORMATS.includes(format))
    throw new UsageError(`--format: parquet or csv (got ${JSON.stringify(values.format)})`);
  if (typeof values.out !== 'string' || !values.out) throw new UsageError('--out: the file to write');
  const rows = await exportTable(dataDirFrom(process.env), table, format, values.out);
  process.stdout.write(`wrote ${rows} rows of ${table} to ${values.out}\n`);
}
