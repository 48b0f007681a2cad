import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs one of this folder's scripts in a fresh `node --expose-gc` (so heap figures come after a forced GC and no
 * other benchmark's garbage) and parses the JSON line it prints.
 */
export async function runInGcChild<T>(script: string, args: readonly string[] = []): Promise<T> {
  const child = spawn(process.execPath, ['--expose-gc', join(__dirname, script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${script} exited with code ${code}`);
  return JSON.parse(output) as T;
}
