import { TYPED_ARRAY_OVERHEAD_BYTES, deviationScore, objectBytes } from '../stream/detector';
import { round } from '../stream/explain';
import { type SignalDetector, verdict, verdictBytes } from './signal';
import { stateArrays } from '../../engine/state-arrays';
import { type MannKendall, mannKendall, theilSenSlope } from './trend';

// Method: trend of the post-collection floor. Each time bucket keeps its minimum (a garbage-collected heap's sawtooth
// peaks come and go; its floor is the live set), then a one-sided Mann–Kendall test (Mann 1945; Kendall 1975) and the
// Theil–Sen slope (Theil 1950; Sen 1968) over the floors, at two time scales. A leak must be significant by rank,
// large against the floors' own scatter around the fitted line (robust σ from the MAD) and against the agent's own
// past windows, and large in itself. A collecting agent is also judged cycle by cycle: the lowest reading of each
// collection cycle (its trough, the live set) must rise at every cycle of a run, each rise well above the agent's own
// usual rise per cycle, by minGrowth in all — so a leak on a 10-minute GC cycle is found within three cycles, before
// the coarse scales' windows fill.

export interface MemoryLeakOptions {
  /**
   * Bucket of each time scale, ms (default 10 s, 1 min, 8 min: with 20 buckets a window of ≈ 3 minutes for fast leaks
   * on steady agents, 20 minutes, and ≈ 2.7 hours for slow leaks).
   */
  bucketsMs?: readonly number[];
  /** Floors in each scale's window (default 20). */
  window?: number;
  /** Floors needed before a scale judges (default 12). */
  minBuckets?: number;
  /** One-sided Mann–Kendall Z of significance (default 3.09, α = 0.001). */
  zCritical?: number;
  /** Growth of the fitted floor over the window, as a share of its level at the window's start (default 0.25). */
  minGrowth?: number;
  /** …and as a multiple of the floors' robust scatter around the fitted line (default 3)… */
  noiseMultiple?: number;
  /** …and as a multiple of the agent's own mean absolute growth over past windows of the scale (default 3). */
  historyMultiple?: number;
  /** Troughs of collection cycles in a run needed before the trough test judges (default 3: two rises). */
  minTroughs?: number;
  /** What is measured, for the sentence (default `memory_bytes`). */
  label?: string;
}

const KEYS = [
  'z',
  'growthPercent',
  'ratePercentPerHour',
  'slopePerHour',
  'from',
  'to',
  'noise',
  'windowMinutes',
  'limit',
  'hoursToLimit',
] as const;

/** At most this many bucket minima make one floor: a scale whose buckets are shorter than a collection cycle / 6 sits out. */
const MAX_ENVELOPE = 12;
/** Troughs kept in a run of rises, and the run's longest span. */
const MAX_TROUGHS = 16;
const RUN_SPAN_MS = 40 * 60_000;

/** One scale: the floors (lower envelope of the last few bucket minima) of completed time buckets, in a ring. */
class FloorWindow {
  readonly floors: Float64Array;
  readonly times: Float64Array;
  head = 0;
  count = 0;
  /** Windows tested so far (the agent's usual growth is learned from them). */
  tests = 0;
  private bucketEnd = Number.NaN;
  private min = Number.POSITIVE_INFINITY;
  private minAt = 0;
  // From the slabs: a `new Float64Array` of its size gets a backing store of its own, which the GC tracks.
  private readonly recentMins = stateArrays.float64(MAX_ENVELOPE).fill(Number.POSITIVE_INFINITY);
  private closedBuckets = 0;

  constructor(
    readonly bucketMs: number,
    readonly capacity: number,
  ) {
    this.floors = stateArrays.float64(capacity);
    this.times = stateArrays.float64(capacity);
  }

  /** Bucket minima a floor must span to reach the low point of a collection cycle of `cycleMs` (twice the cycle). */
  envelopeFor(cycleMs: number): number {
    return Math.max(3, Math.ceil((2 * cycleMs) / this.bucketMs));
  }

  /** Adds a value; true when it closed a bucket (the floor of the previous one joined the window). */
  add(t: number, value: number, envelope: number): boolean {
    let closed = false;
    if (this.bucketEnd !== this.bucketEnd) this.bucketEnd = (Math.floor(t / this.bucketMs) + 1) * this.bucketMs;
    else if (t >= this.bucketEnd) {
      const k = this.closedBuckets++;
      this.recentMins[k % MAX_ENVELOPE] = this.min;
      let floor = Number.POSITIVE_INFINITY;
      const span = Math.min(envelope, MAX_ENVELOPE, k + 1);
      for (let i = 0; i < span; i++) {
        const m = this.recentMins[(k - i + MAX_ENVELOPE) % MAX_ENVELOPE]!;
        if (m < floor) floor = m;
      }
      this.floors[this.head] = floor;
      this.times[this.head] = this.minAt;
      this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
      if (this.count < this.capacity) this.count++;
      this.bucketEnd = (Math.floor(t / this.bucketMs) + 1) * this.bucketMs;
      this.min = Number.POSITIVE_INFINITY;
      closed = true;
    }
    if (value < this.min) {
      this.min = value;
      this.minAt = t;
    }
    return closed;
  }

  stateBytes(): number {
    return (
      objectBytes(10) +
      3 * TYPED_ARRAY_OVERHEAD_BYTES +
      this.floors.byteLength +
      this.times.byteLength +
      this.recentMins.byteLength
    );
  }
}

/**
 * Memory leaks of one agent: a significant, lasting rise of its memory floor. Scores 0.5 at one-sided Mann–Kendall
 * Z = zCritical over a scale's floors, rising towards 1, provided the Theil–Sen growth over that window is ≥ minGrowth
 * of the starting level, still under way (the later half of the window rises at ≥ half the window's slope), ≥ noiseMultiple × the floors' robust scatter and ≥ historyMultiple × the agent's usual
 * growth over such windows; else 0. The strongest scale wins. A GC sawtooth (peaks that fall back) and ordinary drift
 * (+10–19 % over 40 minutes) stay below those bars; on a 25 % sawtooth a leak of 300 %/h is found at ≈ +20 %, of
 * 100 %/h at ≈ +25 %, of 30 %/h at ≈ +45 % (see the tests). Evidence: z, growthPercent (over the window),
 * ratePercentPerHour (slope / the window's starting level; the Theil–Sen slope lags at a leak's onset),
 * slopePerHour (bytes), from / to (fitted floor at the window's ends), noise (robust σ of the floors), windowMinutes,
 * limit and hoursToLimit (when a limit is known: the projected time until the fitted floor reaches it). State: per
 * scale two Float64Arrays of `window` (≈ 1.1 KB at the defaults).
 */
export class MemoryLeakDetector implements SignalDetector {
  readonly name = 'memory-leak';
  readonly type = 'memory_leak' as const;
  readonly feature: string;
  readonly verdict = verdict(KEYS);
  private readonly scales: readonly FloorWindow[];
  private readonly minBuckets: number;
  private readonly zCritical: number;
  private readonly minGrowth: number;
  private readonly noiseMultiple: number;
  private readonly mk: MannKendall = { s: 0, variance: 0, z: 0 };
  private readonly scores: Float64Array;
  /** Per scale: EWMA of |growth share| over its windows while no leak is flagged (the agent's ordinary wander). */
  private readonly usualGrowth: Float64Array;
  private readonly historyMultiple: number;
  private limit = Number.NaN;
  /** The collection cycle: EWMA of the time between drops of ≥ 3 % (0: none seen — a flat or steadily growing agent). */
  private cycleMs = 0;
  private lastDropAt = Number.NaN;
  private lastValue = Number.NaN;
  /** The current collection cycle's lowest reading and its time (NaN before the first collection). */
  private cycleMin = Number.NaN;
  private cycleMinAt = 0;
  private cycleReadings = 0;
  /** Troughs of the cycles since the run of rises began (the first is the run's base), oldest first. */
  private readonly troughs: Float64Array;
  private readonly troughTimes: Float64Array;
  private troughCount = 0;
  /** The agent's usual |rise| of a trough from one cycle to the next, as a share (EWMA while no leak is flagged). */
  private usualRise = 0;
  private rises = 0;
  private readonly minTroughs: number;
  private troughScore = 0;

  constructor(options: MemoryLeakOptions = {}) {
    const window = options.window ?? 20;
    this.scales = (options.bucketsMs ?? [10_000, 60_000, 480_000]).map((ms) => new FloorWindow(ms, window));
    if (this.scales.length === 0) throw new RangeError('bucketsMs must hold at least one scale');
    this.scores = new Float64Array(this.scales.length);
    this.usualGrowth = new Float64Array(this.scales.length);
    this.minBuckets = Math.max(4, Math.min(options.minBuckets ?? 12, window));
    this.zCritical = options.zCritical ?? 3.09;
    this.minGrowth = options.minGrowth ?? 0.25;
    this.noiseMultiple = options.noiseMultiple ?? 3;
    this.historyMultiple = options.historyMultiple ?? 3;
    this.feature = options.label ?? 'memory_bytes';
    this.minTroughs = Math.max(3, options.minTroughs ?? 3);
    this.troughs = stateArrays.float64(MAX_TROUGHS);
    this.troughTimes = stateArrays.float64(MAX_TROUGHS);
  }

  /**
   * Adds one reading at `timestamp` (epoch ms, data time) and, when known, the agent's memory limit (same unit). The
   * verdict changes when a bucket closes; in between it keeps the last answer.
   */
  update(timestamp: number, value: number, limit?: number) {
    const v = this.verdict;
    if (!Number.isFinite(value) || !Number.isFinite(timestamp)) return v;
    if (limit !== undefined && limit > 0) this.limit = limit;
    // A collection: a drop of ≥ 3 % from the last reading. The time between drops sizes each scale's floor envelope.
    let troughClosed = false;
    if (value < this.lastValue * 0.97) {
      if (this.lastDropAt === this.lastDropAt && timestamp > this.lastDropAt) {
        const gap = timestamp - this.lastDropAt;
        this.cycleMs = this.cycleMs === 0 ? gap : this.cycleMs + (gap - this.cycleMs) / 8;
      }
      this.lastDropAt = timestamp;
      // The cycle that ended: its lowest reading is its trough (the first cycle seen may be partial: not counted).
      if (this.cycleMin === this.cycleMin && this.cycleReadings >= 2) {
        this.pushTrough(this.cycleMinAt, this.cycleMin);
        troughClosed = true;
      }
      this.cycleMin = Number.POSITIVE_INFINITY;
      this.cycleReadings = 0;
    }
    if (this.cycleMin === this.cycleMin) {
      this.cycleReadings++;
      if (value < this.cycleMin) {
        this.cycleMin = value;
        this.cycleMinAt = timestamp;
      }
      // The heap climbs after a collection: its second reading shows the cycle's trough (judged now, not a cycle later).
      if (this.cycleReadings === 2) troughClosed = true;
    }
    this.lastValue = value;
    let closed = false;
    for (let i = 0; i < this.scales.length; i++) {
      const scale = this.scales[i]!;
      const envelope = scale.envelopeFor(this.cycleMs);
      if (!scale.add(timestamp, value, envelope)) continue;
      // A scale too fine for the cycle would read the sawtooth's rise as growth: it sits out.
      this.scores[i] = envelope <= MAX_ENVELOPE ? this.test(scale, i, false) : 0;
      closed = true;
    }
    if (troughClosed) this.troughScore = this.cycleReadings >= 2 ? this.testTroughs(false) : this.troughScore;
    if (!closed && !troughClosed) return v;
    // The verdict: the strongest scale now (tested again to fill in its evidence), or the troughs'.
    let top = 0;
    for (let i = 1; i < this.scales.length; i++) if (this.scores[i]! > this.scores[top]!) top = i;
    v.ready = this.troughCount >= this.minTroughs || this.scales.some((scale) => scale.count >= this.minBuckets);
    v.score = this.troughScore > this.scores[top]! ? this.testTroughs(true) : this.test(this.scales[top]!, top, true);
    return v;
  }

  describe(): string {
    const e = this.verdict.evidence;
    const limit = Number.isFinite(e.hoursToLimit)
      ? `, reaching its limit in ≈ ${round(e.hoursToLimit!)} h at this rate`
      : '';
    return (
      `${this.feature} floor (after collections) is rising: from ${round(e.from!)} to ${round(e.to!)} over ${round(e.windowMinutes!)} min ` +
      `(+${round(e.growthPercent!)} %, ${round(e.ratePercentPerHour!)} %/h, Theil–Sen; Mann–Kendall Z = ${round(e.z!)}; scatter ${round(e.noise!)})${limit}`
    );
  }

  stateBytes(): number {
    let bytes =
      objectBytes(26) +
      4 * TYPED_ARRAY_OVERHEAD_BYTES +
      this.troughs.byteLength +
      this.troughTimes.byteLength +
      this.scores.byteLength +
      this.usualGrowth.byteLength +
      objectBytes(3) +
      verdictBytes(KEYS.length);
    for (const s of this.scales) bytes += s.stateBytes();
    return bytes;
  }

  /**
   * Appends a cycle's trough. A rise extends the run; anything else ends it (its rises were ordinary: learned) and starts
   * a new run from this trough. Troughs older than RUN_SPAN_MS before the newest leave the run, their rise learned: a
   * leak must reach minGrowth within that span (a drift of +19 % over 40 minutes never can).
   */
  private pushTrough(t: number, trough: number): void {
    let n = this.troughCount;
    if (n > 0 && !(trough > this.troughs[n - 1]!)) {
      for (let i = 1; i < n; i++) this.learnRise(this.troughs[i - 1]!, this.troughs[i]!);
      if (n > 0) this.learnRise(this.troughs[n - 1]!, trough);
      n = 0;
    }
    let drop = 0;
    while (n - drop > 0 && (t - this.troughTimes[drop]! > RUN_SPAN_MS || n - drop >= MAX_TROUGHS)) {
      if (drop + 1 < n) this.learnRise(this.troughs[drop]!, this.troughs[drop + 1]!);
      drop++;
    }
    if (drop > 0) {
      this.troughs.copyWithin(0, drop, n);
      this.troughTimes.copyWithin(0, drop, n);
      n -= drop;
    }
    this.troughs[n] = trough;
    this.troughTimes[n] = t;
    this.troughCount = n + 1;
  }

  /** The agent's usual |rise| of a trough per cycle (a running mean over its first 32, then an EWMA). */
  private learnRise(from: number, to: number): void {
    if (!(from > 0)) return;
    this.rises++;
    this.usualRise += (Math.abs(to - from) / from - this.usualRise) / Math.min(this.rises, 32);
  }

  /**
   * The trough test: a run of ≥ minTroughs troughs within 40 minutes, each above the one before by ≥ historyMultiple ×
   * the agent's usual rise per cycle (learned from ≥ 2 past rises) and by 0.5 %, growing ≥ minGrowth from the
   * run's base. Score 0.5
   * at minGrowth, rising with the growth (1 at 4 × minGrowth). `fill` writes the evidence.
   */
  private testTroughs(fill: boolean): number {
    // The current cycle's trough joins the run provisionally when it is a rise (it is final at the next collection).
    const provisional =
      this.cycleReadings >= 2 &&
      this.troughCount > 0 &&
      this.cycleMin > this.troughs[this.troughCount - 1]! &&
      this.troughCount < MAX_TROUGHS;
    if (provisional) {
      this.troughs[this.troughCount] = this.cycleMin;
      this.troughTimes[this.troughCount] = this.cycleMinAt;
    }
    const n = this.troughCount + (provisional ? 1 : 0);
    if (n < this.minTroughs || this.rises < 2) return 0;
    const base = this.troughs[0]!;
    if (!(base > 0)) return 0;
    let steady = true;
    for (let i = 1; i < n; i++) {
      const rise = (this.troughs[i]! - this.troughs[i - 1]!) / this.troughs[i - 1]!;
      if (!(rise >= this.historyMultiple * this.usualRise && rise > 0.005)) steady = false;
    }
    const growth = (this.troughs[n - 1]! - base) / base;
    const score =
      steady && growth >= this.minGrowth
        ? Math.min(1, 0.5 + (0.5 * (growth - this.minGrowth)) / (3 * this.minGrowth))
        : 0;
    if (fill) {
      const e = this.verdict.evidence;
      const span = this.troughTimes[n - 1]! - this.troughTimes[0]!;
      const slope = span > 0 ? (this.troughs[n - 1]! - base) / span : Number.NaN; // per ms
      const to = this.troughs[n - 1]!;
      e.z = mannKendall(this.troughs, n, this.mk).z;
      e.growthPercent = 100 * growth;
      e.ratePercentPerHour = (100 * slope * 3_600_000) / base;
      e.slopePerHour = slope * 3_600_000;
      e.from = base;
      e.to = to;
      e.noise = this.usualRise * base;
      e.windowMinutes = span / 60_000;
      e.limit = this.limit;
      e.hoursToLimit = slope > 0 && this.limit > to ? (this.limit - to) / (slope * 3_600_000) : Number.NaN;
    }
    return score;
  }

  /** The score of one scale; `fill` writes its evidence into the verdict. */
  private test(scale: FloorWindow, index: number, fill: boolean): number {
    const n = scale.count;
    if (n < this.minBuckets) return 0;
    const ys = orderScratch(2 * n);
    const start = n === scale.capacity ? scale.head : 0;
    for (let i = 0; i < n; i++) {
      const j = (start + i) % scale.capacity;
      ys[i] = scale.floors[j]!;
      ys[n + i] = scale.times[j]!;
    }
    const y = ys.subarray(0, n);
    const t = ys.subarray(n, 2 * n);
    const z = mannKendall(y, n, this.mk).z;
    const slope = theilSenSlope(t, y, n); // per ms
    const span = t[n - 1]! - t[0]!;
    // Sen's intercept at the window's start, and the robust scatter of the floors around the line.
    const resid = residScratch(n);
    for (let i = 0; i < n; i++) resid[i] = y[i]! - slope * (t[i]! - t[0]!);
    const level = medianInPlace(resid.subarray(0, n));
    for (let i = 0; i < n; i++) resid[i] = Math.abs(y[i]! - level - slope * (t[i]! - t[0]!));
    const noise = 1.4826 * medianInPlace(resid.subarray(0, n));
    const growth = slope * span;
    const share = level !== 0 ? growth / Math.abs(level) : 0;
    const usual = this.usualGrowth[index]!;
    // A leak keeps growing: the later half of the window must still rise at half the window's rate or more (a step
    // of ordinary drift that has levelled off fits a slope over the whole window, but not over its later half).
    const half = n >> 1;
    const lasting = slope > 0 && theilSenSlope(t.subarray(n - half), y.subarray(n - half), half) >= 0.5 * slope;
    // A scale judges once it has learned the agent's usual growth from a window's worth of tests.
    const big =
      scale.tests >= scale.capacity &&
      lasting &&
      share >= this.minGrowth &&
      share >= this.historyMultiple * usual &&
      growth >= this.noiseMultiple * noise;
    const score = big ? deviationScore(Math.max(0, z), this.zCritical, 1.5) : 0;
    // The agent's ordinary wander is learned from windows that are not a leak (once per closed bucket): a running
    // mean over the first 64, then an EWMA.
    if (!fill && score < 0.5) {
      scale.tests++;
      this.usualGrowth[index] = usual + (Math.abs(share) - usual) / Math.min(scale.tests, 64);
    }
    if (fill) {
      const e = this.verdict.evidence;
      e.z = z;
      e.growthPercent = level !== 0 ? (100 * growth) / Math.abs(level) : Number.NaN;
      e.ratePercentPerHour = level !== 0 ? (100 * slope * 3_600_000) / Math.abs(level) : Number.NaN;
      e.slopePerHour = slope * 3_600_000;
      e.from = level;
      e.to = level + growth;
      e.noise = noise;
      e.windowMinutes = span / 60_000;
      e.limit = this.limit;
      e.hoursToLimit =
        slope > 0 && this.limit > level + growth ? (this.limit - level - growth) / (slope * 3_600_000) : Number.NaN;
    }
    return score;
  }
}

function medianInPlace(a: Float64Array): number {
  a.sort();
  const n = a.length;
  const h = n >> 1;
  return n & 1 ? a[h]! : (a[h - 1]! + a[h]!) / 2;
}

// Shared scratch (single-threaded; each use completes before the next).
let order = new Float64Array(64);
let resids = new Float64Array(32);
function orderScratch(n: number): Float64Array {
  if (order.length < n) order = new Float64Array(n);
  return order;
}
function residScratch(n: number): Float64Array {
  if (resids.length < n) resids = new Float64Array(n);
  return resids;
}
