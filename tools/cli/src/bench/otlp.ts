// `swarmscope bench otlp`: OTLP/protobuf spans against /v1/ingest reports of the same requests, one health-monitor.
import { spawn } from 'node:child_process';
import { Pool } from 'undici';
import { SERVICE_NODE_FLAGS, waitReady } from './child-service';
import { runInGcChild } from './gc-child';
import { buildEquivalentBodies } from './otlp-bodies';
import { percentile } from './percentile';
import { progress } from './progress';
import { freePort } from '@swarmscope/testkit';

export interface OtlpBenchOptions {
  seconds: number;
  agents: number;
  batch: number;
  concurrency: number;
}

interface Phase {
  path: string;
  items: number;
  seconds: number;
  latencies: number[];
  itemsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
}

export interface SpanIndexMemory {
  entries: number;
  bytesPerEntry: number;
  /** The index at its default bound (OTLP_SPAN_INDEX_MAX), MiB. */
  mibAtDefaultBound: number;
}

/**
 * Spans/s one health-monitor (a child process, embedded store and bus) accepts over OTLP/HTTP protobuf, against the
 * reports/s it accepts over /v1/ingest carrying the same requests; p50/p99 request latency of both; then the span-id
 * index's heap cost per entry, after a forced GC in a fresh process.
 */
export async function runOtlpBench(options: OtlpBenchOptions): Promise<void> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...SERVICE_NODE_FLAGS, require.resolve('@swarmscope/health-monitor/dist/main.js')],
    {
      env: {
        ...process.env,
        HEALTH_MONITOR_PORT: String(port),
        LOG_LEVEL: 'warn',
        API_KEYS: '',
        REDIS_URL: '',
        REDIS_CLUSTER_NODES: '',
        OTLP_PORT: '',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const origin = `http://127.0.0.1:${port}`;
  let phases: Phase[];
  let indexEntries = 0;
  try {
    await waitReady(origin, child);
    // 20 rounds of every agent: 200,000 distinct spans at the defaults, more than a run sends.
    const bodies = buildEquivalentBodies(options.agents, options.batch, 20, Date.now());
    const pool = new Pool(origin, { connections: options.concurrency, keepAliveTimeout: 60_000 });
    // Every agent once through each path first: the timed part measures steady-state ingest of known agents.
    for (const body of bodies.ingest.slice(0, Math.ceil(options.agents / options.batch)))
      await post(pool, '/v1/ingest', 'application/json', body);
    // The two paths take turns (three slices each), so a neighbour's load on a shared machine weighs on both alike.
    const slices: Phase[][] = [[], []];
    const slice = { ...options, seconds: options.seconds / SLICES };
    // Each path goes on through its bodies where its last slice stopped: every span id is new until the bodies run out.
    const cursors = [{ next: 0 }, { next: 0 }];
    for (let turn = 0; turn < SLICES; turn++) {
      slices[0]!.push(
        await phase(pool, '/v1/ingest', 'application/json', bodies.ingest, bodies.perBody, slice, cursors[0]!),
      );
      slices[1]!.push(
        await phase(pool, '/v1/traces', 'application/x-protobuf', bodies.otlp, bodies.perBody, slice, cursors[1]!),
      );
    }
    phases = slices.map(merge);
    const metrics = await (await fetch(`${origin}/metrics`)).text();
    indexEntries = Number(/swarmscope_otlp_span_index_entries\{[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0);
    await pool.close();
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  const memory = await runInGcChild<SpanIndexMemory>('otlp-index-child.js');
  const [ingest, otlp] = phases;
  process.stdout.write(
    `\notlp: ${options.agents} agents, ${options.batch} requests a body, ${options.concurrency} in flight, ${options.seconds} s a path\n`,
  );
  console.table(
    phases.map((p) => ({
      path: p.path,
      'requests accepted/s': Math.round(p.itemsPerSecond),
      'p50 body ms': p.p50Ms.toFixed(1),
      'p99 body ms': p.p99Ms.toFixed(1),
      'failed bodies': p.failed,
    })),
  );
  process.stdout.write(
    `OTLP/protobuf spans/s as a share of /v1/ingest reports/s: ${((100 * otlp!.itemsPerSecond) / ingest!.itemsPerSecond).toFixed(0)} % (target ≥ 50 %)\n`,
  );
  process.stdout.write(
    `span-id index: ${indexEntries} entries held after the run; ${memory.bytesPerEntry.toFixed(0)} bytes an entry on the heap (${memory.entries} entries, after a GC); ${memory.mibAtDefaultBound.toFixed(0)} MiB at the default bound of 200,000\n`,
  );
}

const SLICES = 3;

function merge(slices: Phase[]): Phase {
  const latencies = slices.flatMap((p) => p.latencies).sort((a, b) => a - b);
  const items = slices.reduce((total, p) => total + p.items, 0);
  const seconds = slices.reduce((total, p) => total + p.seconds, 0);
  return {
    path: slices[0]!.path,
    items,
    seconds,
    itemsPerSecond: items / seconds,
    latencies,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    failed: slices.reduce((total, p) => total + p.failed, 0),
  };
}

async function phase(
  pool: Pool,
  path: string,
  type: string,
  bodies: Buffer[],
  perBody: number,
  options: OtlpBenchOptions,
  cursor: { next: number },
): Promise<Phase> {
  progress(`${path}: measuring for ${options.seconds.toFixed(1)} s...`);
  const latencies: number[] = [];
  let items = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < deadline) {
        const body = bodies[cursor.next++ % bodies.length]!;
        const t0 = performance.now();
        const ok = await post(pool, path, type, body);
        latencies.push(performance.now() - t0);
        if (ok) items += perBody;
        else failed++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    path,
    items,
    seconds: elapsed,
    latencies,
    itemsPerSecond: items / elapsed,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    failed,
  };
}

async function post(pool: Pool, path: string, type: string, body: Buffer): Promise<boolean> {
  try {
    const response = await pool.request({ path, method: 'POST', headers: { 'content-type': type }, body });
    const text = await response.body.text();
    if (response.statusCode !== 200) return false;
    // A refused report, or an OTLP answer with partial_success (an empty message is full success): not accepted.
    return path === '/v1/ingest' ? (JSON.parse(text) as { rejected: number }).rejected === 0 : text.length === 0;
  } catch {
    return false;
  }
}
