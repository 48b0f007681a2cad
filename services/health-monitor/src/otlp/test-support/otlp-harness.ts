import { startHarness as startMonitor, type Harness as MonitorHarness } from '../../test-support/http-harness';

export const WINDOW = 60_000;
/** The window the test starts in: spans are stamped from here, and the monitor's clock starts 1 s in. */
export const T0 = Math.floor(Date.now() / WINDOW) * WINDOW;

/** The service's HTTP harness, with `get` answering the JSON body and windows closed on demand. */
export interface Harness extends Omit<MonitorHarness, 'get'> {
  get(path: string): Promise<any>;
  /** Moves the clock to T0 + `throughMs` and ticks: windows ended by then close. */
  closeWindows(throughMs: number): Promise<void>;
}

/** A health-monitor on a free loopback port, in-memory store and bus, with a clock the test moves. */
export async function startHarness(vars: Record<string, string> = {}): Promise<Harness> {
  const monitor = await startMonitor({ vars: { WINDOW_GRACE_SECONDS: '1', ...vars }, clockAt: T0 + 1000 });
  return {
    ...monitor,
    get: async (path) => (await monitor.get(path)).body,
    async closeWindows(throughMs) {
      monitor.clock.now = T0 + throughMs;
      await monitor.running.monitor.tick();
    },
  };
}
