/**
 * How far from its level a pool's load has moved one lead time later, learnt from its own history: for each tick,
 * the load one lead time after it over the level at the tick. Heavy-tailed traffic (flash crowds, bursts of long
 * requests) shows here what a Normal forecast misses; the empirical exceedance of a ratio is the share of the ratios
 * seen (over `windowTicks`, a day of 15 s ticks by default) above it, smoothed toward a prior by pseudo-counts
 * (Bayesian: a pool that has not shown a burst yet is not assumed never to burst; a day of history outweighs it).
 */
export class LoadGrowth {
  private readonly pending: Array<{ at: number; level: number; scale: number }> = [];
  /** Ratios in arrival order (for expiry) and sorted (for the exceedance). */
  private readonly fifo: number[] = [];
  private readonly sorted: number[] = [];

  constructor(
    private readonly windowTicks = 5760,
    /** The prior P(ratio > r) and its weight in ratios. */
    private readonly prior: (ratio: number) => number = paretoPrior,
    private readonly priorWeight = 1440,
  ) {}

  /**
   * One tick: the ticks one lead time old (or older) take its load as their outcome. The rise is counted in units of
   * `scale` (default the level: ratio = load / level); see `burstScale`.
   */
  observe(at: number, load: number, level: number, leadMs: number, scale = level): void {
    while (this.pending.length > 0 && at - this.pending[0]!.at >= leadMs) {
      const done = this.pending.shift()!;
      if (done.scale > 0) this.add(1 + (load - done.level) / done.scale);
    }
    this.pending.push({ at, level, scale });
  }

  /** Share of ratios above `ratio`, with the prior's pseudo-counts. */
  exceedance(ratio: number): number {
    const n = this.sorted.length;
    const above = n - upperBound(this.sorted, ratio);
    return (above + this.priorWeight * this.prior(ratio)) / (n + this.priorWeight);
  }

  /** The distinct ratios above `ratio`, ascending, at most `max`: where `exceedance` steps down (a step function). */
  stepsAbove(ratio: number, max: number): number[] {
    const steps: number[] = [];
    for (let i = upperBound(this.sorted, ratio); i < this.sorted.length && steps.length < max; i++) {
      const r = this.sorted[i]!;
      if (steps.length === 0 || steps[steps.length - 1] !== r) steps.push(r);
    }
    return steps;
  }

  get ratios(): number {
    return this.sorted.length;
  }

  private add(ratio: number): void {
    this.fifo.push(ratio);
    this.sorted.splice(upperBound(this.sorted, ratio), 0, ratio);
    if (this.fifo.length > this.windowTicks) {
      const old = this.fifo.shift()!;
      this.sorted.splice(upperBound(this.sorted, old) - 1, 1);
    }
  }
}

/** P(ratio > r) = r^−17.5 above 1: a 30 % rise within a lead time 1 % of the time, a doubling almost never. */
export function paretoPrior(ratio: number): number {
  return ratio <= 1 ? 1 : Math.pow(ratio, -17.5);
}

/** Index of the first element > value in an ascending array. */
function upperBound(values: readonly number[], value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[mid]! <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The unit a rise is counted in: the level, but never more than the pool's typical load. Crowds and spikes add to
 * the traffic a pool usually has; counted relative to the level, a decaying crowd at 10 × the usual load was planned
 * as if it could double again (it held ≈ 2 × its load on the flash-crowd traces).
 */
export function burstScale(level: number, typical: number): number {
  return Math.min(level, typical);
}
