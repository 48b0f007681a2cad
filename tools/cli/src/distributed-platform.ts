import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_GENERATOR,
  Population,
  SimulationRunner,
  createScenario,
  type GeneratorConfig,
  type RunStats,
  type Scenario,
  type ScenarioContext,
  type ScenarioName,
  type TruthRecord,
} from '@swarmscope/simulator';
import { freePort } from '@swarmscope/testkit';

// The platform as separate processes of the built service mains (distributed mode), and as the single process
// (`swarmscope start`), for the scale-out test and benchmark. Everything listens on free loopback ports.

const ROOT = join(__dirname, '..', '..', '..');
export const MAINS = {
  healthMonitor: join(ROOT, 'services', 'health-monitor', 'dist', 'main.js'),
  anomalyDetector: join(ROOT, 'services', 'anomaly-detector', 'dist', 'main.js'),
  emergenceDetector: join(ROOT, 'services', 'emergence-detector', 'dist', 'main.js'),
  autoscaler: join(ROOT, 'services', 'autoscaler', 'dist', 'main.js'),
  incidents: join(ROOT, 'services', 'incidents', 'dist', 'main.js'),
  cli: join(ROOT, 'tools', 'cli', 'dist', 'main.js'),
};

export interface ServiceProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** The last 20 kB it wrote (stdout and stderr). */
  output(): string;
  exited: Promise<void>;
}

/**
 * Retries `start` (3 attempts) when it failed on EADDRINUSE: a free port found and then handed to a child can be
 * taken by another process in between (other tests and benchmarks share the machine).
 */
async function withFreshPorts<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= 3 || !(error as Error).message.includes('EADDRINUSE')) throw error;
    }
  }
}

/** Starts `node main args` with `portVar` on a free port and resolves once /readyz answers 200 (30 s at most). */
export function startServiceProcess(
  name: string,
  main: string,
  args: string[],
  env: Record<string, string>,
  portVar: string,
): Promise<ServiceProcess> {
  return withFreshPorts(() => startServiceProcessOnce(name, main, args, env, portVar));
}

async function startServiceProcessOnce(
  name: string,
  main: string,
  args: string[],
  env: Record<string, string>,
  portVar: string,
): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [main, ...args], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      API_KEYS: '',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      [portVar]: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const service: ServiceProcess = { name, url: `http://127.0.0.1:${port}`, child, output: () => output, exited };
  try {
    await waitUntil(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`${name} exited with code ${child.exitCode}:\n${output.slice(-3000)}`);
        return (await fetch(`${service.url}/readyz`).catch(() => undefined))?.ok === true;
      },
      30_000,
      `${name} ready`,
      () => output,
    );
  } catch (error) {
    await stopServiceProcess(service, 'SIGKILL');
    throw error;
  }
  return service;
}

/** Signals the process (SIGTERM: graceful) and waits for it to exit (SIGKILL after 15 s). */
export async function stopServiceProcess(service: ServiceProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill(signal);
  const force = setTimeout(() => service.child.kill('SIGKILL'), 15_000);
  await service.exited;
  clearTimeout(force);
}

/** Polls `cond` every 100 ms; fails naming `what` (and the tail of `detail`) after `timeoutMs`. */
export async function waitUntil(
  cond: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
  detail: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${detail().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface DistributedPlatform {
  healthMonitors: ServiceProcess[];
  anomalyDetectors: ServiceProcess[];
  emergenceDetector: ServiceProcess;
  autoscaler: ServiceProcess;
  incidents: ServiceProcess;
  /** The environment of anomaly-detector replica `ordinal` (to start a replacement). */
  anomalyDetectorEnv(ordinal: number): Record<string, string>;
  stop(): Promise<void>;
}

export interface DistributedOptions {
  /** REDIS_CLUSTER_NODES. */
  clusterNodes: string;
  shards: number;
  /** Variables every process gets (windows, ticks, leases...). */
  env: Record<string, string>;
}

/**
 * health-monitor ×2, anomaly-detector ×2 (replica k prefers half k of the shards), emergence-detector, autoscaler
 * and incidents, each its own process on the cluster; resolves once each anomaly-detector owns its half.
 */
export async function startDistributedPlatform(options: DistributedOptions): Promise<DistributedPlatform> {
  const common = {
    ...options.env,
    REDIS_CLUSTER_NODES: options.clusterNodes,
    REDIS_URL: '',
    BUS_SHARDS: String(options.shards),
  };
  const half = options.shards / 2;
  const anomalyDetectorEnv = (ordinal: number) => ({
    ...common,
    ANOMALY_SHARDS: ordinal === 0 ? `0-${Math.ceil(half) - 1}` : `${Math.ceil(half)}-${options.shards - 1}`,
    BUS_CONSUMER: `anomaly-detector-${ordinal}`,
  });
  const all: ServiceProcess[] = [];
  const start = async (name: string, main: string, env: Record<string, string>, portVar: string) => {
    const service = await startServiceProcess(name, main, [], env, portVar);
    all.push(service);
    return service;
  };
  try {
    const healthMonitors = [
      await start('health-monitor-0', MAINS.healthMonitor, common, 'HEALTH_MONITOR_PORT'),
      await start('health-monitor-1', MAINS.healthMonitor, common, 'HEALTH_MONITOR_PORT'),
    ];
    const anomalyDetectors = [
      await start('anomaly-detector-0', MAINS.anomalyDetector, anomalyDetectorEnv(0), 'ANOMALY_DETECTOR_PORT'),
      await start('anomaly-detector-1', MAINS.anomalyDetector, anomalyDetectorEnv(1), 'ANOMALY_DETECTOR_PORT'),
    ];
    const emergenceDetector = await start(
      'emergence-detector',
      MAINS.emergenceDetector,
      common,
      'EMERGENCE_DETECTOR_PORT',
    );
    const autoscaler = await start('autoscaler', MAINS.autoscaler, common, 'AUTOSCALER_PORT');
    const incidents = await start('incidents', MAINS.incidents, common, 'INCIDENTS_PORT');
    await waitUntil(
      async () => {
        const owned = await Promise.all(anomalyDetectors.map(async (a) => (await ownedShards(a.url)).length));
        return owned[0] === Math.ceil(half) && owned[1] === options.shards - Math.ceil(half);
      },
      30_000,
      'each anomaly-detector owning its half of the shards',
    );
    return {
      healthMonitors,
      anomalyDetectors,
      emergenceDetector,
      autoscaler,
      incidents,
      anomalyDetectorEnv,
      stop: async () => {
        await Promise.all(
          [...all, ...anomalyDetectors.filter((a) => !all.includes(a))].map((service) => stopServiceProcess(service)),
        );
      },
    };
  } catch (error) {
    await Promise.all(all.map((service) => stopServiceProcess(service, 'SIGKILL')));
    throw error;
  }
}

export interface SinglePlatform {
  healthMonitor: string;
  anomalyDetector: string;
  emergenceDetector: string;
  process: ServiceProcess;
  stop(): Promise<void>;
}

/**
 * `swarmscope start --no-fleet` in memory, with the same variables; every port free (incidents' 8084 too: another
 * platform may run beside it). Its history lives in a fresh temporary directory, removed at stop: embedded mode
 * continues from the history in its data directory (default ./.swarmscope of the working directory), so a platform
 * started in the checkout listed the anomalies of earlier runs (and of other runs in the same checkout) beside this
 * run's, and those matched injections of this run by agent id and type.
 */
export function startSinglePlatform(env: Record<string, string>): Promise<SinglePlatform> {
  return withFreshPorts(() => startSinglePlatformOnce(env));
}

async function startSinglePlatformOnce(env: Record<string, string>): Promise<SinglePlatform> {
  const ports = { ad: await freePort(), em: await freePort() };
  const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-single-'));
  const removeData = () => rmSync(dataDir, { recursive: true, force: true });
  const process = await startServiceProcessOnce(
    'swarmscope start',
    MAINS.cli,
    ['start', '--no-fleet'],
    {
      ...env,
      SWARMSCOPE_DATA_DIR: dataDir,
      ANOMALY_DETECTOR_PORT: String(ports.ad),
      EMERGENCE_DETECTOR_PORT: String(ports.em),
      AUTOSCALER_PORT: '0',
      INCIDENTS_PORT: '0',
      REDIS_URL: '',
      REDIS_CLUSTER_NODES: '',
    },
    'HEALTH_MONITOR_PORT',
  ).catch((error: unknown) => {
    removeData();
    throw error;
  });
  return {
    healthMonitor: process.url,
    anomalyDetector: `http://127.0.0.1:${ports.ad}`,
    emergenceDetector: `http://127.0.0.1:${ports.em}`,
    process,
    stop: async () => {
      await stopServiceProcess(process);
      removeData();
    },
  };
}

export async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The bus shards an anomaly-detector reads now (GET /detectors). */
export async function ownedShards(url: string): Promise<number[]> {
  return (await fetchJson<{ bus: { shards: number[] } }>(`${url}/detectors`)).bus.shards;
}

/** A gauge or counter's value in a service's /metrics (the first series whose labels include `labels`). */
export async function metricValue(url: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels && !line.includes(labels)) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return Number.NaN;
}

/** A simulator scenario, or the `anomalies` and `emergence` scenarios composed (both effects, both truths). */
export type FeedScenario = ScenarioName | 'anomalies+emergence';

export interface FeedOptions {
  seed: number;
  agents: number;
  seconds: number;
  /** Requests per agent per second. */
  rate: number;
  /** Simulation time 0, epoch ms (default: 500 ms from now). */
  startEpochMs?: number;
  /** The generator's day length (default 86,400: real time); 0 is a flat load that does not depend on the hour. */
  daySeconds?: number;
}

function buildScenario(name: FeedScenario, context: ScenarioContext): Scenario {
  if (name !== 'anomalies+emergence') return createScenario(name, context);
  const parts = [createScenario('anomalies', context), createScenario('emergence', context)];
  return {
    name,
    truth: parts.flatMap((part) => part.truth),
    modify(agent, t, dt, mods) {
      for (const part of parts) part.modify(agent, t, dt, mods);
    },
  };
}

/** A runner of the seeded scenario into `endpoint` (one health-monitor or several replicas), not started. */
function simulation(
  endpoint: string | string[],
  scenarioName: FeedScenario,
  options: FeedOptions & { startEpochMs: number },
): { runner: SimulationRunner; truth: readonly TruthRecord[] } {
  const { startEpochMs } = options;
  const config: GeneratorConfig = {
    ...DEFAULT_GENERATOR,
    seed: options.seed,
    startEpochMs,
    daySeconds: options.daySeconds ?? 86_400,
    requestsPerSecond: options.rate,
  };
  const population = Population.build({ agents: options.agents, seed: options.seed });
  const scenario = buildScenario(scenarioName, {
    population,
    seed: options.seed,
    durationSeconds: options.seconds,
    startEpochMs,
  });
  return {
    runner: new SimulationRunner({
      endpoint,
      population,
      scenario,
      config,
      durationMs: options.seconds * 1000,
      ref: false,
    }),
    truth: scenario.truth,
  };
}

/**
 * One seeded scenario into one platform (its health-monitor, or each of its replicas for its share of the agents);
 * resolves once the run's simulation time has been generated and the SDK has delivered what it holds.
 */
export async function feed(
  endpoint: string | string[],
  scenarioName: FeedScenario,
  options: FeedOptions,
): Promise<{ stats: RunStats; truth: readonly TruthRecord[]; startEpochMs: number }> {
  const startEpochMs = options.startEpochMs ?? Date.now() + 500;
  const run = simulation(endpoint, scenarioName, { ...options, startEpochMs });
  run.runner.start();
  await run.runner.done;
  return { stats: await run.runner.stop(), truth: run.truth, startEpochMs };
}

/** The same seeded scenario, from the same start and on the same clock, into the cluster's two health-monitors and into the single process. */
export async function feedBoth(
  distributed: DistributedPlatform,
  single: SinglePlatform,
  scenarioName: FeedScenario,
  options: FeedOptions,
): Promise<{ cluster: RunStats; single: RunStats; truth: readonly TruthRecord[] }> {
  const at = { ...options, startEpochMs: options.startEpochMs ?? Date.now() + 500 };
  const cluster = simulation(
    distributed.healthMonitors.map((h) => h.url),
    scenarioName,
    at,
  );
  const reference = simulation(single.healthMonitor, scenarioName, at);
  cluster.runner.start();
  reference.runner.start();
  await Promise.all([cluster.runner.done, reference.runner.done]);
  const [a, b] = await Promise.all([cluster.runner.stop(), reference.runner.stop()]);
  return { cluster: a, single: b, truth: reference.truth };
}
