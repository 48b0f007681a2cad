import type { PoolObservation } from '../pool-controller';
import { meanSojourn, sojournQuantile, sojournTail } from '../queueing';
import { SeededRandom } from './seeded-random';

export interface PoolModelOptions {
  /** Requests per second one replica serves (μ; mean service time 1 / μ). */
  serviceRate?: number;
  /** Start-up delay: a new replica serves this long after it was asked for. */
  startupSeconds?: number;
  initialReplicas: number;
  /** Relative noise of the measured p95, mean latency and CPU (a tick's figures are estimates too). */
  measurementNoise?: number;
  seed?: number;
}

/** One tick as the pool lived it: the true latency distribution (for scoring) and what the agents reported. */
export interface PoolTick {
  /** P(sojourn > t) of the requests that arrived in the tick. */
  tail(t: number): number;
  p95: number;
  observation: PoolObservation;
}

/** A backlog never waits longer than this (clients give up): keeps the figures finite when no replica is ready. */
const MAX_WAIT_SECONDS = 3600;

/**
 * A pool of replicas behind one queue, from first principles: an M/M/c queue (queueing.ts) while it is stable, and a
 * fluid backlog while arrivals exceed c·μ — it grows at λ − cμ, drains at cμ − λ, and every request waits behind it
 * (backlog / cμ) before its own service. CPU is the busy fraction (served / capacity), so it reads 100 % while a
 * backlog drains at low load. New replicas serve after the start-up delay; removals take the newest first.
 * Reported load is the arrivals (with counting noise): what agents receive, queued or not.
 */
export class PoolModel {
  private readyAt: number[];
  private mu: number;
  private readonly startupMs: number;
  private readonly noise: number;
  private readonly random: SeededRandom;
  private backlog = 0;

  constructor(options: PoolModelOptions) {
    this.mu = options.serviceRate ?? 5;
    this.startupMs = (options.startupSeconds ?? 120) * 1000;
    this.noise = options.measurementNoise ?? 0.05;
    this.random = new SeededRandom(options.seed ?? 7);
    this.readyAt = Array.from({ length: options.initialReplicas }, () => -Infinity);
  }

  /** Replicas asked for (they all cost, serving or starting). */
  get replicas(): number {
    return this.readyAt.length;
  }

  /** Requests waiting beyond the queue's steady state. */
  get backlogRequests(): number {
    return this.backlog;
  }

  ready(at: number): number {
    let n = 0;
    for (const t of this.readyAt) if (t <= at) n++;
    return n;
  }

  /** Requests per second one replica serves from now on (a request's cost changed: a new model, a new version). */
  setServiceRate(rate: number): void {
    if (!(rate > 0)) throw new RangeError(`service rate must be > 0, got ${rate}`);
    this.mu = rate;
  }

  setReplicas(at: number, replicas: number): void {
    while (this.readyAt.length < replicas) this.readyAt.push(at + this.startupMs);
    if (this.readyAt.length > replicas) this.readyAt = [...this.readyAt].sort((a, b) => a - b).slice(0, replicas);
  }

  /** Serves `load` requests/s over [at, at + durationMs) with the replicas ready at `at`; returns the tick. */
  serve(at: number, load: number, durationMs: number): PoolTick {
    const seconds = durationMs / 1000;
    const serving = this.ready(at);
    const capacity = serving * this.mu;
    const arrivals = load * seconds;
    const start = this.backlog;
    const stable = start === 0 && load < capacity;
    let tail: (t: number) => number;
    let p95: number;
    let mean: number;
    let busy: number;
    if (stable) {
      const c = serving;
      tail = (t) => sojournTail(t, load, c, this.mu);
      p95 = load > 0 ? sojournQuantile(0.95, load, c, this.mu) : Math.log(20) / this.mu;
      mean = load > 0 ? meanSojourn(load, c, this.mu) : 1 / this.mu;
      busy = load / capacity;
    } else {
      // Fluid backlog: ends at max(0, start + (λ − cμ)·Δt); requests wait the mean backlog over the tick / cμ.
      const end = Math.max(0, start + (load - capacity) * seconds);
      const drainedAt = load < capacity && start > 0 ? Math.min(seconds, start / (capacity - load)) : seconds;
      const meanBacklog = (drainedAt * (start + Math.max(0, start + (load - capacity) * drainedAt))) / 2 / seconds;
      const wait = capacity > 0 ? Math.min(MAX_WAIT_SECONDS, meanBacklog / capacity) : MAX_WAIT_SECONDS;
      const served = Math.min(capacity * seconds, start + arrivals);
      this.backlog = end;
      busy = capacity > 0 ? served / (capacity * seconds) : 0;
      // Requests arriving before the backlog clears wait behind it; those after meet the stable queue.
      const mu = this.mu;
      const behind = drainedAt / seconds;
      const c = serving;
      const after = (t: number) => (behind < 1 ? sojournTail(t, load, c, mu) : 0);
      tail = (t) => behind * (t <= wait ? 1 : Math.exp(-mu * (t - wait))) + (1 - behind) * after(t);
      p95 = quantileOfTail(tail, 0.95, wait + Math.log(20) / mu);
      mean = behind * (wait + 1 / mu) + (1 - behind) * (behind < 1 ? meanSojourn(load, c, mu) : 0);
    }
    const jitter = () => Math.max(0.5, 1 + this.noise * this.random.normal());
    // Counting noise of the arrivals as a rate (normal approximation of Poisson).
    const measuredLoad = Math.max(0, load + (this.random.normal() * Math.sqrt(arrivals)) / seconds);
    return {
      tail,
      p95,
      observation: {
        at: at + durationMs,
        durationMs,
        loadRps: measuredLoad,
        latencyMeanSeconds: mean * jitter(),
        latencyP95Seconds: p95 * jitter(),
        latencySamples: Math.round(arrivals),
        ...(serving > 0 ? { cpuPercent: Math.min(100, busy * 100 * jitter()) } : {}),
        agentsReporting: serving,
      },
    };
  }
}

/** The q-quantile of a tail function, by bisection below `upper` (where the tail is already ≤ 1 − q). */
export function quantileOfTail(tail: (t: number) => number, q: number, upper: number): number {
  let low = 0;
  let high = upper;
  while (tail(high) > 1 - q) high *= 2;
  for (let i = 0; i < 50; i++) {
    const mid = (low + high) / 2;
    if (tail(mid) > 1 - q) low = mid;
    else high = mid;
  }
  return high;
}
