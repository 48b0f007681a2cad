import type { DuckDBConnection, DuckDBPreparedStatement, DuckDBResultReader } from '@duckdb/node-api';

/** A statement's parameter: a string (cast in the SQL where it is a number), or null for SQL NULL. */
export type Param = string | null;

/** A result as columns: `columns.start[i]` is row i's start (DOUBLE → number, VARCHAR → string, LIST → array). */
export interface ColumnResult {
  rows: number;
  columns: Record<string, unknown[]>;
}

/**
 * The history's reads, on a connection of their own: a read never runs inside the writer's open transaction (on a
 * shared connection it would see, and could abort, a commit half done), each query text is prepared once (the range
 * reads run the same few statements with new parameters), and one query at a time, as a connection allows.
 */
export class ReadConnection {
  private readonly statements = new Map<string, Promise<DuckDBPreparedStatement>>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly connection: DuckDBConnection) {}

  /** Rows as JSON-safe objects (BIGINTs as strings): for the few-row reads. */
  async rows(sql: string, params: readonly Param[] = []): Promise<Array<Record<string, unknown>>> {
    return (await this.run(sql, params)).getRowObjectsJson() as Array<Record<string, unknown>>;
  }

  /** Columns as JavaScript values: for the range reads (thousands of rows; no per-row object from DuckDB). */
  async columns(sql: string, params: readonly Param[] = []): Promise<ColumnResult> {
    const reader = await this.run(sql, params);
    return { rows: reader.currentRowCount, columns: reader.getColumnsObjectJS() as Record<string, unknown[]> };
  }

  /** After the query running now (those queued behind it are refused); the statements go with the connection. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    this.statements.clear();
    this.connection.closeSync();
  }

  private run(sql: string, params: readonly Param[]): Promise<DuckDBResultReader> {
    const run = async () => {
      if (this.closed) throw new Error('history store is closed');
      let prepared = this.statements.get(sql);
      if (!prepared) {
        prepared = this.connection.prepare(sql);
        this.statements.set(sql, prepared);
        // A statement that does not prepare is not kept: the next call reports its error again.
        prepared.catch(() => this.statements.delete(sql));
      }
      const statement = await prepared;
      statement.bind([...params]);
      return statement.runAndReadAll();
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
