/** The history store cannot be used as asked: the message names the path and the problem, on one line. */
export class HistoryOpenError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`history store ${path}: ${problem}`);
    this.name = 'HistoryOpenError';
  }
}

/**
 * The history store's disk failed under a running platform (full, turned read-only, I/O error): acknowledged writes
 * can no longer be kept, so the platform stops rather than carry on in memory.
 */
export class HistoryFaultError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`history store ${path}: ${problem}`);
    this.name = 'HistoryFaultError';
  }
}

// DuckDB reports file-system failures in its message text only ("Failed to commit: Could not write file ...: No space
// left on device"): the errno's text says which. Not every "IO Error" is the disk's (a file that is not a DuckDB
// database is one too), so only the errno texts count, and DuckDB's own verdict that a failed write invalidated it.
const STORAGE_FAULTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/No space left on device|Disk quota exceeded|File too large/i, 'the disk is full'],
  [/Read-only file system/i, 'the file system turned read-only'],
  [/Input\/output error|database has been invalidated/i, 'the disk failed'],
];

/** What went wrong with the disk under the database, in a few words; undefined for errors that are not the disk's. */
export function storageProblem(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  return STORAGE_FAULTS.find(([pattern]) => pattern.test(message))?.[1];
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}
