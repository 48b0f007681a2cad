// `swarmscope bench ingest`: what health-monitor's ingest path takes over loopback, beside VictoriaMetrics fed the
// same samples in the same run (when installed), at each fleet size asked for.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { parseRetryAfter } from '@swarmscope/telemetry-client';
import { buildReportBatches, encodeIngestBodies, encodePrometheusBodies, type EncodedBody } from './ingest-bodies';
import { percentile } from './percentile';
import { progress } from './progress';
import { SERVICE_NODE_FLAGS, startEmbeddedPlatform, waitReady } from './child-service';
import {
  drainedMetrics,
  histogramBuckets,
  quantileFromBuckets,
  subtractBuckets,
  type Bucket,
} from './detection-latency';
import { freePort, startRedisServer } from '@swarmscope/testkit';

export interface IngestBenchOptions {
  mode: 'embedded' | 'redis' | 'both';
  seconds: number;
  /** Fleet sizes, each measured in turn. */
  agents: readonly number[];
  batch: number;
  concurrency: number;
  /** Tools named in each request report (0: none). */
  tools: number;
  /** Write a CPU profile of each health-monitor run here (node --cpu-prof). */
  profileDir?: string | undefined;
  /** Run VictoriaMetrics beside it when installed (default true). */
  victoria: boolean;
  /** Another build's health-monitor `dist/main.js` (e.g. main's), run first on the same load: before/after in one run. */
  baseline?: string | undefined;
  /**
   * Post to the whole embedded platform (`swarmscope start --no-fleet`, every detector reading the bus) instead of
   * health-monitor alone, and also measure what it analysed: the time until the anomaly-detector has read every sample,
   * and its detection latency. With `baseline`, that is another build's `tools/cli/dist/main.js`.
   */
  platform?: boolean;
}

/** The VictoriaMetrics binary: $VICTORIA_METRICS_BIN, or `victoria-metrics` (the Debian package's name) on the PATH. */
export function victoriaMetricsBinary(): string | undefined {
  const explicit = process.env.VICTORIA_METRICS_BIN;
  if (explicit) return explicit;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['victoria-metrics', 'victoria-metrics-prod']) {
      const path = join(dir, name);
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Ingest measured end to end over loopback: per fleet size, health-monitor (embedded, then Redis), then VictoriaMetrics. */
export async function runIngestBench(options: IngestBenchOptions): Promise<void> {
  const results: BenchResult[] = [];
  const victoria = options.victoria ? victoriaMetricsBinary() : undefined;
  const external = process.env.REDIS_URL;
  const redis = options.mode !== 'embedded' && !external ? await startRedisServer() : undefined;
  try {
    for (const agents of options.agents) {
      progress(`ingest: building ${agents} agents' bodies...`);
      const now = Date.now();
      const warm = buildReportBatches(agents, options.batch, now - 2000, 'request', 6, options.tools);
      const timed = buildReportBatches(agents, options.batch, now, 'request', 7, options.tools);
      const load = { agents, warm: encodeIngestBodies(warm), timed: encodeIngestBodies(timed) };
      if (options.platform) {
        if (options.baseline)
          results.push(await runPlatform('baseline build (platform)', load, options, options.baseline));
        results.push(await runPlatform('embedded platform', load, options));
        if (victoria)
          results.push(
            await runVictoriaMetrics(
              victoria,
              { agents, warm: encodePrometheusBodies(warm), timed: encodePrometheusBodies(timed) },
              options,
            ),
          );
        continue;
      }
      if (options.baseline)
        results.push(await runHealthMonitor('baseline build (memory)', undefined, load, options, options.baseline));
      if (options.mode !== 'redis')
        results.push(await runHealthMonitor('health-monitor (memory)', undefined, load, options));
      if (options.mode !== 'embedded')
        results.push(await runHealthMonitor('health-monitor (redis)', external ?? redis!.url, load, options));
      if (victoria)
        results.push(
          await runVictoriaMetrics(
            victoria,
            { agents, warm: encodePrometheusBodies(warm), timed: encodePrometheusBodies(timed) },
            options,
          ),
        );
    }
  } finally {
    await redis?.stop();
  }
  const vmRate = (agents: number) =>
    results.find((r) => r.agents === agents && r.server === 'victoria-metrics')?.samplesPerSecond;
  const vmCpu = (agents: number) =>
    results.find((r) => r.agents === agents && r.server === 'victoria-metrics')?.cpuMicrosPerSample;
  process.stdout.write(
    `\ningest: ${options.batch} reports a batch (9 samples a report), ${options.concurrency} in flight, ${options.seconds} s a run, load ${loadAverage()}\n`,
  );
  console.table(
    results.map((r) => {
      const vm = vmRate(r.agents);
      return {
        server: r.server,
        agents: r.agents,
        'samples/s': Math.round(r.samplesPerSecond),
        '× VictoriaMetrics': vm && r.server !== 'victoria-metrics' ? (r.samplesPerSecond / vm).toFixed(2) : '',
        'CPU µs/sample': r.cpuMicrosPerSample.toFixed(2),
        'CPU × VictoriaMetrics':
          vmCpu(r.agents) && r.server !== 'victoria-metrics'
            ? (r.cpuMicrosPerSample / vmCpu(r.agents)!).toFixed(2)
            : '',
        'p50 batch ms': r.p50Ms.toFixed(1),
        'p99 batch ms': r.p99Ms.toFixed(1),
        'refused (503/429)': r.refused,
        'failed batches': r.failed,
        'RSS bytes/agent': Math.round(r.rssBytesPerAgent),
      };
    }),
  );
  const analysed = results.filter((r) => r.analysis);
  if (analysed.length > 0) {
    process.stdout.write(
      '\nanalysed (the anomaly-detector read every sample accepted in the timed run; detection latency from its histogram):\n',
    );
    console.table(
      analysed.map(({ server, agents, analysis }) => ({
        server,
        agents,
        'analysed samples/s': Math.round(analysis!.samplesPerSecond),
        'drain s': analysis!.drainSeconds.toFixed(1),
        'detection p50 ms': analysis!.detectionP50Ms.toFixed(0),
        'detection p99 ms': analysis!.detectionP99Ms.toFixed(0),
        'RSS GB': (analysis!.rssBytes / 1e9).toFixed(2),
      })),
    );
  }
  if (options.baseline) process.stdout.write(`baseline build: ${options.baseline}\n`);
  if (!options.victoria) process.stdout.write('VictoriaMetrics: skipped (--no-victoria)\n');
  else if (!victoria) {
    process.stdout.write(
      'VictoriaMetrics: not installed, skipped (apt-get install -y victoria-metrics, or set VICTORIA_METRICS_BIN)\n',
    );
  }
  process.stdout.write(
    "CPU µs/sample: the server's CPU time (all its threads, /proc) over the timed run per accepted sample — steadier than samples/s on a shared machine; CPU × VictoriaMetrics below 1 is cheaper than it\n" +
      "RSS bytes/agent: the server's RSS growth from ready to after the timed load, over the agents (coarse: heap headroom and garbage; `bench memory` gives the heap after a GC)\n",
  );
}

interface Load {
  agents: number;
  /** One round over every agent before the clock starts: registers agents and series. */
  warm: EncodedBody[];
  timed: EncodedBody[];
}

interface BenchResult {
  server: string;
  agents: number;
  samplesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  refused: number;
  failed: number;
  rssBytesPerAgent: number;
  /** The server's CPU time (user + system, every thread) over the timed run, per accepted sample. */
  cpuMicrosPerSample: number;
  /** The whole platform only: what was analysed of the timed run. */
  analysis?: PlatformAnalysis;
}

interface PlatformAnalysis {
  /** Samples accepted in the timed run over the time until the anomaly-detector had read them all. */
  samplesPerSecond: number;
  /** Seconds after the last accepted batch until the anomaly-detector's samples lag was 0. */
  drainSeconds: number;
  detectionP50Ms: number;
  detectionP99Ms: number;
  /** The platform process's RSS once drained. */
  rssBytes: number;
}

/** The whole embedded platform in a child process (as `pnpm start --no-fleet` runs it), fed like health-monitor alone. */
async function runPlatform(
  server: string,
  load: Load,
  options: IngestBenchOptions,
  main = join(__dirname, '..', 'main.js'),
): Promise<BenchResult> {
  const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  const platform = await startEmbeddedPlatform(main, profile, {
    MAX_BATCH_REPORTS: String(Math.max(5000, options.batch)),
  });
  const { child, healthMonitor: origin, anomalyDetector: detector } = platform;
  try {
    let before: Bucket[] = [];
    const result = await measure(server, origin, '/v1/ingest', 'application/json', child, load, options, async () => {
      before = histogramBuckets(
        await drainedMetrics(`${detector}/metrics`, 120_000).then((m) => m.text),
        DETECTION_HISTOGRAM,
      );
    });
    const drained = await drainedMetrics(`${detector}/metrics`, 120_000);
    const buckets = subtractBuckets(histogramBuckets(drained.text, DETECTION_HISTOGRAM), before);
    const busy = result.elapsedSeconds + drained.waitedSeconds;
    return {
      ...result,
      analysis: {
        samplesPerSecond: drained.lag === 0 ? result.acceptedSamples / busy : Number.NaN,
        drainSeconds: drained.waitedSeconds,
        detectionP50Ms: quantileFromBuckets(buckets, 0.5) * 1000,
        detectionP99Ms: quantileFromBuckets(buckets, 0.99) * 1000,
        rssBytes: rssBytes(child),
      },
    };
  } finally {
    await platform.stop();
  }
}

async function runHealthMonitor(
  server: string,
  redisUrl: string | undefined,
  load: Load,
  options: IngestBenchOptions,
  main = require.resolve('@swarmscope/health-monitor/dist/main.js'),
): Promise<BenchResult> {
  const port = await freePort();
  const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  // health-monitor alone, as its own process with the flags Swarmscope runs it with: the figure is its ingest path.
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...profile, main], {
    env: {
      ...process.env,
      HEALTH_MONITOR_PORT: String(port),
      LOG_LEVEL: 'warn',
      API_KEYS: '',
      MAX_BATCH_REPORTS: String(Math.max(5000, options.batch)),
      REDIS_URL: redisUrl ?? '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitReady(origin, child);
    return await measure(server, origin, '/v1/ingest', 'application/json', child, load, options);
  } finally {
    await stop(child);
  }
}

async function runVictoriaMetrics(binary: string, load: Load, options: IngestBenchOptions): Promise<BenchResult> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-vm-'));
  const child = spawn(
    binary,
    [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dataDir}`, '-retentionPeriod=1d', '-loggerLevel=ERROR'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(origin, child);
    return await measure('victoria-metrics', origin, '/api/v1/import/prometheus', 'text/plain', child, load, options);
  } finally {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const WARM_BATCHES = 20;
/** Times one warm-up batch is sent again after a shed answer (Retry-After 1 s by default) before the run gives up. */
const MAX_WARM_RETRIES = 120;
/** The wait after a shed answer without a readable Retry-After. */
const SHED_WAIT_MS = 1000;
const DETECTION_HISTOGRAM = 'swarmscope_detection_latency_seconds';

/**
 * Warm-up rounds, then `options.seconds` of `concurrency` clients posting the timed bodies in turn (`afterWarmUp`
 * runs in between: the platform drains its warm-up there).
 */
async function measure(
  server: string,
  origin: string,
  path: string,
  contentType: string,
  child: ChildProcess,
  load: Load,
  options: IngestBenchOptions,
  afterWarmUp: () => Promise<void> = async () => undefined,
): Promise<BenchResult & { elapsedSeconds: number; acceptedSamples: number }> {
  const rssBefore = rssBytes(child);
  let cpuBefore = 0;
  const pool = new Pool(origin, { connections: options.concurrency, keepAliveTimeout: 60_000 });
  /** The answer's status (0: no answer) and the wait a shed answer (429/503) asks for, as the SDK honours it. */
  const post = async (body: Buffer): Promise<{ status: number; waitMs: number }> => {
    try {
      const response = await pool.request({ path, method: 'POST', headers: { 'content-type': contentType }, body });
      await response.body.dump();
      const shed = response.statusCode === 429 || response.statusCode === 503;
      return {
        status: response.statusCode,
        waitMs: shed ? (parseRetryAfter(response.headers['retry-after']) ?? SHED_WAIT_MS) : 0,
      };
    } catch {
      return { status: 0, waitMs: 0 };
    }
  };
  try {
    // At least WARM_BATCHES posts (whole rounds): a small fleet is 2 batches a round, and the server's first batches
    // run before its JIT has compiled the ingest path (seconds each on a loaded machine: they were the p99).
    for (let posted = 0; posted < WARM_BATCHES;) {
      for (const body of load.warm) {
        let { status, waitMs } = await post(body.bytes);
        // A shed warm-up batch (the analysis behind on every agent's first reports) is sent again after the wait.
        for (let retries = 0; waitMs > 0 && retries < MAX_WARM_RETRIES; retries++) {
          await sleep(waitMs);
          ({ status, waitMs } = await post(body.bytes));
        }
        if (status < 200 || status >= 300)
          throw new Error(`${server}: a warm-up batch was answered ${status || 'with a network error'}`);
        posted++;
      }
    }
    await afterWarmUp();
    progress(`${server}: ${load.agents} agents warm, measuring for ${options.seconds} s...`);
    const latencies: number[] = [];
    cpuBefore = cpuSeconds(child);
    let samples = 0;
    let refused = 0;
    let failed = 0;
    let next = 0;
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < deadline) {
          const body = load.timed[next++ % load.timed.length]!;
          const t0 = performance.now();
          const { status, waitMs } = await post(body.bytes);
          latencies.push(performance.now() - t0);
          if (status >= 200 && status < 300) samples += body.samples;
          else if (waitMs > 0) refused++;
          else failed++;
          // A client that honours Retry-After (the SDK does), not a hot loop of refused posts.
          if (waitMs > 0) await sleep(Math.min(waitMs, deadline - performance.now()));
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(child) - cpuBefore;
    const rssAfter = rssBytes(child);
    latencies.sort((a, b) => a - b);
    return {
      server,
      agents: load.agents,
      samplesPerSecond: samples / elapsed,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      refused,
      failed,
      rssBytesPerAgent: (rssAfter - rssBefore) / load.agents,
      cpuMicrosPerSample: (cpu * 1e6) / samples,
      elapsedSeconds: elapsed,
      acceptedSamples: samples,
    };
  } finally {
    await pool.close();
  }
}

async function waitHealthy(origin: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`victoria-metrics exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${origin}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${origin} did not become healthy within 30 s`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Clock ticks a second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux whatever the kernel's HZ). */
const USER_HZ = 100;

/** The process's user + system CPU seconds so far, every thread (/proc/<pid>/stat fields 14 and 15). */
function cpuSeconds(child: ChildProcess): number {
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

function rssBytes(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kib = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kib ? Number(kib) * 1024 : 0;
}

const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
