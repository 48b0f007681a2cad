import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { CsvError, CsvScorer } from '@swarmscope/anomaly-detector';
import { parseFlags, UsageError } from '../args';

export const detectUsage = `swarmscope detect --input FILE --output FILE
swarmscope detect --input-dir DIR --output-dir DIR
  Scores univariate time series offline with the anomaly detector's default ensemble, point by point and online
  (each row only sees the rows before it): reads "timestamp,value" CSV (header first; NAB-style "2014-04-01 00:00:00"
  UTC, ISO 8601 or epoch seconds/ms) and writes "timestamp,value,anomaly_score" (score in [0, 1]).
  --input-dir scores every *.csv below DIR into the same relative path below --output-dir, with progress on stderr.
  --quiet   no progress lines`;

/** A problem with the user's files (not their flags): printed without a stack, exit status 1. */
class InputError extends Error {}

interface FileResult {
  rows: number;
  missing: number;
}

/** `swarmscope detect`: streams CSV files through the detector; exits 1 with a clear message on a bad input. */
export async function detect(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, {
    input: { type: 'string' },
    output: { type: 'string' },
    'input-dir': { type: 'string' },
    'output-dir': { type: 'string' },
    quiet: { type: 'boolean', default: false },
  });
  if (positionals.length)
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} (files go in --input/--output)`);
  const input = stringFlag(values.input, 'input');
  const output = stringFlag(values.output, 'output');
  const inputDir = stringFlag(values['input-dir'], 'input-dir');
  const outputDir = stringFlag(values['output-dir'], 'output-dir');
  const quiet = values.quiet === true;

  if (input !== undefined && inputDir !== undefined)
    throw new UsageError('--input and --input-dir: give one of them, not both');
  if (input === undefined && inputDir === undefined) throw new UsageError('--input or --input-dir: one is required');
  try {
    if (input !== undefined) {
      if (output === undefined) throw new UsageError('--output: required with --input');
      if (outputDir !== undefined)
        throw new UsageError('--output-dir: goes with --input-dir (use --output with --input)');
      if (resolve(input) === resolve(output)) throw new UsageError('--output: must not be the --input file');
      await requireFile(input, 'input');
      const started = performance.now();
      let result: FileResult;
      try {
        result = await scoreFile(input, output, quiet ? undefined : (rows) => progress(`${input}: ${rows} rows…`));
      } catch (error) {
        if (error instanceof CsvError) throw new InputError(`${input}: ${error.message}`);
        throw error;
      }
      if (!quiet) progress(`${input} → ${output}: ${summary(result, performance.now() - started)}\n`, true);
    } else {
      if (outputDir === undefined) throw new UsageError('--output-dir: required with --input-dir');
      if (output !== undefined) throw new UsageError('--output: goes with --input (use --output-dir with --input-dir)');
      await scoreDirectory(inputDir!, outputDir, quiet);
    }
  } catch (error) {
    if (error instanceof InputError || error instanceof CsvError) {
      process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}swarmscope detect: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

async function scoreDirectory(inputDir: string, outputDir: string, quiet: boolean): Promise<void> {
  const info = await stat(inputDir).catch(() => undefined);
  if (!info) throw new InputError(`--input-dir: no such directory: ${inputDir}`);
  if (!info.isDirectory()) throw new InputError(`--input-dir: not a directory: ${inputDir}`);
  const absIn = resolve(inputDir);
  const absOut = resolve(outputDir);
  if (absOut === absIn || absOut.startsWith(absIn + sep))
    throw new UsageError(
      '--output-dir: must not be --input-dir or inside it (scored files would be read as inputs next time)',
    );
  const files = await listCsv(absIn);
  if (!files.length) throw new InputError(`--input-dir: no .csv files below ${inputDir}`);
  const started = performance.now();
  let rows = 0;
  const width = String(files.length).length;
  for (const [i, file] of files.entries()) {
    const rel = relative(absIn, file);
    const target = join(absOut, rel);
    await mkdir(dirname(target), { recursive: true });
    const t0 = performance.now();
    const tag = `[${String(i + 1).padStart(width)}/${files.length}] ${rel}`;
    let result: FileResult;
    try {
      result = await scoreFile(file, target, quiet ? undefined : (n) => progress(`${tag}: ${n} rows…`));
    } catch (error) {
      if (error instanceof CsvError) throw new InputError(`${rel}: ${error.message}`);
      throw error;
    }
    rows += result.rows;
    if (!quiet) progress(`${tag}: ${summary(result, performance.now() - t0)}\n`, true);
  }
  if (!quiet) {
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(
      `scored ${files.length} files, ${rows} rows in ${seconds.toFixed(2)} s (${Math.round(rows / Math.max(seconds, 1e-9))} rows/s) into ${outputDir}\n`,
    );
  }
}

/** Streams one file through a fresh detector; `onProgress` is told the row count about once a second. */
async function scoreFile(input: string, output: string, onProgress?: (rows: number) => void): Promise<FileResult> {
  const scorer = new CsvScorer();
  const source = createReadStream(input, { encoding: 'utf8' });
  const lines = createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY });
  const sink = createWriteStream(output, { encoding: 'utf8' });
  const sinkFailed = once(sink, 'error').then(([error]) => Promise.reject(error as Error));
  sinkFailed.catch(() => undefined); // observed below; never an unhandled rejection
  let nextReport = performance.now() + 1000;
  try {
    let buffer = '';
    for await (const line of lines) {
      const out = scorer.line(line);
      if (out === undefined) continue;
      buffer += out + '\n';
      if (buffer.length >= 64 * 1024) {
        await write(sink, buffer, sinkFailed);
        buffer = '';
      }
      if (onProgress && (scorer.rows & 1023) === 0 && performance.now() >= nextReport) {
        onProgress(scorer.rows);
        nextReport = performance.now() + 1000;
      }
    }
    scorer.finish();
    if (buffer) await write(sink, buffer, sinkFailed);
    sink.end();
    await Promise.race([once(sink, 'finish'), sinkFailed]);
  } catch (error) {
    sink.destroy();
    source.destroy();
    await rm(output, { force: true }); // no half-written results file left behind
    throw error;
  }
  return { rows: scorer.rows, missing: scorer.missing };
}

/** Writes with backpressure: waits for 'drain' when the stream's buffer is full. */
async function write(sink: WriteStream, chunk: string, failed: Promise<never>): Promise<void> {
  if (!sink.write(chunk)) await Promise.race([once(sink, 'drain'), failed]);
}

async function listCsv(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.csv')) out.push(path);
    }
  };
  await walk(dir);
  return out;
}

async function requireFile(path: string, flag: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new InputError(`--${flag}: no such file: ${path}`);
  if (!info.isFile())
    throw new InputError(
      `--${flag}: not a file: ${path}${info.isDirectory() ? ` (for a directory use --${flag}-dir)` : ''}`,
    );
}

function stringFlag(value: string | boolean | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name}: needs a path`);
  return value;
}

function summary(result: FileResult, ms: number): string {
  const rate = result.rows / Math.max(ms / 1000, 1e-9);
  return `${result.rows} rows${result.missing ? ` (${result.missing} without a value)` : ''} in ${Math.round(ms)} ms (${Math.round(rate)} rows/s)`;
}

/** Progress on stderr: one line rewritten in place on a terminal; whole lines (at most one a second) otherwise. */
function progress(text: string, final = false): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${text}`);
  else process.stderr.write(final ? text : `${text}\n`);
}
