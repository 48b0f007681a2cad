#!/usr/bin/env node
import './instrumentation';
import { STARTUP_EXIT_CODE, startupFailureLine } from '@swarmscope/core';
import { HistoryOpenError } from '@swarmscope/history';
import { UsageError } from './args';
import { bench, benchUsage } from './commands/bench';
import { detect, detectUsage } from './commands/detect';
import { exportCommand, exportUsage, query, queryUsage } from './commands/history';
import { simulate, simulateUsage } from './commands/simulate';
import { start, startUsage } from './commands/start';

const commands: Record<string, { run: (argv: readonly string[]) => Promise<void>; usage: string }> = {
  start: { run: start, usage: startUsage },
  simulate: { run: simulate, usage: simulateUsage },
  detect: { run: detect, usage: detectUsage },
  bench: { run: bench, usage: benchUsage },
  query: { run: query, usage: queryUsage },
  export: { run: exportCommand, usage: exportUsage },
};

const usage = `usage: swarmscope <command> [flags]

${Object.values(commands)
  .map((command) => command.usage)
  .join('\n\n')}
`;

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv.filter((arg, i) => !(i === 0 && arg === '--'));
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return;
  }
  await command.run(rest);
}

// A bad flag, a bad variable, a busy port or an unreachable backend: one line saying what to change, exit 2. Anything
// else is a bug: its stack, exit 1.
main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    const name = process.argv.slice(2).find((arg) => arg !== '--') ?? '';
    const command = Object.hasOwn(commands, name) ? ` ${name}` : '';
    process.stderr.write(`swarmscope: ${error.message} (see swarmscope${command} --help)\n`);
    process.exit(2);
  }
  // A data directory the history cannot use stops the start: one line, never a silent in-memory fallback.
  if (error instanceof HistoryOpenError) {
    process.stderr.write(`swarmscope: ${error.message}\n`);
    process.exit(STARTUP_EXIT_CODE);
  }
  const line = startupFailureLine(error);
  process.stderr.write(`swarmscope: ${line ?? String((error as Error)?.stack ?? error)}\n`);
  process.exit(line === undefined ? 1 : STARTUP_EXIT_CODE);
});
