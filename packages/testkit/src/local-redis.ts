import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { freePort } from './free-port';

export interface RedisServerHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const ATTEMPTS = 3;

/**
 * Starts a throwaway redis-server on a free loopback port (no persistence) and resolves once it
 * answers PING. Retries on another port if the chosen one was taken in between.
 */
export async function startRedisServer(): Promise<RedisServerHandle> {
  let lastError: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      return await startOnce(await freePort());
    } catch (error) {
      if (error instanceof RedisNotInstalledError) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

class RedisNotInstalledError extends Error {
  constructor() {
    super('redis-server is not installed (or not on PATH): install it, e.g. `apt-get install redis-server`');
  }
}

async function startOnce(port: number): Promise<RedisServerHandle> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // A crashed test run must not leave servers behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new RedisNotInstalledError() : error),
    );
    child.once('exit', (code, signal) =>
      reject(new Error(`redis-server exited early (code ${code}, signal ${signal}):\n${output}`)),
    );
  });
  exited.catch(() => {}); // observed below; after startup an exit is expected (stop)

  try {
    await Promise.race([waitForPong(port), exited]);
  } catch (error) {
    process.off('exit', killOnExit);
    await stopChild(child);
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      process.off('exit', killOnExit);
      await stopChild(child);
    },
  };
}

/** A port that was free a moment ago: bind port 0, read it, release it. */

/** Resolves once a redis-server on `port` answers PING (shared with the cluster harness). */
export async function waitForPong(port: number, timeoutMs = START_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pingOnce(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
}

/** Raw RESP PING, so starting a server needs no client library and logs no reconnect noise. */
function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone (shared with the cluster harness). */
export function stopChild(child: ChildProcess): Promise<void> {
  const running = child.pid !== undefined && child.exitCode === null && child.signalCode === null;
  if (!running) return Promise.resolve(); // never started (ENOENT) or already gone
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
