/** A bench's progress line: on stderr, so its figures on stdout stay parseable. */
export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
