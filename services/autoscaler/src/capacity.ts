/**
 * Adaptive strategy: estimates one pool's per-replica service rate μ from steady-state evidence only, so one
 * overload cannot leave it pessimistic for good.
 *
 * A tick is evidence when the pool was settled (no replica starting or stopping, none for a while: the caller says),
 * served within the SLO (a violation may be a backlog draining), and, when CPU is reported, was not pinned (a pinned
 * CPU at modest load is a backlog, not a slow replica). From each such tick, two readings of μ:
 *  - the utilisation law (U = X · S): μ = λ / (c · U), from CPU;
 *  - Little's law through the M/M/c mean sojourn W = 1/μ + C(c, λ/μ) / (cμ − λ), solved for μ from the mean latency;
 * the lower of the two (a pool whose CPU is not its bottleneck reads a high CPU μ: latency is then the truth).
 * The estimate is the age-weighted median of the readings (half-life, and a maximum age after which they expire),
 * with its standard error from the weighted MAD; sizing uses the median less one standard error.
 *
 * Two guards keep it honest against the model being wrong:
 *  - never below what the pool demonstrably served: each tick within the SLO proves μ ≥ the least μ at which c
 *    replicas hold the SLO at that λ (queueing.ts), and the estimate is at least the 10th highest such proof
 *    unexpired (the 10th: one tick's p95 is itself a noisy estimate, one lucky tick proves nothing);
 *  - calibration and bounded exploration: the tail's shape — observed p95 over the p95 the M/M/c model gives at the
 *    μ the same tick's mean latency gives (its log smoothed, evidence ticks only) — corrects the SLO the model sizes
 *    for; each tick's mean informs μ and its p95 the shape, so no change is counted twice. The utilisation planned
 *    may exceed the highest utilisation demonstrated within the SLO by at most `explorationStep`: utilisation rises
 *    toward the SLO only as fast as latency shows headroom.
 */
import type { CapacityFigures, EvidenceVerdict } from '@swarmscope/protocol';
import { holdsSlo, meanSojourn, sojournQuantile } from './queueing';

export interface CapacityOptions {
  /** Readings kept (the oldest go first). */
  readings?: number;
  /** Readings lose half their weight every this many seconds. */
  halfLifeSeconds?: number;
  /** Readings and proofs older than this expire (a new model version, a slower dependency: learnt again). */
  maxAgeSeconds?: number;
  /** Readings needed before the estimate is trusted. */
  minReadings?: number;
  /** How far planned utilisation may go beyond the highest demonstrated within the SLO. */
  explorationStep?: number;
}

/** One tick of one pool, as the capacity estimator sees it. */
export interface CapacityEvidence {
  at: number;
  loadRps: number;
  /** Replicas serving (ready) over the tick. */
  ready: number;
  latencyMeanSeconds: number;
  latencyP95Seconds: number;
  cpuPercent?: number;
  sloSeconds: number;
  /** No replica started or stopped over the tick or shortly before (the caller's judgement). */
  settled: boolean;
}

/** The capacity model's estimate: the figures a decision reports, and the highest utilisation served within the SLO. */
export interface CapacityEstimate extends CapacityFigures {
  utilisationServed: number;
}

export type { EvidenceVerdict } from '@swarmscope/protocol';

interface Reading {
  at: number;
  mu: number;
  /** Scratch: the age weight of the last estimate. */
  weight: number;
}

/** CPU at or above this is a saturated replica (or a backlog): no evidence about its rate. */
const CPU_PINNED_PERCENT = 97;
/** Above this a CPU reading is clipped by the 100 % ceiling (biased): μ from latency alone. */
const CPU_READABLE_PERCENT = 85;
const CPU_MIN_PERCENT = 5;
const AGREEMENT = 1.25;
/** The floor is the k-th highest proof: one lucky tick (a low p95 by chance) proves nothing. */
const PROOF_RANK = 10;
const CALIBRATION_WEIGHT = 0.05;
const CALIBRATION_BOUNDS = [0.5, 2] as const;

export class CapacityEstimator {
  private readonly size: number;
  private readonly halfLifeMs: number;
  private readonly maxAgeMs: number;
  private readonly minReadings: number;
  private readonly explorationStep: number;
  private readonly readings: Reading[] = [];
  /** The same readings sorted by μ. */
  private readonly byRate: Reading[] = [];
  /** Proofs (μ floors) and the utilisation each served, newest last. */
  private readonly proofs: Array<{ at: number; mu: number; utilisation: number }> = [];
  private logCalibration = 0;
  private version = 0;
  private memo: { at: number; version: number; value: CapacityEstimate | undefined } | undefined;

  constructor(options: CapacityOptions = {}) {
    this.size = options.readings ?? 240;
    this.halfLifeMs = (options.halfLifeSeconds ?? 3600) * 1000;
    this.maxAgeMs = (options.maxAgeSeconds ?? 6 * 3600) * 1000;
    this.minReadings = options.minReadings ?? 4;
    this.explorationStep = options.explorationStep ?? 0.1;
  }

  /** Takes the tick as evidence when it is one; says why not otherwise. */
  observe(e: CapacityEvidence): EvidenceVerdict {
    if (!(e.loadRps > 0) || e.ready < 1) return 'idle';
    if (!(e.latencyMeanSeconds > 0) || !(e.latencyP95Seconds > 0)) return 'no latency';
    if (!e.settled) return 'not settled';
    if (e.cpuPercent !== undefined && e.cpuPercent >= CPU_PINNED_PERCENT) return 'cpu pinned';
    if (e.latencyP95Seconds > e.sloSeconds) return 'over the SLO';
    const byLatency = serviceRateFromMeanSojourn(e.loadRps, e.ready, e.latencyMeanSeconds);
    this.calibrate(e, byLatency);
    const byCpu =
      e.cpuPercent !== undefined && e.cpuPercent >= CPU_MIN_PERCENT && e.cpuPercent < CPU_READABLE_PERCENT
        ? e.loadRps / (e.ready * (e.cpuPercent / 100))
        : Infinity;
    // Two readings that agree are averaged (geometric mean); when they do not, the lower is the bottleneck.
    const mu =
      byCpu / byLatency < AGREEMENT && byLatency / byCpu < AGREEMENT
        ? Math.sqrt(byCpu * byLatency)
        : Math.min(byLatency, byCpu);
    this.push({ at: e.at, mu, weight: 1 });
    const floor = leastServiceRateHolding(e.loadRps, e.ready, e.sloSeconds);
    this.proofs.push({ at: e.at, mu: floor, utilisation: e.loadRps / (e.ready * mu) });
    this.expire(e.at);
    return 'reading';
  }

  /** The estimate at `at` (memoised until the next reading or another time). */
  estimate(at: number): CapacityEstimate | undefined {
    if (this.memo && this.memo.at === at && this.memo.version === this.version) return this.memo.value;
    const value = this.compute(at);
    this.memo = { at, version: this.version, value };
    return value;
  }

  private compute(at: number): CapacityEstimate | undefined {
    this.expire(at);
    if (this.readings.length === 0) return undefined;
    // One walk over the readings sorted by μ: age weights, their sums, and the weighted quartiles.
    let totalWeight = 0;
    let squaredWeight = 0;
    for (const r of this.byRate) {
      r.weight = Math.pow(0.5, (at - r.at) / this.halfLifeMs);
      totalWeight += r.weight;
      squaredWeight += r.weight * r.weight;
    }
    const quantile = (q: number): number => {
      let running = 0;
      for (const r of this.byRate) {
        running += r.weight;
        if (running >= q * totalWeight) return r.mu;
      }
      return this.byRate[this.byRate.length - 1]!.mu;
    };
    const median = quantile(0.5);
    const effective = (totalWeight * totalWeight) / squaredWeight;
    // Standard error of a median ≈ 1.2533 σ / √n; σ from the interquartile range (IQR / 1.349).
    const relativeError = (1.2533 * ((quantile(0.75) - quantile(0.25)) / 1.349)) / Math.sqrt(effective) / median;
    const demonstrated = kthHighest(
      this.proofs.map((p) => p.mu),
      PROOF_RANK,
    );
    // The utilisation ceiling only rises with evidence: over-provisioning (low utilisation) must not lower it.
    const utilisationServed = this.proofs.reduce((m, p) => Math.max(m, p.utilisation), 0);
    const serviceRate = Math.max(demonstrated, median * (1 - relativeError));
    const [low, high] = CALIBRATION_BOUNDS;
    return {
      serviceRate,
      median,
      relativeError,
      demonstrated,
      utilisationServed,
      utilisationCeiling: Math.min(1, utilisationServed + this.explorationStep),
      calibration: Math.min(high, Math.max(low, Math.exp(this.logCalibration))),
      readings: this.readings.length,
      ageSeconds: (at - this.readings[this.readings.length - 1]!.at) / 1000,
      trusted: this.readings.length >= this.minReadings,
    };
  }

  /**
   * The tail's shape: observed over modelled p95 at the μ this same tick's mean latency gives, its log smoothed, each
   * tick bounded. Measured against the tick's own μ, not the estimate: a change in a request's cost moves the mean
   * and the p95 together, so it shows in μ alone and is counted once (against the estimate, the same change read as
   * a worse tail too until μ caught up, and the two together made the SLO look impossible: i20-cost2's note).
   */
  private calibrate(e: CapacityEvidence, mu: number): void {
    const modelled = sojournQuantile(0.95, e.loadRps, e.ready, mu);
    if (!Number.isFinite(modelled) || !(modelled > 0)) return;
    const [low, high] = CALIBRATION_BOUNDS;
    const ratio = Math.min(high, Math.max(low, e.latencyP95Seconds / modelled));
    this.logCalibration += CALIBRATION_WEIGHT * (Math.log(ratio) - this.logCalibration);
    this.version++;
  }

  private push(reading: Reading): void {
    this.version++;
    this.readings.push(reading);
    this.byRate.splice(firstAbove(this.byRate, reading.mu), 0, reading);
    if (this.readings.length > this.size) this.drop(this.readings.shift()!);
  }

  private drop(reading: Reading): void {
    this.byRate.splice(this.byRate.indexOf(reading), 1);
  }

  private expire(at: number): void {
    const cutoff = at - this.maxAgeMs;
    while (this.readings.length > 0 && this.readings[0]!.at < cutoff) this.drop(this.readings.shift()!);
    while (this.proofs.length > 0 && (this.proofs[0]!.at < cutoff || this.proofs.length > this.size))
      this.proofs.shift();
  }
}

/** μ with meanSojourn(λ, c, μ) = W (it falls as μ rises): bracket, then bisect. */
export function serviceRateFromMeanSojourn(arrivalRate: number, c: number, meanSeconds: number): number {
  let low = arrivalRate / c;
  let high = Math.max(2 / meanSeconds, 2 * low);
  while (meanSojourn(arrivalRate, c, high) > meanSeconds) {
    low = high;
    high *= 2;
  }
  for (let i = 0; i < 50 && high - low > 1e-4 * high; i++) {
    const mid = (low + high) / 2;
    if (meanSojourn(arrivalRate, c, mid) > meanSeconds) low = mid;
    else high = mid;
  }
  return high;
}

/** The least μ at which c replicas hold the p95 SLO for λ: what serving λ within the SLO proves. */
function leastServiceRateHolding(arrivalRate: number, c: number, sloSeconds: number): number {
  let low = arrivalRate / c;
  let high = Math.max(2 * low, (2 * Math.log(20)) / sloSeconds);
  while (!holdsSlo(arrivalRate, c, high, sloSeconds)) high *= 2;
  for (let i = 0; i < 40 && high - low > 1e-4 * high; i++) {
    const mid = (low + high) / 2;
    if (holdsSlo(arrivalRate, c, mid, sloSeconds)) high = mid;
    else low = mid;
  }
  return high;
}

/** The k-th highest value (the lowest when fewer; 0 when none), by selection without sorting. */
function kthHighest(values: readonly number[], k: number): number {
  if (values.length === 0) return 0;
  const top: number[] = [];
  for (const v of values) {
    if (top.length < k) top.push(v);
    else if (v > top[top.length - 1]!) top[top.length - 1] = v;
    else continue;
    for (let i = top.length - 1; i > 0 && top[i]! > top[i - 1]!; i--) [top[i], top[i - 1]] = [top[i - 1]!, top[i]!];
  }
  return top[top.length - 1]!;
}

/** Index of the first reading with μ above `mu` in an ascending array. */
function firstAbove(sorted: readonly Reading[], mu: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]!.mu <= mu) low = mid + 1;
    else high = mid;
  }
  return low;
}
