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
