// Sample accepted → verdict, while the platform ingests a paced load: the embedded platform (`swarmscope start
// --no-fleet`) in a child process, fed over loopback from this one; the figure is the anomaly-detector's own histogram.
import { join } from 'node:path';
import { Pool } from 'undici';
import { startEmbeddedPlatform } from './child-service';
import { PacedLoad } from './paced-load';
import { progress } from './progress';

export interface DetectionLatencyOptions {
  samplesPerSecond: number;
  agents: number;
  /** Measured seconds, after the warm-up. */
  seconds: number;
  /** Seconds of the same load before measuring: every agent's detectors exist and the JIT is warm (0: none). */
  warmupSeconds: number;
  /** Reports per ingest request (the SDK's Fleet sends up to its batchSize, 1000 by default). */
  batch: number;
}

export interface DetectionLatencyResult {
  /** Samples acknowledged per second over the measured part. */
  samplesPerSecond: number;
  reportsScored: number;
  /** Share of reports scored within 10 ms of health-monitor accepting them. */
  within10Ms: number;
  /** Interpolated inside the histogram bucket that holds it. */
  p50Ms: number;
  p99Ms: number;
  rejectedBatches: number;
  /** The same figures over the warm-up (first sight of every agent), for comparison; undefined without one. */
  warmup: { reportsScored: number; p50Ms: number; p99Ms: number } | undefined;
}

/**
 * Paces `samplesPerSecond` (9 samples a report, every agent once a round, fresh values and timestamps each round) into
 * health-monitor, first for `warmupSeconds`, then for `seconds`, and reads `swarmscope_detection_latency_seconds` from
 * the anomaly-detector after each part: the time from a sample accepted by health-monitor to its verdict, bus
 * included. The measured figures are the histogram's growth over the second part (steady state).
 */
export async function runDetectionLatencyBench(options: DetectionLatencyOptions): Promise<DetectionLatencyResult> {
  const platform = await startEmbeddedPlatform(join(__dirname, '..', 'main.js'));
  const origin = platform.healthMonitor;
  const metricsUrl = `${platform.anomalyDetector}/metrics`;
  const pool = new Pool(origin, { connections: 4 });
  try {
    const load = new PacedLoad(pool, options);
    const rate = load.describe();
    let before: Bucket[] = [];
    if (options.warmupSeconds > 0) {
      progress(`detection latency: warming up for ${options.warmupSeconds} s: ${rate}...`);
      await load.run(options.warmupSeconds);
      before = histogramBuckets((await drainedMetrics(metricsUrl)).text, HISTOGRAM);
    }
    progress(`detection latency: measuring for ${options.seconds} s: ${rate}...`);
    const run = await load.run(options.seconds);
    const after = histogramBuckets((await drainedMetrics(metricsUrl)).text, HISTOGRAM);
    const buckets = subtractBuckets(after, before);
    const total = buckets.at(-1)?.count ?? 0;
    return {
      samplesPerSecond: run.samples / run.elapsed,
      reportsScored: total,
      within10Ms: total ? (buckets.find((b) => b.le === 0.01)?.count ?? 0) / total : Number.NaN,
      p50Ms: quantileFromBuckets(buckets, 0.5) * 1000,
      p99Ms: quantileFromBuckets(buckets, 0.99) * 1000,
      rejectedBatches: run.rejected,
      warmup: before.length
        ? {
            reportsScored: before.at(-1)!.count,
            p50Ms: quantileFromBuckets(before, 0.5) * 1000,
            p99Ms: quantileFromBuckets(before, 0.99) * 1000,
          }
        : undefined,
    };
  } finally {
    await pool.close();
    await platform.stop();
  }
}

const HISTOGRAM = 'swarmscope_detection_latency_seconds';

/** The detector's /metrics once it has read everything on the bus (its samples lag is 0), or after `timeoutMs`. */
export async function drainedMetrics(
  url: string,
  timeoutMs = 30_000,
): Promise<{ text: string; lag: number; waitedSeconds: number }> {
  const started = performance.now();
  for (;;) {
    const text = await (await fetch(url)).text();
    const lag = Number(/^swarmscope_bus_consumer_lag\{[^}]*topic="samples"[^}]*\} (\S+)/m.exec(text)?.[1]);
    const waitedSeconds = (performance.now() - started) / 1000;
    if (lag === 0 || waitedSeconds * 1000 > timeoutMs) return { text, lag, waitedSeconds };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Bucket {
  le: number;
  count: number;
}

/** The growth of a cumulative histogram between two reads (`before` empty: `after` itself). */
export function subtractBuckets(after: readonly Bucket[], before: readonly Bucket[]): Bucket[] {
  return after.map((b) => ({ le: b.le, count: b.count - (before.find((x) => x.le === b.le)?.count ?? 0) }));
}

/** Cumulative buckets of one Prometheus histogram from the text exposition format (+Inf last). */
export function histogramBuckets(text: string, name: string): Bucket[] {
  const pattern = new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"[^}]*\\} (\\S+)`, 'gm');
  const buckets: Bucket[] = [];
  for (const m of text.matchAll(pattern))
    buckets.push({ le: m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]), count: Number(m[2]) });
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
