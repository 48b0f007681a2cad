import { join } from 'node:path';
import { composeEnvironment, composeServices } from './compose';
import { startDaemon, type Daemon } from './processes';
import { repoRoot } from './repo';
import { waitFor } from './wait-for';
import { freePort, startRedisServer, type RedisServerHandle } from '@swarmscope/testkit';

// Compose's autoscaler switched to the simulator (`AUTOSCALER_ACTUATOR=simulator docker compose --profile simulator`),
// run for real without Docker: compose's commands and variables for redis-backed health-monitor, the autoscaler and
// the simulator, with only what a container network gives changed (service names → loopback addresses and free ports,
// a local redis-server, servers on 127.0.0.1, no collector) and the fleet smaller. A pool policy raising the minimum
// must reach the simulator through the control endpoint compose names.

interface Running {
  name: string;
  daemon: Daemon;
}

let redis: RedisServerHandle;
const running: Running[] = [];
const addresses = new Map<string, string>();

/** The compose address `service:port` → this test's loopback address for it. */
async function place(service: string, composePort: string): Promise<string> {
  const address = `127.0.0.1:${await freePort()}`;
  addresses.set(`${service}:${composePort}`, address);
  return address;
}

/** A compose value with its container addresses replaced by the loopback ones. */
const local = (value: string) => [...addresses].reduce((text, [from, to]) => text.split(from).join(to), value);

function start(name: string, env: Record<string, string>, args?: string[]): Daemon {
  const command = args ?? composeServices[name]!.command!;
  const daemon = startDaemon(
    process.execPath,
    command
      .slice(1)
      .map((arg) => (arg.startsWith('tools/') || arg.startsWith('services/') ? join(repoRoot, arg) : local(arg))),
    {
      ...process.env,
      ...Object.fromEntries(Object.entries(env).map(([key, value]) => [key, local(value)])),
    },
  );
  running.push({ name, daemon });
  return daemon;
}

/** Compose's environment for a service, fitted to this machine: loopback, the local redis, no collector. */
function environment(
  name: string,
  port: { variable: string; address: string } | undefined,
  shell: Record<string, string> = {},
): Record<string, string> {
  const env = composeEnvironment(name, shell);
  delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return {
    ...env,
    HOST: '127.0.0.1',
    REDIS_URL: redis.url,
    LOG_LEVEL: 'warn',
    ...(port ? { [port.variable]: port.address.split(':')[1]! } : {}),
  };
}

beforeAll(async () => {
  redis = await startRedisServer();
  const health = await place('health-monitor', '8080');
  const autoscaler = await place('autoscaler', '8083');
  const control = await place('simulator', '9100');
  start('health-monitor', environment('health-monitor', { variable: 'HEALTH_MONITOR_PORT', address: health }));
  // Decide every second instead of every ten, so the test does not wait for the default tick.
  start('autoscaler', {
    ...environment(
      'autoscaler',
      { variable: 'AUTOSCALER_PORT', address: autoscaler },
      { AUTOSCALER_ACTUATOR: 'simulator' },
    ),
    AUTOSCALER_TICK_SECONDS: '1',
  });
  await waitFor(
    'health-monitor and autoscaler ready',
    async () => {
      const answers = await Promise.all([health, autoscaler].map((a) => fetch(`http://${a}/readyz`).then((r) => r.ok)));
      return answers.every(Boolean) ? true : undefined;
    },
    { timeoutMs: 30_000, detail: () => running.map((r) => `${r.name}: ${r.daemon.output()}`).join('\n') },
  );
  // compose's simulator command, with a fleet of 40 agents and the control port placed on loopback.
  const simulate = composeServices.simulator!.command!.map((arg, i, all) =>
    all[i - 1] === '--agents' ? '40' : all[i - 1] === '--control-port' ? control.split(':')[1]! : arg,
  );
  start('simulator', environment('simulator', undefined), simulate);
}, 90_000);

afterAll(async () => {
  for (const { daemon } of running.reverse()) await daemon.stop();
  await redis?.stop();
});

describe('compose’s autoscaler with AUTOSCALER_ACTUATOR=simulator', () => {
  it('resizes the simulated fleet through the control endpoint compose names', async () => {
    const control = `http://${addresses.get('simulator:9100')}`;
    const autoscaler = `http://${addresses.get('autoscaler:8083')}`;
    const detail = () => running.map((r) => `${r.name}: ${r.daemon.output()}`).join('\n');
    const pools = await waitFor(
      'the simulator’s pools',
      async () => {
        const answer = (await (await fetch(`${control}/pools`)).json()) as {
          pools: Array<{ pool: string; agents: number }>;
        };
        return answer.pools.length > 0 ? answer.pools : undefined;
      },
      { timeoutMs: 30_000, detail },
    );
    const { pool, agents } = pools[0]!;
    // The autoscaler has seen the pool (its samples came through health-monitor and the Redis bus).
    await waitFor(
      `a decision for ${pool}`,
      async () => {
        const text = await (await fetch(`${autoscaler}/metrics`)).text();
        return text.includes(`swarmscope_autoscaler_desired_replicas{pool="${pool}"`) ? true : undefined;
      },
      { timeoutMs: 30_000, detail },
    );
    // min = max: whatever the load says, the only right size is this one.
    const wanted = agents + 3;
    const policy = await fetch(`${autoscaler}/policies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pool, minReplicas: wanted, maxReplicas: wanted }),
    });
    expect(policy.status).toBe(200);
    const resized = await waitFor(
      `${pool} resized to ${wanted}`,
      async () => {
        const answer = (await (await fetch(`${control}/pools`)).json()) as {
          pools: Array<{ pool: string; agents: number }>;
        };
        const now = answer.pools.find((p) => p.pool === pool)!;
        return now.agents === wanted ? now : undefined;
      },
      { timeoutMs: 30_000, detail },
    );
    expect(resized).toMatchObject({ pool, agents: wanted });
    const metrics = await (await fetch(`${autoscaler}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(
        `swarmscope_autoscaler_actuations_total\\{pool="${pool}",actuator="simulator",outcome="success"[^}]*\\} [1-9]`,
      ),
    );
  });
});
