#!/usr/bin/env node
import './instrumentation';
import { ConfigError } from '@swarmscope/core';
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

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`swarmscope: ${error.message}\n\n${usage}`);
    process.exit(2);
  }
  // A data directory the history cannot use stops the start: one line, never a silent in-memory fallback.
  if (error instanceof HistoryOpenError) {
    process.stderr.write(`swarmscope: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`swarmscope: ${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
