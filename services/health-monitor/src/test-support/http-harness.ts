import { createLogger, parseEnv, type Backends } from '@swarmscope/core';
import { healthMonitorEnv } from '../env';
import { backendsFor, runHealthMonitor, type RunningHealthMonitor } from '../run';

const logger = createLogger({ name: 'test', level: 'silent' });

/** An HTTP answer as the tests read it: JSON bodies parsed, others as text. */
export interface Answer {
  status: number;
  retryAfter: string | null;
  /** Each test reads the fields of its own route. */
  body: any;
}

export interface Harness {
  url: string;
  running: RunningHealthMonitor;
  backends: Backends;
  /** The monitor's clock when started with `clockAt` (the test moves it); unused on the wall clock. */
  clock: { now: number };
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Answer>;
  get(path: string): Promise<Answer>;
  /** The value of one sample of `/metrics` (`name{labels…`), NaN when absent. */
  metric(name: string, labels: string): Promise<number>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Environment variables beyond the defaults (port 0, silent logs). */
  vars?: Record<string, string>;
  /** Redis for the distributed mode; memory store and bus without it. */
  redisUrl?: string | undefined;
  /** Start the monitor's clock here (epoch ms) and let the test move `clock.now`; the wall clock without it. */
  clockAt?: number;
}

/** A health-monitor on a free loopback port, for the service's HTTP tests. */
export async function startHarness({ vars = {}, redisUrl, clockAt }: HarnessOptions = {}): Promise<Harness> {
  const env = parseEnv(healthMonitorEnv, {
    HEALTH_MONITOR_PORT: '0',
    LOG_LEVEL: 'silent',
    ...vars,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  const backends = await backendsFor(env, logger);
  const clock = { now: clockAt ?? Number.NaN };
  const running = await runHealthMonitor(env, backends, logger, clockAt === undefined ? undefined : () => clock.now);
  const url = running.server.url;
  const read = async (response: Response): Promise<Answer> => ({
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: response.headers.get('content-type')?.includes('json') ? await response.json() : await response.text(),
  });
  return {
    url,
    running,
    backends,
    clock,
    post: async (path, body, headers = {}) =>
      read(
        await fetch(url + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
        }),
      ),
    get: async (path) => read(await fetch(url + path)),
    async metric(name, labels) {
      const text = await (await fetch(`${url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}`));
      return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
    },
    async stop() {
      await running.stop();
      await backends.close();
    },
  };
}
