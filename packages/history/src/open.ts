import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { HistoryOpenError, firstLine, storageProblem } from './errors';
import { SCHEMA, SCHEMA_VERSION } from './schema';

export const DB_FILE = 'history.duckdb';

export interface OpenedDb {
  path: string;
  instance: DuckDBInstance;
  connection: DuckDBConnection;
}

/** Opens (creating when absent) the data directory's database; every way it can fail is a HistoryOpenError. */
export async function openHistoryDb(dataDir: string, options: { readOnly?: boolean } = {}): Promise<OpenedDb> {
  const dir = resolve(dataDir);
  const path = join(dir, DB_FILE);
  if (!options.readOnly) ensureWritableDir(dir);
  else if (!exists(path))
    throw new HistoryOpenError(path, 'no history database here (start swarmscope with this SWARMSCOPE_DATA_DIR first)');
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, options.readOnly ? { access_mode: 'READ_ONLY' } : {});
  } catch (error) {
    const message = firstLine(error);
    if (/lock/i.test(message))
      throw new HistoryOpenError(path, `in use by another process (a running swarmscope?): stop it first (${message})`);
    const problem = storageProblem(error);
    if (problem)
      throw new HistoryOpenError(
        path,
        `${problem} (${message}); free space there or set SWARMSCOPE_DATA_DIR to another disk`,
      );
    throw new HistoryOpenError(path, `cannot open the database (${message}); move it aside to start afresh`);
  }
  const connection = await instance.connect();
  try {
    // The version first: a newer Swarmscope's file is left exactly as it is.
    if (!options.readOnly) await connection.run(SCHEMA[0]!);
    const version = await schemaVersion(connection);
    if (version > SCHEMA_VERSION)
      throw new HistoryOpenError(
        path,
        `written by a newer Swarmscope (schema version ${version}; this one reads up to ${SCHEMA_VERSION})`,
      );
    if (!options.readOnly && version < SCHEMA_VERSION) {
      // Every statement is idempotent (IF NOT EXISTS): an older file gains what it lacks, a new one is created.
      for (const statement of SCHEMA) await connection.run(statement);
      await connection.run(`INSERT OR REPLACE INTO meta VALUES ('schema_version', $1)`, [String(SCHEMA_VERSION)]);
    }
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    if (error instanceof HistoryOpenError) throw error;
    const problem = storageProblem(error);
    if (problem)
      throw new HistoryOpenError(
        path,
        `${problem} (${firstLine(error)}); free space there or set SWARMSCOPE_DATA_DIR to another disk`,
      );
    throw new HistoryOpenError(path, `unreadable database (${firstLine(error)}); move it aside to start afresh`);
  }
  return { path, instance, connection };
}

async function schemaVersion(connection: DuckDBConnection): Promise<number> {
  const reader = await connection.runAndReadAll(`SELECT value FROM meta WHERE key = 'schema_version'`);
  const value = reader.getRowObjectsJson()[0]?.value;
  if (value === undefined) return 0;
  const version = Number(value);
  if (!Number.isInteger(version) || version < 1) throw new Error(`schema_version is ${JSON.stringify(value)}`);
  return version;
}

function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new HistoryOpenError(
      dir,
      `data directory is not writable (${firstLine(error)}); set SWARMSCOPE_DATA_DIR to a writable directory`,
    );
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
