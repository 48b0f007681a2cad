import { Population, SimulationRunner, DEFAULT_GENERATOR, createScenario } from '@swarmscope/simulator';
import type { DeliveryStats, FleetOptions } from '@swarmscope/telemetry-client';

/** A health-monitor that can be taken down and brought back on the same port. */
export interface OutagePlatform {
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Reports acknowledged by every instance so far (the server's own count). */
  acknowledged(): Promise<number>;
}

export interface OutageOptions {
  agents: number;
  /** Mean simulated requests per agent per second. */
  requestsPerSecond: number;
  /** The platform is up this long before it goes down... */
  upMs: number;
  /** ...and stays down this long while the fleet keeps generating. */
  downMs: number;
  /** At most this long for reporting to resume once the platform is back. */
  resumeTimeoutMs: number;
  fleet: Omit<FleetOptions, 'endpoint' | 'apiKey'> &
    Required<Pick<FleetOptions, 'maxQueue' | 'maxInteractionQueue' | 'maxInFlight' | 'batchSize'>>;
  /** Called about once a second with the SDK's counters (e.g. to sample the heap). */
  onSample?(sample: OutageSample): void;
  seed?: number;
}

export interface OutageSample {
  phase: 'up' | 'down' | 'back';
  atMs: number;
  reports: DeliveryStats;
  interactions: DeliveryStats;
}

export interface OutageResult {
  /** Every sample taken (about one a second). */
  samples: OutageSample[];
  /** Reports the fleet had delivered once the platform was down (answers in transit landed), and when it came back. */
  sentAtDown: number;
  /** When `sentAtDown` was taken (ms from the start). */
  downSettledAtMs: number;
  sentAtBack: number;
  /** Milliseconds from the platform's return to the first report delivered after it. */
  resumedAfterMs: number | undefined;
  /** The SDK's counters once the runner stopped (and flushed). */
  final: { reports: DeliveryStats; interactions: DeliveryStats };
  /** Reports the server instances acknowledged, by their own count. */
  serverAcknowledged: number;
}

const SAMPLE_MS = 1000;
const SETTLE_MS = 500;

/**
 * A simulated fleet reporting through the SDK while its health-monitor goes down and comes back on the same
 * port: up for `upMs`, down for `downMs`, then up until reporting resumes by itself; the runner is then stopped
 * (the SDK flushes). Returns the SDK's counters along the way and at the end, and the server's count.
 */
export async function runOutage(platform: OutagePlatform, options: OutageOptions): Promise<OutageResult> {
  const seed = options.seed ?? 7;
  const started = Date.now();
  const population = Population.build({ agents: options.agents, seed });
  const durationSeconds = Math.ceil((options.upMs + options.downMs + options.resumeTimeoutMs) / 1000);
  const runner = new SimulationRunner({
    endpoint: platform.url,
    population,
    scenario: createScenario('baseline', { population, seed, durationSeconds, startEpochMs: started }),
    config: {
      ...DEFAULT_GENERATOR,
      seed,
      startEpochMs: started,
      tickMs: 250,
      daySeconds: 0,
      requestsPerSecond: options.requestsPerSecond,
    },
    fleet: options.fleet,
    ref: false,
  });
  const samples: OutageSample[] = [];
  let phase: OutageSample['phase'] = 'up';
  const sample = () => {
    const stats = runner.stats();
    const taken: OutageSample = {
      phase,
      atMs: Date.now() - started,
      reports: stats.reports,
      interactions: stats.interactions,
    };
    samples.push(taken);
    options.onSample?.(taken);
    return taken;
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  try {
    await platform.start();
    runner.start();
    await sleep(options.upMs);
    await platform.stop();
    phase = 'down';
    // Answers the server sent before it stopped may still be on their way: let them land.
    await sleep(SETTLE_MS);
    const settled = sample();
    const sentAtDown = settled.reports.sent;
    await sleep(options.downMs - SETTLE_MS);
    await platform.start();
    phase = 'back';
    const back = Date.now();
    const sentAtBack = sample().reports.sent;
    let resumedAfterMs: number | undefined;
    while (Date.now() - back < options.resumeTimeoutMs) {
      if (runner.stats().reports.sent > sentAtBack) {
        resumedAfterMs = Date.now() - back;
        break;
      }
      await sleep(20);
    }
    const final = await runner.stop(30_000);
    sample();
    return {
      samples,
      sentAtDown,
      downSettledAtMs: settled.atMs,
      sentAtBack,
      resumedAfterMs,
      final: { reports: final.reports, interactions: final.interactions },
      serverAcknowledged: await platform.acknowledged(),
    };
  } finally {
    clearInterval(sampler);
    await runner.stop(1000);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
