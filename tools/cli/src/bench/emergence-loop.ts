// How long the emergence detector holds the event loop that `swarmscope start` shares between services: the
// emergence scenario fed through the service edge (its analysis on the engine thread), with the loop's delay
// monitored and each synchronous slice of the detector timed.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { createLogger, MemoryBus, parseEnv, type SampleReport } from '@swarmscope/core';
import { EmergenceDetector, emergenceDetectorEnv } from '@swarmscope/emergence-detector';
import {
  DEFAULT_GENERATOR,
  Population,
  createScenario,
  generateTick,
  type GeneratorConfig,
} from '@swarmscope/simulator';
import { asSample } from './as-sample';
import { percentile } from './percentile';

export interface EmergenceLoopResult {
  agents: number;
  durationSeconds: number;
  ticksAnalysed: number;
  events: number;
  /** Event-loop delay over the run (monitorEventLoopDelay, 1 ms resolution), ms: it includes the load generator's own slices. */
  loopDelayMs: { p50: number; p99: number; max: number };
  /**
   * The detector's synchronous slices (posting a batch to the engine thread, applying an advance's results): how
   * many, the longest, and how many took longer than 1 and 10 ms (wall time: on a loaded machine a slice also
   * counts the time the process was not scheduled).
   */
  detectorSlices: {
    count: number;
    maxMs: number;
    over1Ms: number;
    over10Ms: number;
    p50AtMostMs: number;
    p99AtMostMs: number;
  };
  /** The longest synchronous slice of the load generator (one generated quarter second), ms. */
  generatorMaxMs: number;
  /** Analysis time per tick on the engine thread, ms. */
  analysisMs: { median: number; p99: number; max: number };
}

/** Bus batches are at most this many messages: the detector receives them in slices this big. */
const BATCH = 1000;

export async function measureEmergenceLoop(options: {
  agents: number;
  durationSeconds: number;
  seed: number;
  onProgress?: (done: number) => void;
}): Promise<EmergenceLoopResult> {
  const { agents, durationSeconds, seed } = options;
  const startEpochMs = Date.UTC(2026, 0, 5, 6);
  const population = Population.build({ agents, seed });
  const scenario = createScenario('emergence', { population, seed, durationSeconds, startEpochMs });
  const config: GeneratorConfig = { ...DEFAULT_GENERATOR, seed, startEpochMs };
  const bus = new MemoryBus({ shards: 4 });
  const env = parseEnv(emergenceDetectorEnv, { LOG_LEVEL: 'silent', BUS_SHARDS: '4' });
  const detector = new EmergenceDetector({ env, bus, logger: createLogger({ name: 'bench', level: 'silent' }) });
  const analysis: number[] = [];
  let events = 0;
  let ticksAnalysed = 0;
  let generatorMaxMs = 0;
  const ticks = Math.ceil((durationSeconds * 1000) / config.tickMs);
  const perAnalysis = Math.round((env.EMERGENCE_TICK_SECONDS * 1000) / config.tickMs);
  const monitor = monitorEventLoopDelay({ resolution: 1 });
  monitor.enable();
  let inFlight: Promise<void> = Promise.resolve();
  try {
    for (let tick = 0; tick < ticks; tick++) {
      const started = performance.now();
      const out = generateTick(population, scenario, config, tick);
      const samples: SampleReport[] = out.reports.map(asSample);
      generatorMaxMs = Math.max(generatorMaxMs, performance.now() - started);
      for (let i = 0; i < samples.length; i += BATCH) {
        detector.ingest(samples.slice(i, i + BATCH));
        await yieldToLoop();
      }
      const interactions = out.interactions.map((i) => ({ ...i, timestamp: i.timestamp ?? 0 }));
      for (let i = 0; i < interactions.length; i += BATCH) {
        detector.ingestInteractions(interactions.slice(i, i + BATCH));
        await yieldToLoop();
      }
      if ((tick + 1) % perAnalysis === 0) {
        // One analysis in flight while the next ten seconds are generated, as a live detector runs.
        await inFlight;
        const watermark = startEpochMs + (tick + 1) * config.tickMs;
        const started = performance.now();
        inFlight = detector.analyseClosed(watermark).then((results) => {
          ticksAnalysed += results.length;
          events += results.reduce((n, r) => n + r.changes.filter((c) => c.event === 'opened').length, 0);
          if (results.length > 0) analysis.push((performance.now() - started) / results.length);
        });
        options.onProgress?.((tick + 1) / ticks);
      }
    }
    await inFlight;
  } finally {
    monitor.disable();
    await detector.stop();
    await bus.close();
  }
  analysis.sort((a, b) => a - b);
  return {
    agents,
    durationSeconds,
    ticksAnalysed,
    events,
    loopDelayMs: { p50: monitor.percentile(50) / 1e6, p99: monitor.percentile(99) / 1e6, max: monitor.max / 1e6 },
    detectorSlices: { ...detector.engine.slices, ...(await slicesOver(detector)) },
    generatorMaxMs,
    analysisMs: {
      median: percentile(analysis, 0.5),
      p99: percentile(analysis, 0.99),
      max: analysis[analysis.length - 1] ?? 0,
    },
  };
}

/** Slices longer than 1 ms and 10 ms, and the bucket bounds of the median and p99, from the detector's histogram. */
async function slicesOver(
  detector: EmergenceDetector,
): Promise<{ over1Ms: number; over10Ms: number; p50AtMostMs: number; p99AtMostMs: number }> {
  const { values } = await detector.emergenceMetrics.loopSlice.get();
  const total = values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  const buckets = values
    .filter((v) => v.metricName?.endsWith('_bucket') && v.labels.le !== '+Inf')
    .map((v) => ({ le: Number(v.labels.le), count: v.value }));
  const upTo = (le: number) => buckets.find((b) => b.le === le)?.count ?? 0;
  const bound = (q: number) => 1000 * (buckets.find((b) => b.count >= q * total)?.le ?? Infinity);
  return {
    over1Ms: total - upTo(0.001),
    over10Ms: total - upTo(0.01),
    p50AtMostMs: bound(0.5),
    p99AtMostMs: bound(0.99),
  };
}
