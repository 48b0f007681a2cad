import type { PoolObservation } from '../pool-controller';
import { SeededRandom } from './seeded-random';

export interface PoolModelOptions {
  /** Mean service time of one request on one replica (1 / μ). */
  serviceTimeSeconds?: number;
  /** Start-up delay: a new replica serves this long after it was asked for. */
  startupSeconds?: number;
  initialReplicas: number;
  /** Highest p95 the model reports when overloaded (the queue would grow without bound). */
  overloadLatencySeconds?: number;
  /** Relative noise of the measured latency and CPU (a tick's p95 is itself an estimate). */
  measurementNoise?: number;
  memoryBytesPerReplica?: number;
  seed?: number;
}

/**
 * A pool of replicas behind random load balancing, each an M/M/1 queue (Kleinrock, Queueing Systems vol. 1, §3.2):
 * at utilisation ρ = λ / (n μ) the sojourn time is exponential with mean S / (1 − ρ), so p95 = ln 20 · S / (1 − ρ).
 * CPU tracks ρ (capped at 100%). New replicas serve after the start-up delay; removals are immediate, newest first.
 * Reported requests are the arrivals (agents count what they receive, queued or not).
 */
export class PoolModel {
  private readyAt: number[] = [];
  private readonly serviceTime: number;
  private readonly startupMs: number;
  private readonly overload: number;
  private readonly noise: number;
  private readonly memoryPerReplica: number;
  private readonly random: SeededRandom;

  constructor(options: PoolModelOptions) {
    this.serviceTime = options.serviceTimeSeconds ?? 0.25;
    this.startupMs = (options.startupSeconds ?? 90) * 1000;
    this.overload = options.overloadLatencySeconds ?? 120;
    this.noise = options.measurementNoise ?? 0.05;
    this.memoryPerReplica = options.memoryBytesPerReplica ?? 400e6;
    this.random = new SeededRandom(options.seed ?? 7);
    this.readyAt = Array.from({ length: options.initialReplicas }, () => 0);
  }

  /** Replicas asked for (they all cost, serving or starting). */
  get replicas(): number {
    return this.readyAt.length;
  }

  ready(at: number): number {
    let n = 0;
    for (const t of this.readyAt) if (t <= at) n++;
    return n;
  }

  setReplicas(at: number, replicas: number): void {
    while (this.readyAt.length < replicas) this.readyAt.push(at + this.startupMs);
    // The newest (least ready) go first.
    if (this.readyAt.length > replicas) this.readyAt = [...this.readyAt].sort((a, b) => a - b).slice(0, replicas);
  }

  /** True p95 latency at `load` with the replicas serving at `at`. */
  p95(at: number, load: number): number {
    const serving = this.ready(at);
    if (load <= 0) return this.serviceTime * Math.log(20);
    if (serving === 0) return this.overload;
    const rho = load / (serving * (1 / this.serviceTime));
    return rho >= 1 ? this.overload : Math.min(this.overload, (Math.log(20) * this.serviceTime) / (1 - rho));
  }

  /** What the autoscaler would measure over a tick ending at `at`. */
  observe(at: number, load: number, durationMs: number): PoolObservation {
    const serving = this.ready(at);
    const rho = serving > 0 ? load / (serving / this.serviceTime) : load > 0 ? Infinity : 0;
    const jitter = () => Math.max(0.5, 1 + this.noise * this.random.normal());
    const p95 = this.p95(at, load) * jitter();
    return {
      at,
      durationMs,
      loadRps: load,
      latencyMeanSeconds: p95 / Math.log(20),
      latencyP95Seconds: p95,
      latencySamples: load > 0 ? Math.round(load * (durationMs / 1000)) : 0,
      ...(serving > 0 ? { cpuPercent: Math.min(100, Math.max(0, rho * 100 * jitter())) } : {}),
      memoryBytes: this.memoryPerReplica,
      agentsReporting: serving,
    };
  }
}
