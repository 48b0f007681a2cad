import { TYPED_ARRAY_OVERHEAD_BYTES, objectBytes } from '../stream/detector';
import { stateArrays } from '../../engine/state-arrays';

// Method: the hold is the shortest duration that natural excursions at least this large outlast at a rate ≤ a false-alarm
// budget per agent-day — excursions as a marked point process (peak, length) counted per unit of observed time, one
// unseen excursion of every length added (Laplace's add-one) so only enough observed time can vouch for a short hold —
// with each agent's rates shrunk toward its pool's, and each pool's toward its fleet's, by Gamma–Poisson empirical
// Bayes (Clayton & Kaldor 1987).

export interface ExcursionEnvelopeOptions {
  /** Natural excursions per agent-day allowed to outlast the hold (default 0.1). */
  budgetPerDay?: number;
  /** The longest hold, and the hold while too little has been observed to judge (default 120 s). */
  maxHoldMs?: number;
  /** Weight of the pool's rates in an agent's own estimate, as observed time (default 1 day). */
  priorMs?: number;
  /** Half-life of what was learned, in observed time (default 30 days). */
  halfLifeMs?: number;
  /** A past excursion whose peak reached current / slack counts as one like it (default 1.25). */
  slack?: number;
  /**
   * The envelope this one is part of (a pool's: its fleet's): everything observed or recorded here is also observed
   * or recorded there, and this envelope's rates are shrunk toward the parent's (see holdMs).
   */
  parent?: ExcursionEnvelope;
}

/** Upper bounds of the length classes, ms: a hold is one of these (or maxHoldMs). */
export const LENGTH_EDGES_MS: readonly number[] = [
  10, 20, 30, 45, 60, 75, 90, 105, 120, 150, 180, 240, 300, 420, 600,
].map((s) => s * 1000);
/** Lower bounds of the peak classes (× the usual level). */
export const PEAK_EDGES: readonly number[] = [1, 1.5, 2, 3, 4, 6, 8, 12, 16];

const DAY_MS = 86_400_000;
/** A gap between two observations counts as observed time up to this much (a pause in reporting is not observed). */
const MAX_STEP_MS = 300_000;

/**
 * What one agent's (or one pool's) natural excursions look like: counts of past excursions by peak and length class,
 * and the time observed. `record` each excursion that reached the detector's decision level when it ends, `observe`
 * the time between two values; `holdMs(peak, pool)` is how long an excursion that has reached `peak` must last before
 * it alarms: the shortest length that excursions at least peak / slack high outlast at ≤ budgetPerDay per agent-day
 * (0 when none ever did). One unseen excursion longer than any is assumed, so the hold stays at maxHoldMs until
 * 1 / budgetPerDay agent-days have been observed (10 at 0.1: a pool of 100 agents in 2.4 hours, one agent alone in 10
 * days), and shortens for each kind of excursion as the observed time outweighs it. An excursion lasting maxHoldMs or longer is
 * not learned: no hold can exceed that, and it is more likely a fault than the agent's usual (a fault learned as
 * natural would teach the envelope to wait for the next one). One that alarmed but ended sooner is learned: a false
 * alarm teaches the hold for its like. Tiers: agent → pool → fleet (a pool's `parent`); the fleet's rates, worth
 * 1 / budgetPerDay agent-days, let a young pool vouch as soon as the fleet has (see holdMs). State: 9 × 16 numbers
 * (1.2 KB).
 */
export class ExcursionEnvelope {
  private readonly budget: number;
  private readonly maxHoldMs: number;
  private readonly priorMs: number;
  private readonly slack: number;
  private readonly decayPerMs: number;
  private readonly parent: ExcursionEnvelope | undefined;
  /** Weight of the parent's rates in this envelope's, as observed time: 1 / budget agent-days (what add-one needs). */
  private readonly parentPriorMs: number;
  /** counts[peak class × lengths + length class], scaled by `scale` (lazy decay: new counts weigh more). */
  private readonly counts: Float64Array;
  private scale = 1;
  /** Observed time, ms, decayed with the counts. */
  private exposure = 0;

  constructor(options: ExcursionEnvelopeOptions = {}) {
    this.budget = options.budgetPerDay ?? 0.1;
    this.maxHoldMs = options.maxHoldMs ?? 120_000;
    this.priorMs = options.priorMs ?? DAY_MS;
    this.slack = options.slack ?? 1.25;
    this.decayPerMs = Math.LN2 / (options.halfLifeMs ?? 30 * DAY_MS);
    this.counts = stateArrays.float64(PEAK_EDGES.length * (LENGTH_EDGES_MS.length + 1));
    this.parent = options.parent;
    this.parentPriorMs = DAY_MS / this.budget;
  }

  /** Observed time so far (decayed), ms. */
  get observedMs(): number {
    return this.exposure;
  }

  /** Adds `ms` of observed time (capped at 5 minutes a call: a pause in reporting is not observed time). */
  observe(ms: number): void {
    if (!(ms > 0)) return;
    this.parent?.observe(ms);
    const dt = ms < MAX_STEP_MS ? ms : MAX_STEP_MS;
    const keep = Math.exp(-dt * this.decayPerMs);
    this.exposure = this.exposure * keep + dt;
    this.scale /= keep;
    if (this.scale > 1e100) {
      for (let i = 0; i < this.counts.length; i++) this.counts[i]! /= this.scale;
      this.scale = 1;
    }
  }

  /** One excursion that ended: its peak (× the usual level) and length, ms (learned when shorter than maxHoldMs). */
  record(peak: number, lengthMs: number): void {
    if (!(peak > 0) || !(lengthMs >= 0) || !(lengthMs < this.maxHoldMs)) return;
    this.parent?.record(peak, lengthMs);
    this.counts[peakClass(peak) * (LENGTH_EDGES_MS.length + 1) + lengthClass(lengthMs)]! += this.scale;
  }

  /**
   * How long an excursion that reached `peak` must last before it alarms, ms. With `pool`, this envelope's rates are
   * shrunk toward the pool's (an agent with little history borrows its pool's envelope); a pool with a parent (its
   * fleet) vouches either from its own history or from its own shrunk toward the fleet's (a fleet whose pools behave
   * alike vouches in hours, not in days per pool).
   */
  holdMs(peak: number, pool?: ExcursionEnvelope): number {
    const lengths = LENGTH_EDGES_MS.length + 1;
    const fromPeak = firstPeakClassReaching(peak / this.slack);
    const fleet = pool?.parent;
    // From the longest class down: the rate of excursions at least this long, until it exceeds the budget.
    let own = 0;
    let pooled = 0;
    let fleetwide = 0;
    for (let j = lengths - 1; j >= 0; j--) {
      for (let i = fromPeak; i < PEAK_EDGES.length; i++) {
        own += this.counts[i * lengths + j]!;
        if (pool) pooled += pool.counts[i * lengths + j]!;
        if (fleet) fleetwide += fleet.counts[i * lengths + j]!;
      }
      // The unseen excursion (add-one) counts once, in the top tier's rate (agent alone, pool, or fleet).
      let rate: number;
      if (!pool) rate = (own / this.scale + 1) / this.exposure;
      else {
        const poolCount = pooled / pool.scale;
        let poolRate = (poolCount + 1) / pool.exposure;
        if (fleet) {
          const fleetRate = (fleetwide / fleet.scale + 1) / fleet.exposure;
          const shrunk = (poolCount + pool.parentPriorMs * fleetRate) / (pool.exposure + pool.parentPriorMs);
          if (shrunk < poolRate) poolRate = shrunk;
        }
        rate = (own / this.scale + this.priorMs * poolRate) / (this.exposure + this.priorMs);
      }
      // Excursions of class j (lengths up to LENGTH_EDGES_MS[j]) are too frequent: the hold is that class's upper edge.
      if (!(rate * DAY_MS <= this.budget))
        return j < LENGTH_EDGES_MS.length ? Math.min(this.maxHoldMs, LENGTH_EDGES_MS[j]!) : this.maxHoldMs;
    }
    return 0;
  }

  stateBytes(): number {
    return objectBytes(10) + TYPED_ARRAY_OVERHEAD_BYTES + this.counts.byteLength;
  }
}

function lengthClass(ms: number): number {
  let j = 0;
  while (j < LENGTH_EDGES_MS.length && ms >= LENGTH_EDGES_MS[j]!) j++;
  return j;
}

function peakClass(peak: number): number {
  let i = 0;
  while (i + 1 < PEAK_EDGES.length && peak >= PEAK_EDGES[i + 1]!) i++;
  return i;
}

/** The first peak class whose excursions may have reached `level` (its upper edge above it). */
function firstPeakClassReaching(level: number): number {
  let i = 0;
  while (i + 1 < PEAK_EDGES.length && PEAK_EDGES[i + 1]! <= level) i++;
  return i;
}
