import type { FleetStats } from '@swarmscope/telemetry-client';
import { generateTick, type GeneratorConfig } from './generator';
import { hashString } from './random';
import type { Population } from './population';
import type { Scenario } from './scenarios/types';
import { Fleet, type DeliveryStats, type FleetOptions } from '@swarmscope/telemetry-client';
import type { ScaleRecord } from './truth';

export interface RunnerOptions {
  /**
   * The health-monitor's base URL, or several replicas': each agent then reports to one of them, always the same
   * (by a hash of its id), so its reports stay in order, as behind a load balancer with affinity.
   */
  endpoint: string | readonly string[];
  apiKey?: string;
  population: Population;
  scenario: Scenario;
  /** `startEpochMs` is simulation time 0: tick k is generated once the clock reaches startEpochMs + k·tickMs. */
  config: GeneratorConfig;
  /** Stop generating after this much simulation time; absent: until stop(). */
  durationMs?: number;
  /** Clock in epoch ms; default Date.now. */
  now?: () => number;
  fleet?: Omit<FleetOptions, 'endpoint' | 'apiKey'>;
  /** When generation falls further behind the clock than this many ticks, the oldest are skipped (counted). */
  maxCatchUpTicks?: number;
  /** Keep the process alive while running (default true). */
  ref?: boolean;
  /** Told about every scaling (e.g. to append it to the truth file). */
  onScale?: (record: ScaleRecord) => void;
}

/** Counters of a run. Rates are left to the caller: take two snapshots. */
export interface RunStats {
  /** Simulation time generated so far, ms. */
  elapsedMs: number;
  agents: number;
  ticks: number;
  /** Ticks skipped because generation could not keep up with the clock. */
  skippedTicks: number;
  /** Simulated requests and how many of them failed (the agents' errors, not delivery errors). */
  requests: number;
  errors: number;
  reportsGenerated: number;
  interactionsGenerated: number;
  /** The SDK's counters for reports. */
  reports: FleetStats;
  interactions: DeliveryStats;
  finished: boolean;
}

const DEFAULT_FLEET: Omit<FleetOptions, 'endpoint' | 'apiKey'> = {
  batchSize: 1000,
  flushIntervalMs: 500,
  maxQueue: 200_000,
  maxInFlight: 4,
  maxInteractionQueue: 100_000,
};

/**
 * The simulator's only I/O: a clock-driven loop that runs the pure generator tick by tick and hands what it
 * produces to the SDK's Fleet, as real agents would. Same seed and same clock readings give the same stream.
 */
export class SimulationRunner {
  /** Resolves when `durationMs` of simulation time has been generated (never without a duration). */
  readonly done: Promise<void>;
  /** One Fleet (one transport) per endpoint. */
  private readonly fleets: Fleet[];
  private readonly options: RunnerOptions;
  private readonly now: () => number;
  private readonly maxCatchUp: number;
  private readonly endTick: number;
  private nextTick = 0;
  private skipped = 0;
  private requests = 0;
  private errors = 0;
  private reportsGenerated = 0;
  private interactionsGenerated = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private finished = false;
  private resolveDone!: () => void;
  private stopping?: Promise<RunStats>;

  constructor(options: RunnerOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    const tickMs = options.config.tickMs;
    this.maxCatchUp = options.maxCatchUpTicks ?? Math.max(1, Math.round(5000 / tickMs));
    this.endTick = options.durationMs === undefined ? Number.POSITIVE_INFINITY : Math.ceil(options.durationMs / tickMs);
    const endpoints = typeof options.endpoint === 'string' ? [options.endpoint] : [...options.endpoint];
    if (endpoints.length === 0) throw new RangeError('endpoint: at least one health-monitor URL');
    this.fleets = endpoints.map(
      (endpoint) =>
        new Fleet({
          endpoint,
          ...(options.apiKey ? { apiKey: options.apiKey } : {}),
          ...DEFAULT_FLEET,
          ...options.fleet,
        }),
    );
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get population(): Population {
    return this.options.population;
  }

  start(): void {
    if (this.running || this.stopping) return;
    this.running = true;
    this.loop();
  }

  /** Live pools and their agent counts. */
  pools(): Array<{ pool: string; agents: number }> {
    return this.options.population.pools();
  }

  /** Sets a pool's replicas; new agents report from the next tick, removed ones stop at once. */
  scale(pool: string, replicas: number): ScaleRecord {
    const atMs = this.nextTick * this.options.config.tickMs;
    const result = this.options.population.scale(pool, replicas, atMs);
    const record: ScaleRecord = {
      kind: 'scale',
      pool,
      previous: result.previous,
      replicas: result.replicas,
      atSeconds: atMs / 1000,
      at: this.options.config.startEpochMs + atMs,
    };
    this.options.onScale?.(record);
    return record;
  }

  stats(): RunStats {
    return {
      elapsedMs: Math.min(this.nextTick, this.endTick) * this.options.config.tickMs,
      agents: this.options.population.size,
      ticks: this.nextTick - this.skipped,
      skippedTicks: this.skipped,
      requests: this.requests,
      errors: this.errors,
      reportsGenerated: this.reportsGenerated,
      interactionsGenerated: this.interactionsGenerated,
      reports: this.fleetStats(),
      interactions: this.fleetStats().interactions,
      finished: this.finished,
    };
  }

  /** Stops generating, delivers what the Fleet holds (up to `timeoutMs`) and returns the final counters. */
  stop(timeoutMs = 10_000): Promise<RunStats> {
    this.stopping ??= (async () => {
      this.running = false;
      clearTimeout(this.timer);
      this.finish();
      await Promise.all(this.fleets.map((fleet) => fleet.close({ timeoutMs })));
      return this.stats();
    })();
    return this.stopping;
  }

  private readonly loop = (): void => {
    if (!this.running) return;
    const { config } = this.options;
    const elapsed = this.now() - config.startEpochMs;
    const due = Math.min(this.endTick, Math.floor(elapsed / config.tickMs) + 1);
    if (due - this.nextTick > this.maxCatchUp) {
      this.skipped += due - this.maxCatchUp - this.nextTick;
      this.nextTick = due - this.maxCatchUp;
    }
    while (this.nextTick < due) this.emit(this.nextTick++);
    if (this.nextTick >= this.endTick) {
      this.finish();
      return;
    }
    const wait = Math.max(0, config.startEpochMs + this.nextTick * config.tickMs - this.now());
    this.timer = setTimeout(this.loop, wait);
    if (this.options.ref === false) this.timer.unref();
  };

  private emit(tick: number): void {
    const output = generateTick(this.options.population, this.options.scenario, this.options.config, tick);
    for (const report of output.reports) this.fleetOf(report.agentId).record(report);
    for (const interaction of output.interactions) this.fleetOf(interaction.from).recordInteraction(interaction);
    this.requests += output.requests;
    this.errors += output.errors;
    this.reportsGenerated += output.reports.length;
    this.interactionsGenerated += output.interactions.length;
  }

  private fleetOf(agentId: string): Fleet {
    return this.fleets.length === 1 ? this.fleets[0]! : this.fleets[hashString(agentId) % this.fleets.length]!;
  }

  /** The SDK's counters summed over the endpoints (the last error and success of any of them). */
  private fleetStats(): FleetStats {
    const all = this.fleets.map((fleet) => fleet.stats());
    if (all.length === 1) return all[0]!;
    return { ...sumDelivery(all), interactions: sumDelivery(all.map((stats) => stats.interactions)) };
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.running = false;
    this.resolveDone();
  }
}

function sumDelivery(list: readonly DeliveryStats[]): DeliveryStats {
  const total: DeliveryStats = {
    recorded: 0,
    queued: 0,
    inFlight: 0,
    sent: 0,
    rejected: 0,
    dropped: 0,
    retries: 0,
    batchesSent: 0,
  };
  for (const stats of list) {
    for (const key of [
      'recorded',
      'queued',
      'inFlight',
      'sent',
      'rejected',
      'dropped',
      'retries',
      'batchesSent',
    ] as const)
      total[key] += stats[key];
    if (stats.lastError !== undefined) total.lastError = stats.lastError;
    if (stats.lastSuccessAt !== undefined)
      total.lastSuccessAt = Math.max(total.lastSuccessAt ?? 0, stats.lastSuccessAt);
  }
  return total;
}
