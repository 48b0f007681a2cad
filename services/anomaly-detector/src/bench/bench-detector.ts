import { defaultEnsemble, type EnsembleConfig, StreamDetector } from '../detectors/stream/ensemble';

export interface DetectorBenchOptions {
  /** Samples fed per measured stream (default 20,000: 69 days at 5-minute intervals). */
  samples?: number;
  /** Samples timed together (default 100: a timer read costs ≈ 50 ns, 0.5 ns a sample at this size). */
  batch?: number;
  /** Streams held at once for the memory figure (default 2,000). */
  streams?: number;
  config?: EnsembleConfig;
}

export interface DetectorBenchResult {
  /** Median over batches of the time per sample (ns): default ensemble, one stream past its first day, JIT warm. */
  medianNsPerSample: number;
  /** 99th percentile over batches (ns a sample). */
  p99NsPerSample: number;
  /** Heap + array buffers per stream after a forced GC (needs `node --expose-gc`; else the computed state bytes). */
  bytesPerStream: number;
  /** What the detectors themselves report (`StreamDetector.stateBytes()`), for comparison. */
  stateBytesPerStream: number;
  /** True when bytesPerStream was measured on the heap (gc available). */
  measured: boolean;
}

/**
 * The per-sample cost and per-stream memory of the ensemble, on a synthetic 5-minute metric with a daily cycle,
 * noise, spikes and level shifts (deterministic, seeded). Times batches of samples with `performance.now()`; the p99
 * includes the young-generation GC pauses that land inside a batch.
 */
export function runDetectorBench(options: DetectorBenchOptions = {}): DetectorBenchResult {
  const samples = options.samples ?? 20_000;
  const batch = options.batch ?? 100;
  const config = options.config ?? defaultEnsemble();
  const series = syntheticSeries(samples, 42);
  const times = series.times;
  const values = series.values;

  // Warm-up: V8 optimises, then re-optimises as new streams take the first-day paths; a few throwaway streams settle
  // it (measured: with one, batches up to ~3,400 samples into the next stream still run 10–60× slower).
  for (let w = 0; w < 4; w++) {
    const warm = new StreamDetector(config);
    for (let i = 0; i < samples; i++) warm.update(times[i]!, values[i]!);
  }

  const detector = new StreamDetector(config);
  let sink = 0;
  // The stream's own first day (tables allocated, first visits of every seasonal bin) is not the steady state.
  const skip = Math.min(400, Math.floor(samples / 4));
  for (let i = 0; i < skip; i++) sink += detector.update(times[i]!, values[i]!).score;
  const perSample = new Float64Array(Math.floor((samples - skip) / batch));
  let k = 0;
  for (let start = skip; start + batch <= samples; start += batch) {
    const t0 = performance.now();
    for (let i = start; i < start + batch; i++) sink += detector.update(times[i]!, values[i]!).score;
    perSample[k++] = ((performance.now() - t0) * 1e6) / batch;
  }
  if (sink < 0) throw new Error('unreachable'); // keeps the loop from being optimised away
  perSample.sort();

  const stateBytesPerStream = detector.stateBytes();
  const heap = measureHeapPerStream(options.streams ?? 2000, config, series);
  return {
    medianNsPerSample: quantile(perSample, 0.5),
    p99NsPerSample: quantile(perSample, 0.99),
    bytesPerStream: heap ?? stateBytesPerStream,
    stateBytesPerStream,
    measured: heap !== undefined,
  };
}

function measureHeapPerStream(
  streams: number,
  config: EnsembleConfig,
  series: { times: Float64Array; values: Float64Array },
): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  const used = () => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = used();
  const held: StreamDetector[] = [];
  // Each stream sees a day and a bit, so every lazily allocated table exists.
  const feed = Math.min(series.values.length, 400);
  for (let s = 0; s < streams; s++) {
    const d = new StreamDetector(config);
    for (let i = 0; i < feed; i++) d.update(series.times[i]!, series.values[i]!);
    held.push(d);
  }
  const after = used();
  if (held.length !== streams) throw new Error('unreachable');
  return (after - before) / streams;
}

/** A seeded synthetic metric: daily cycle + noise + rare spikes + a level shift every ~5,000 samples. */
export function syntheticSeries(n: number, seed: number): { times: Float64Array; values: Float64Array } {
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  const start = Date.UTC(2024, 0, 1);
  let level = 100;
  for (let i = 0; i < n; i++) {
    times[i] = start + i * 300_000;
    if (i > 0 && i % 5000 === 0) level += (random() - 0.5) * 80;
    const daily = 30 * Math.sin((2 * Math.PI * i) / 288);
    const noise = (random() + random() + random() - 1.5) * 4;
    const spike = random() < 0.002 ? 60 * random() : 0;
    values[i] = level + daily + noise + spike;
  }
  return { times, values };
}

function quantile(sorted: Float64Array, q: number): number {
  if (!sorted.length) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
