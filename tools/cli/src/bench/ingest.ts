// `swarmscope bench ingest`: what health-monitor's ingest path takes, over loopback, in both modes.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { buildIngestBodies } from './ingest-bodies';
import { percentile } from './percentile';
import { waitReady } from './child-service';
import { freePort, startRedisServer } from '@swarmscope/testkit';

export interface IngestBenchOptions {
  mode: 'embedded' | 'redis' | 'both';
  seconds: number;
  agents: number;
  batch: number;
  concurrency: number;
  /** Tools named in each request report (0: none). */
  tools: number;
}

/** Ingest measured end to end over loopback: embedded, then with Redis (a redis-server it starts unless REDIS_URL is set). */
export async function runIngestBench(options: IngestBenchOptions): Promise<void> {
  const results: BenchResult[] = [];
  if (options.mode !== 'redis') results.push(await runIngest('embedded', undefined, options));
  if (options.mode !== 'embedded') {
    const external = process.env.REDIS_URL;
    const redis = external ? undefined : await startRedisServer();
    try {
      results.push(await runIngest('redis', external ?? redis!.url, options));
    } finally {
      await redis?.stop();
    }
  }
  process.stdout.write(`\ningest: ${options.agents} agents, ${options.batch} reports a batch, ${options.concurrency} in flight, ${options.seconds} s a mode\n`);
  console.table(
    results.map((r) => ({
      mode: r.mode,
      'samples/s': Math.round(r.samplesPerSecond),
      'reports/s': Math.round(r.reportsPerSecond),
      'p50 batch ms': r.p50Ms.toFixed(1),
      'p99 batch ms': r.p99Ms.toFixed(1),
      'failed batches': r.errors,
      'RSS MiB / 10k agents (after load)': r.rssPer10kAgentsMiB.toFixed(1),
    })),
  );
}

interface BenchResult {
  mode: string;
  samplesPerSecond: number;
  reportsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** RSS growth after the load phase too (adds the agents' open windows and their latency sketches). */
  rssPer10kAgentsMiB: number;
}

async function runIngest(mode: string, redisUrl: string | undefined, options: Omit<IngestBenchOptions, 'mode'>): Promise<BenchResult> {
  const port = await freePort();
  // health-monitor alone, as its own process: the figure is its ingest path, not the other services'.
  const child = spawn(process.execPath, [require.resolve('@swarmscope/health-monitor/dist/main.js')], {
    env: { ...process.env, HEALTH_MONITOR_PORT: String(port), LOG_LEVEL: 'warn', API_KEYS: '', ...(redisUrl ? { REDIS_URL: redisUrl } : { REDIS_URL: '' }) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitReady(origin, child);
    const rssBefore = rssBytes(child);
    const pool = new Pool(origin, { connections: options.concurrency, keepAliveTimeout: 60_000 });
    // Warm-up: every agent registers with a heartbeat, so the timed part measures steady-state ingest and the
    // RSS step measures what a tracked agent costs before it has latency windows.
    for (const body of buildIngestBodies(options.agents, options.batch, Date.now(), 'heartbeat')) await post(pool, body.bytes);
    const bodies = buildIngestBodies(options.agents, options.batch, Date.now(), 'request', undefined, options.tools);
    const rssAgents = rssBytes(child);
    progress(`${mode}: ${options.agents} agents registered, measuring for ${options.seconds} s...`);

    const latencies: number[] = [];
    let samples = 0;
    let reports = 0;
    let errors = 0;
    let next = 0;
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < deadline) {
          const body = bodies[next++ % bodies.length]!;
          const t0 = performance.now();
          const ok = await post(pool, body.bytes);
          latencies.push(performance.now() - t0);
          if (ok) {
            samples += body.samples;
            reports += body.reports;
          } else errors++;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const rssAfter = rssBytes(child);
    await pool.close();
    latencies.sort((a, b) => a - b);
    // RSS is coarse (heap headroom, garbage): `bench memory` gives the exact per-agent cost after a GC.
    const withWindows = (Math.max(rssAgents, rssAfter) - rssBefore) / options.agents;
    return {
      mode,
      samplesPerSecond: samples / elapsed,
      reportsPerSecond: reports / elapsed,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      errors,
      rssPer10kAgentsMiB: (withWindows * 10_000) / 2 ** 20,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function post(pool: Pool, body: Buffer): Promise<boolean> {
  try {
    const response = await pool.request({ path: '/v1/ingest', method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await response.body.dump();
    return response.statusCode === 200;
  } catch {
    return false;
  }
}

function rssBytes(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kib = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kib ? Number(kib) * 1024 : 0;
}



export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
