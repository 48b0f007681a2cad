import { resolve } from 'node:path';
import { openHistoryDb } from './open';
import { HISTORY_TABLES, type HistoryTable } from './schema';

export const EXPORT_FORMATS = ['parquet', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Runs one query on the history opened read-only (DuckDB refuses any write); rows as JSON-safe objects. */
export async function queryHistory(
  dataDir: string,
  sql: string,
): Promise<{ columns: string[]; rows: Array<Record<string, unknown>> }> {
  const { instance, connection } = await openHistoryDb(dataDir, { readOnly: true });
  try {
    const reader = await connection.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Array<Record<string, unknown>> };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Writes one table to a Parquet or CSV file; resolves to the rows written. */
export async function exportTable(
  dataDir: string,
  table: HistoryTable,
  format: ExportFormat,
  out: string,
): Promise<number> {
  if (!HISTORY_TABLES.includes(table))
    throw new Error(`unknown table ${JSON.stringify(table)} (one of ${HISTORY_TABLES.join(', ')})`);
  const { instance, connection } = await openHistoryDb(dataDir, { readOnly: true });
  try {
    const target = resolve(out).replaceAll("'", "''");
    const reader = await connection.runAndReadAll(
      `COPY ${table} TO '${target}' (FORMAT ${format === 'parquet' ? 'parquet' : 'csv, HEADER true'})`,
    );
    return Number(reader.getRows()[0]?.[0] ?? 0);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
