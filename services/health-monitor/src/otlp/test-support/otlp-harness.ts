import { createLogger, parseEnv, type Backends } from '@swarmscope/core';
import { healthMonitorEnv } from '../../env';
import { backendsFor, runHealthMonitor, type RunningHealthMonitor } from '../../run';

const logger = createLogger({ name: 'test', level: 'silent' });
export const WINDOW = 60_000;
/** The window the test starts in: spans are stamped from here, and the monitor's clock starts 1 s in. */
export const T0 = Math.floor(Date.now() / WINDOW) * WINDOW;

export interface Harness {
  url: string;
  running: RunningHealthMonitor;
  backends: Backends;
  clock: { now: number };
  get(path: string): Promise<any>;
  /** Moves the clock to T0 + `throughMs` and ticks: windows ended by then close. */
  closeWindows(throughMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** A health-monitor on a free loopback port, in-memory store and bus, with a clock the test moves. */
export async function startHarness(vars: Record<string, string> = {}): Promise<Harness> {
  const env = parseEnv(healthMonitorEnv, { HEALTH_MONITOR_PORT: '0', LOG_LEVEL: 'silent', WINDOW_GRACE_SECONDS: '1', ...vars });
  const backends = await backendsFor(env, logger);
  const clock = { now: T0 + 1000 };
  const running = await runHealthMonitor(env, backends, logger, () => clock.now);
  const url = running.server.url;
  return {
    url,
    running,
    backends,
    clock,
    get: async (path) => (await fetch(url + path)).json(),
    async closeWindows(throughMs) {
      clock.now = T0 + throughMs;
      await running.monitor.tick();
    },
    async stop() {
      await running.stop();
      await backends.close();
    },
  };
}
