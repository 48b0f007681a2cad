// Sample accepted → verdict, while the platform ingests a paced load: the embedded platform (`swarmscope start
// --no-fleet`) in a child process, fed over loopback from this one; the figure is the anomaly-detector's own histogram.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Pool } from 'undici';
import { freePort } from '@swarmscope/core';
import { waitReady } from './child-service';
import { buildIngestBodies } from './ingest-bodies';
import { progress } from './ingest';

export interface DetectionLatencyResult {
  /** Samples acknowledged per second over the run. */
  samplesPerSecond: number;
  reportsScored: number;
  /** Share of reports scored within 10 ms of health-monitor accepting them. */
  within10Ms: number;
  /** Interpolated inside the histogram bucket that holds it. */
  p50Ms: number;
  p99Ms: number;
  rejectedBatches: number;
}

/**
 * Paces `samplesPerSecond` (9 samples a report, every agent once a round, fresh timestamps each round) into
 * health-monitor for `seconds`, then reads `swarmscope_detection_latency_seconds` from the anomaly-detector: the time
 * from a sample accepted by health-monitor to its verdict, bus included.
 */
export async function runDetectionLatencyBench(options: { samplesPerSecond: number; agents: number; seconds: number }): Promise<DetectionLatencyResult> {
  const [hm, ad, em, as, inc] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const child = spawn(process.execPath, [join(__dirname, '..', 'main.js'), 'start', '--no-fleet'], {
    env: { ...process.env, HEALTH_MONITOR_PORT: String(hm), ANOMALY_DETECTOR_PORT: String(ad), EMERGENCE_DETECTOR_PORT: String(em), AUTOSCALER_PORT: String(as), INCIDENTS_PORT: String(inc), LOG_LEVEL: 'warn', API_KEYS: '', REDIS_URL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${hm}`;
  const pool = new Pool(origin, { connections: 4 });
  try {
    await waitReady(origin, child);
    await waitReady(`http://127.0.0.1:${ad}`, child);
    const batch = 1000;
    const roundMs = (options.agents * 9 * 1000) / options.samplesPerSecond;
    progress(`detection latency: ${options.agents} agents, a report each every ${Math.round(roundMs)} ms (${options.samplesPerSecond} samples/s) for ${options.seconds} s...`);
    const started = performance.now();
    let samples = 0;
    let rejected = 0;
    for (let round = 0; performance.now() - started < options.seconds * 1000; round++) {
      const due = started + round * roundMs;
      const bodies = buildIngestBodies(options.agents, batch, Date.now(), 'request');
      // Spread the round's batches over the round, as agents report through it, rather than one burst.
      const gap = roundMs / bodies.length;
      const sent: Array<Promise<void>> = [];
      for (let i = 0; i < bodies.length; i++) {
        const wait = due + i * gap - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const body = bodies[i]!;
        sent.push(
          pool.request({ path: '/v1/ingest', method: 'POST', headers: { 'content-type': 'application/json' }, body: body.bytes }).then(async (response) => {
            await response.body.dump();
            if (response.statusCode === 200) samples += body.samples;
            else rejected++;
          }),
        );
      }
      await Promise.all(sent);
    }
    const elapsed = (performance.now() - started) / 1000;
    const text = await drainedMetrics(`http://127.0.0.1:${ad}/metrics`);
    const buckets = histogramBuckets(text, 'swarmscope_detection_latency_seconds');
    const total = buckets.at(-1)?.count ?? 0;
    return {
      samplesPerSecond: samples / elapsed,
      reportsScored: total,
      within10Ms: total ? (buckets.find((b) => b.le === 0.01)?.count ?? 0) / total : Number.NaN,
      p50Ms: quantileFromBuckets(buckets, 0.5) * 1000,
      p99Ms: quantileFromBuckets(buckets, 0.99) * 1000,
      rejectedBatches: rejected,
    };
  } finally {
    await pool.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

/** The detector's /metrics once it has read everything on the bus (its samples lag is 0), or after 30 s. */
async function drainedMetrics(url: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const text = await (await fetch(url)).text();
    const lag = /^swarmscope_bus_consumer_lag\{[^}]*topic="samples"[^}]*\} (\S+)/m.exec(text)?.[1];
    if (Number(lag) === 0 || Date.now() > deadline) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Bucket {
  le: number;
  count: number;
}

/** Cumulative buckets of one Prometheus histogram from the text exposition format (+Inf last). */
export function histogramBuckets(text: string, name: string): Bucket[] {
  const pattern = new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"[^}]*\\} (\\S+)`, 'gm');
  const buckets: Bucket[] = [];
  for (const m of text.matchAll(pattern)) buckets.push({ le: m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]), count: Number(m[2]) });
  return buckets.sort((a, b) => a.le - b.le);
}

/** The q-quantile, linear inside its bucket (as PromQL's histogram_quantile); the last finite bound past it. */
export function quantileFromBuckets(buckets: readonly Bucket[], q: number): number {
  const total = buckets.at(-1)?.count ?? 0;
  if (!total) return Number.NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return lower;
      return lower + ((b.le - lower) * (rank - below)) / Math.max(1, b.count - below);
    }
    lower = b.le;
    below = b.count;
  }
  return lower;
}
