// `swarmscope bench soak`: the distributed platform (a redis-server and the five services, each its own process) under
// a paced load for a long time, sampled every interval: RSS and the longest event-loop stall of each service, and the
// detector's acceptance→verdict p99 over the interval. Prints the curve, then growth and stall figures.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { linearRegression, mean, median } from 'simple-statistics';
import { Pool } from 'undici';
import { SERVICE_NODE_FLAGS, waitReady } from './child-service';
import { histogramBuckets, quantileFromBuckets, subtractBuckets } from './detection-latency';
import { progress } from './progress';
import { PacedLoad } from './paced-load';
import { freePort, startRedisServer } from '@swarmscope/testkit';

export interface SoakOptions {
  seconds: number;
  /** Seconds between samples of the curve. */
  intervalSeconds: number;
  /** Seconds of load before the first sample (RSS growth is measured from there). */
  warmupSeconds: number;
  samplesPerSecond: number;
  agents: number;
  batch: number;
}

const SERVICES = [
  { name: 'health-monitor', main: '@swarmscope/health-monitor/dist/main.js', portVar: 'HEALTH_MONITOR_PORT' },
  { name: 'anomaly-detector', main: '@swarmscope/anomaly-detector/dist/main.js', portVar: 'ANOMALY_DETECTOR_PORT' },
  {
    name: 'emergence-detector',
    main: '@swarmscope/emergence-detector/dist/main.js',
    portVar: 'EMERGENCE_DETECTOR_PORT',
  },
  { name: 'autoscaler', main: '@swarmscope/autoscaler/dist/main.js', portVar: 'AUTOSCALER_PORT' },
  { name: 'incidents', main: '@swarmscope/incidents/dist/main.js', portVar: 'INCIDENTS_PORT' },
] as const;
type ServiceName = (typeof SERVICES)[number]['name'];

/** One point of the curve. */
export interface SoakSample {
  atSeconds: number;
  samplesPerSecond: number;
  rssMiB: Record<ServiceName, number>;
  /** Longest event-loop delay since the previous sample (prom-client resets it at each scrape), ms. */
  stallMs: Record<ServiceName, number>;
  detectionP99Ms: number;
}

export async function runSoakBench(options: SoakOptions): Promise<SoakSample[]> {
  const external = process.env.REDIS_URL;
  const redis = external ? undefined : await startRedisServer();
  const redisUrl = external ?? redis!.url;
  const ports = await Promise.all(SERVICES.map(() => freePort()));
  const portEnv = Object.fromEntries(SERVICES.map((s, i) => [s.portVar, String(ports[i])]));
  const children: ChildProcess[] = [];
  const origins = SERVICES.map((_, i) => `http://127.0.0.1:${ports[i]}`);
  const pool = new Pool(origins[0]!, { connections: 4 });
  try {
    const profileDir = process.env.SOAK_PROFILE_DIR;
    for (const service of SERVICES) {
      // SOAK_PROFILE_DIR: each service writes a CPU and a sampling heap profile there when it exits, its GC trace to <name>.gc.log.
      const profile = profileDir ? profileFlags(profileDir, service.name) : undefined;
      const child = spawn(
        process.execPath,
        [...SERVICE_NODE_FLAGS, ...(profile?.flags ?? []), require.resolve(service.main)],
        {
          // The narrator reports its own LLM use to health-monitor, as deployed.
          env: {
            ...process.env,
            ...portEnv,
            REDIS_URL: redisUrl,
            LOG_LEVEL: 'warn',
            API_KEYS: '',
            NARRATOR_REPORT_URL: origins[0]!,
          },
          stdio: ['ignore', profile?.stdout ?? 'ignore', 'inherit'],
        },
      );
      children.push(child);
    }
    await Promise.all(origins.map((origin, i) => waitReady(origin, children[i]!)));
    const load = new PacedLoad(pool, options);
    progress(
      `soak: distributed mode (redis + ${SERVICES.length} processes), ${load.describe()}; warming up for ${options.warmupSeconds} s...`,
    );
    await load.run(options.warmupSeconds);

    const curve: SoakSample[] = [];
    let before = histogramBuckets(await text(`${origins[1]}/metrics`), LATENCY);
    await Promise.all(origins.map((origin) => text(`${origin}/metrics`))); // resets each loop-delay maximum
    const started = performance.now();
    while ((performance.now() - started) / 1000 < options.seconds) {
      const part = await load.run(options.intervalSeconds);
      const metrics = await Promise.all(origins.map((origin) => text(`${origin}/metrics`)));
      const after = histogramBuckets(metrics[1]!, LATENCY);
      const point: SoakSample = {
        atSeconds: Math.round((performance.now() - started) / 1000),
        samplesPerSecond: part.samples / part.elapsed,
        rssMiB: byService((i) => gauge(metrics[i]!, 'process_resident_memory_bytes') / 2 ** 20),
        stallMs: byService((i) => gauge(metrics[i]!, 'nodejs_eventloop_lag_max_seconds') * 1000),
        detectionP99Ms: quantileFromBuckets(subtractBuckets(after, before), 0.99) * 1000,
      };
      before = after;
      curve.push(point);
      progress(
        `soak ${point.atSeconds} s: ${Math.round(point.samplesPerSecond)} samples/s · p99 ${point.detectionP99Ms.toFixed(1)} ms · RSS MiB ${SERVICES.map((s) => point.rssMiB[s.name].toFixed(0)).join(' / ')} · max stall ms ${SERVICES.map((s) => point.stallMs[s.name].toFixed(0)).join(' / ')}`,
      );
    }
    return curve;
  } finally {
    await pool.close();
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((child) =>
        child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined,
      ),
    );
    await redis?.stop();
  }
}

const LATENCY = 'swarmscope_detection_latency_seconds';

function profileFlags(dir: string, service: string): { flags: string[]; stdout: number } {
  mkdirSync(dir, { recursive: true });
  return {
    flags: [
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      `--cpu-prof-name=${service}.cpuprofile`,
      '--heap-prof',
      `--heap-prof-dir=${dir}`,
      `--heap-prof-name=${service}.heapprofile`,
      '--trace-gc',
    ],
    stdout: openSync(join(dir, `${service}.gc.log`), 'w'),
  };
}

function byService(value: (index: number) => number): Record<ServiceName, number> {
  return Object.fromEntries(SERVICES.map((s, i) => [s.name, value(i)])) as Record<ServiceName, number>;
}

async function text(url: string): Promise<string> {
  return (await fetch(url)).text();
}

/** The value of an unlabelled-but-for-service gauge in the text exposition format (NaN when absent). */
export function gauge(exposition: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(exposition);
  return match ? Number(match[1]) : Number.NaN;
}

/**
 * The soak's verdict from its curve: each service's RSS growth from the mean of the curve's first quarter to the mean
 * of its last (a collected heap swings by a third between two samples, so two single points would measure the GC
 * more than a leak), and its worst stall.
 */
export function summariseSoak(curve: readonly SoakSample[]): Array<{
  service: string;
  'RSS first MiB': string;
  'RSS last MiB': string;
  'RSS growth %': string;
  'max stall ms': string;
}> {
  if (curve.length === 0) return [];
  const quarter = Math.max(1, Math.floor(curve.length / 4));
  const first = curve.slice(0, quarter);
  const last = curve.slice(-quarter);
  return SERVICES.map(({ name }) => {
    const before = mean(first.map((p) => p.rssMiB[name]));
    const after = mean(last.map((p) => p.rssMiB[name]));
    return {
      service: name,
      'RSS first MiB': before.toFixed(0),
      'RSS last MiB': after.toFixed(0),
      'RSS growth %': ((after / before - 1) * 100).toFixed(1),
      'max stall ms': Math.max(...curve.map((p) => p.stallMs[name])).toFixed(0),
    };
  });
}

/**
 * Whether the detector's p99 rises over the soak: the medians of the curve's first and second half, and the
 * least-squares slope of p99 against time (NaN with fewer than two points).
 */
export function latencyTrend(curve: readonly SoakSample[]): {
  firstHalfMedianMs: number;
  secondHalfMedianMs: number;
  slopeMsPerHour: number;
} {
  const half = Math.floor(curve.length / 2);
  const p99 = (points: readonly SoakSample[]) =>
    points.length === 0 ? Number.NaN : median(points.map((p) => p.detectionP99Ms));
  const slope =
    curve.length < 2 ? Number.NaN : linearRegression(curve.map((p) => [p.atSeconds / 3600, p.detectionP99Ms])).m;
  return {
    firstHalfMedianMs: p99(curve.slice(0, half)),
    secondHalfMedianMs: p99(curve.slice(half)),
    slopeMsPerHour: slope,
  };
}
