import { startFuzzPlatform } from './platform';

/**
 * The fuzzed platform as a child process (`node --expose-gc`): sends `{urls}` over IPC once listening, answers
 * `heap` with the heap after a forced GC, and stops cleanly on `stop`. A crash shows as this process exiting.
 */
async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc || !process.send) throw new Error('run with --expose-gc and an IPC channel');
  const platform = await startFuzzPlatform();
  process.on('message', (message: unknown) => {
    if (message === 'heap') {
      gc();
      gc();
      const { heapUsed, rss } = process.memoryUsage();
      process.send!({ heapUsed, rss });
    } else if (message === 'stop') {
      void platform.stop().then(() => process.exit(0));
    }
  });
  process.send({ urls: platform.urls });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
