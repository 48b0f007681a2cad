import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Thrown for a bad flag; main prints its one line and where the usage is, and exits 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedFlags {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** parseArgs, strict, with `--` separators dropped (`pnpm start -- --agents 5` passes them through). */
export function parseFlags(argv: readonly string[], options: Options): ParsedFlags {
  try {
    const { values, positionals } = parseArgs({
      args: argv.filter((arg) => arg !== '--'),
      options,
      strict: true,
      allowPositionals: true,
      allowNegative: true,
    });
    return { values: values as ParsedFlags['values'], positionals };
  } catch (error) {
    throw new UsageError(flagProblem(error as Error & { code?: string }));
  }
}

/** A whole number flag within bounds, or the fallback when absent. */
export function intFlag(
  value: string | boolean | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new UsageError(`--${name}: needs a value`);
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max)
    throw new UsageError(`--${name}: must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  return parsed;
}

/** A number flag within bounds, or the fallback when absent. */
export function numberFlag(
  value: string | boolean | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new UsageError(`--${name}: needs a value`);
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < min || parsed > max)
    throw new UsageError(`--${name}: must be a number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  return parsed;
}

/** node's parseArgs error as one short line: `unknown flag --bogus` rather than its paragraph on positionals. */
export function flagProblem(error: Error & { code?: string }): string {
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(error.message)?.[1];
    if (flag) return `unknown flag ${flag}`;
  }
  return error.message;
}
