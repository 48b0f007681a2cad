import { storageProblem } from './errors';

describe('storageProblem', () => {
  it("names the disk's failure from the errno text DuckDB passes on", () => {
    expect(
      storageProblem(
        new Error(
          'TransactionContext Error: Failed to commit: Could not write file "/d/history.duckdb.wal": No space left on device',
        ),
      ),
    ).toBe('the disk is full');
    expect(storageProblem(new Error('IO Error: Could not write file "x": Disk quota exceeded'))).toBe(
      'the disk is full',
    );
    expect(storageProblem(new Error('IO Error: Cannot open file "x": Read-only file system'))).toBe(
      'the file system turned read-only',
    );
    expect(storageProblem(new Error('IO Error: Could not read from file "x": Input/output error'))).toBe(
      'the disk failed',
    );
    expect(
      storageProblem(new Error('FATAL Error: Failed: database has been invalidated because of a previous fatal error')),
    ).toBe('the disk failed');
  });

  it("leaves errors that are not the disk's alone: a file that is not a database, a constraint, a bug", () => {
    expect(
      storageProblem(new Error('IO Error: The file "x" exists, but it is not a valid DuckDB database file!')),
    ).toBeUndefined();
    expect(storageProblem(new Error('Constraint Error: NOT NULL constraint failed: windows.count'))).toBeUndefined();
    expect(storageProblem('a string')).toBeUndefined();
  });
});
