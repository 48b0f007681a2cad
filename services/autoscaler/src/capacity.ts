/**
 * Adaptive strategy: learns one pool's per-replica capacity — the load per replica (requests/s) at which its p95
 * latency crosses the SLO — from observed (load per replica, latency) pairs, two ways:
 *  - regression: a Theil–Sen line (median pairwise slope) through a load profile of (load per replica, 1 / latency),
 *    solved for 1 / SLO. In an M/M/1 queue 1/W = μ − λ, so 1 / latency is linear in load per replica. The profile keeps
 *    one exponentially weighted point per 5%-wide load bin, so loads seen hours ago still anchor the line.
 *  - boundary: once latency has been seen both within and beyond the SLO, the best 1-D separating threshold (a decision
 *    stump: fewest pairs on the wrong side; robust to outliers on either side) brackets the crossing between the
 *    highest load within and the lowest beyond; the regression places it inside that bracket (the midpoint without).
 *  Without a crossing seen, the regression's answer is capped at 1.25 × the highest load seen within the SLO.
 * Neither yet: a lower bound (the highest load seen within the SLO), not trusted.
 */
export interface CapacityOptions {
  /**
   * Pairs kept on each side of the SLO, in two rings: violations are rare in a well-run pool, so they must not be
   * pushed out by hours of healthy ticks; the oldest of a side go first, so a new model version is learnt in time.
   */
  capacity?: number;
  /** Pairs needed within and beyond the SLO before the estimate is trusted. */
  minEachSide?: number;
}

export interface CapacityEstimate {
  /** Requests/s one replica serves at the SLO. */
  perReplica: number;
  /** How it was found (see the module comment). */
  kind: 'boundary' | 'regression' | 'lower-bound';
  trusted: boolean;
  /** Pairs on the wrong side of the boundary, as a share of all (0 = a clean separation). */
  misclassified: number;
  observations: number;
}

interface Pair {
  load: number;
  latency: number;
  violates: boolean;
}

/** Profile bins are 5% wide in load; a bin joins the fit after a few pairs; the fit needs this many bins and spread. */
const BIN_RATIO = 1.05;
const BIN_MIN_PAIRS = 3;
const BIN_WEIGHT = 0.1;
const REGRESSION_MIN_BINS = 5;
const REGRESSION_MIN_SPREAD = 1.5;
const EXTRAPOLATION_CAP = 1.25;

export class CapacityLearner {
  private readonly within = new Ring<Pair>();
  private readonly beyond = new Ring<Pair>();
  private readonly size: number;
  private readonly minEachSide: number;
  private readonly profile = new Map<number, { x: number; y: number; n: number }>();

  constructor(options: CapacityOptions = {}) {
    this.size = options.capacity ?? 500;
    this.minEachSide = options.minEachSide ?? 5;
  }

  /** One tick of one pool: its load per serving replica and its p95 latency against the SLO. */
  observe(loadPerReplica: number, latencySeconds: number, sloSeconds: number): void {
    // An idle pool says nothing about where latency breaks.
    if (!(loadPerReplica > 0) || !Number.isFinite(latencySeconds)) return;
    const violates = latencySeconds > sloSeconds;
    (violates ? this.beyond : this.within).push({ load: loadPerReplica, latency: latencySeconds, violates }, this.size);
    // Saturated ticks (latency far past the SLO) are off the queueing line: keep them out of the profile.
    if (latencySeconds > 0 && latencySeconds <= 3 * sloSeconds) {
      const key = Math.round(Math.log(loadPerReplica) / Math.log(BIN_RATIO));
      const bin = this.profile.get(key);
      if (!bin) this.profile.set(key, { x: loadPerReplica, y: 1 / latencySeconds, n: 1 });
      else {
        bin.x += BIN_WEIGHT * (loadPerReplica - bin.x);
        bin.y += BIN_WEIGHT * (1 / latencySeconds - bin.y);
        bin.n++;
      }
    }
  }

  estimate(sloSeconds: number): CapacityEstimate | undefined {
    const sorted = [...this.within.items, ...this.beyond.items].sort((a, b) => a.load - b.load);
    if (sorted.length === 0) return undefined;
    const bad = this.beyond.items.length;
    const good = this.within.items.length;
    if (bad < this.minEachSide || good < this.minEachSide) {
      const highestWithin = this.within.items.reduce((m, p) => Math.max(m, p.load), 0);
      const fitted = crossingByRegression([...this.profile.values()], sloSeconds);
      if (fitted !== undefined && highestWithin > 0) {
        return { perReplica: Math.min(fitted, EXTRAPOLATION_CAP * highestWithin), kind: 'regression', trusted: true, misclassified: 0, observations: sorted.length };
      }
      if (bad === 0) return { perReplica: highestWithin, kind: 'lower-bound', trusted: false, misclassified: 0, observations: sorted.length };
    }
    // Threshold after index i: pairs 0..i predicted within the SLO, the rest beyond. Errors = violations at or below
    // + good pairs above. Scan once with running counts.
    let badBelow = 0;
    let goodAbove = good;
    let bestErrors = goodAbove; // threshold below everything: all predicted violating
    let bestIndex = -1;
    for (let i = 0; i < sorted.length; i++) {
      if (sorted[i]!.violates) badBelow++;
      else goodAbove--;
      const errors = badBelow + goodAbove;
      // Ties go to the lower threshold: when unsure, assume less capacity.
      if (errors < bestErrors) {
        bestErrors = errors;
        bestIndex = i;
      }
    }
    let perReplica: number;
    if (bestIndex < 0) perReplica = sorted[0]!.load;
    else if (bestIndex === sorted.length - 1) perReplica = sorted[bestIndex]!.load;
    else {
      const low = sorted[bestIndex]!.load;
      const high = sorted[bestIndex + 1]!.load;
      const fitted = crossingByRegression([...this.profile.values()], sloSeconds);
      perReplica = fitted === undefined ? (low + high) / 2 : Math.min(high, Math.max(low, fitted));
    }
    return {
      perReplica,
      kind: 'boundary',
      trusted: bad >= this.minEachSide && good >= this.minEachSide && bestIndex >= 0,
      misclassified: bestErrors / sorted.length,
      observations: sorted.length,
    };
  }
}

/**
 * Theil–Sen (median of pairwise slopes, median intercept) through the profile bins with enough pairs; the load where the
 * line reaches 1 / SLO, or undefined when it does not fall with load or the loads seen are too alike to tell.
 */
function crossingByRegression(profile: ReadonlyArray<{ x: number; y: number; n: number }>, sloSeconds: number): number | undefined {
  const bins = profile.filter((b) => b.n >= BIN_MIN_PAIRS).sort((a, b) => a.x - b.x);
  if (bins.length < REGRESSION_MIN_BINS || bins[bins.length - 1]!.x < REGRESSION_MIN_SPREAD * bins[0]!.x) return undefined;
  const slopes: number[] = [];
  for (let i = 0; i < bins.length; i++) {
    for (let j = i + 1; j < bins.length; j++) {
      const dx = bins[j]!.x - bins[i]!.x;
      if (dx > 0) slopes.push((bins[j]!.y - bins[i]!.y) / dx);
    }
  }
  const slope = median(slopes);
  if (!(slope < 0)) return undefined;
  const intercept = median(bins.map((b) => b.y - slope * b.x));
  const crossing = (1 / sloSeconds - intercept) / slope;
  return crossing > 0 ? crossing : undefined;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A fixed-size ring of the latest items. */
class Ring<T> {
  readonly items: T[] = [];
  private next = 0;

  push(item: T, size: number): void {
    if (this.items.length < size) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % size;
  }
}
