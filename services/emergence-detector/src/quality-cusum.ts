/** One tick of an agent's quality: the sum, sum of squares and count of its reports' scores in the tick. */
export interface QualityTick {
  sum: number;
  squares: number;
  count: number;
}

export interface QualityCusumOptions {
  /** Reference value k, in the agent's own per-report standard deviations: half the gain it is tuned to catch fastest. */
  k: number;
  /** A tick's mean deviation is clipped to ±clip standard deviations: one wild score cannot alarm alone. */
  clip: number;
  /** Reports of the agent's own in-control level before it is tested. */
  minReference: number;
  /**
   * The reference forgets with this half-life, in reports while the sum rests, so a slow drift of the agent's level
   * is not a gain (in reports, not time: a slow reporter keeps as many of its own as a busy one).
   */
  halfLifeReports: number;
  /** Smallest gain worth reporting, in score points. */
  minGain: number;
  /** Floor of the per-report standard deviation, in score points: an agent whose scores never vary still has a scale. */
  minSigma: number;
}

export interface QualityAlarm {
  /** When the gain began (not when it became significant): the likeliest change tick since the sum's last zero. */
  since: number;
  /** Mean of the run since then, less the reference mean, in score points. */
  gain: number;
}

/**
 * One agent's one-sided CUSUM of its quality scores against its own in-control level (Page 1954): a sustained gain
 * of δ standard deviations adds about δ − k per report, noise drifts it back to zero, so a small gain is found
 * after enough reports whatever its onset, and it is dated at the sum's last zero. Ticks are summed per report (the
 * per-report CUSUM read at tick ends). The reference (mean and variance) is learnt from the agent's own ticks while
 * the sum rests at zero, and forgets slowly while it rests; a run's ticks join it once the sum falls back to zero, so a
 * gain never teaches the reference before it is tested. An alarm needs the sum at its level on two ticks with reports running:
 * the next reports must hold the gain. After an alarm the agent starts over at its new level.
 */
export class QualityCusum {
  private referenceCount = 0;
  private referenceSum = 0;
  private referenceSquares = 0;
  /** Σ of the reference's squared report weights: its effective size is count² / this. */
  private referenceWeights2 = 0;
  private sum = 0;
  private runStart: number | undefined;
  private readonly run: QualityTick = { sum: 0, squares: 0, count: 0 };
  /** The run's ticks with reports: where its gain most likely began. */
  private readonly runTicks: Array<{ tick: number; sum: number; count: number }> = [];
  private above = false;

  constructor(private readonly options: QualityCusumOptions) {}

  /**
   * Adds one closed tick (ticks in order; ticks without reports may be left out) and tests the sum against the alarm
   * level `h` (in standard deviations, see `cusumThreshold`); an alarm when a gain is confirmed.
   */
  update(tick: number, observed: QualityTick, h: number): QualityAlarm | undefined {
    const { k, clip, minReference, halfLifeReports } = this.options;
    if (observed.count <= 0) return undefined;
    // The reference forgets per report, and only while the sum rests: during a run it is the level before the run.
    if (this.runStart === undefined) {
      const decay = Math.pow(0.5, observed.count / halfLifeReports);
      this.referenceCount *= decay;
      this.referenceSum *= decay;
      this.referenceSquares *= decay;
      this.referenceWeights2 *= decay * decay;
    }
    // Too little of its own level to test against (a new agent, or one whose run outlived its reference): learn.
    if (this.referenceCount < minReference) {
      this.restart(observed);
      return undefined;
    }
    const mean = this.referenceSum / this.referenceCount;
    const sigma = this.sigma(mean);
    const deviation = Math.max(-clip, Math.min(clip, (observed.sum / observed.count - mean) / sigma));
    // The reference mean is itself an estimate: a guard band of one standard error of it (in σ, 1/√effective size)
    // keeps a reference that came out low from drifting the sum up (estimated limits shorten the run length a lot;
    // Jones, Champ & Rigdon 2004).
    const guard = Math.sqrt(this.referenceWeights2) / this.referenceCount;
    const next = this.sum + observed.count * (deviation - k - guard);
    if (next <= 0) {
      this.restart(observed);
      return undefined;
    }
    if (this.runStart === undefined) this.runStart = tick;
    this.sum = next;
    this.run.sum += observed.sum;
    this.run.squares += observed.squares;
    this.run.count += observed.count;
    this.runTicks.push({ tick, sum: observed.sum, count: observed.count });
    const gain = this.run.sum / this.run.count - mean;
    // At its level but too small a gain to matter (an agent whose scores barely vary): the run is its own level.
    if (this.sum >= h && gain < this.options.minGain) {
      this.restart({ sum: 0, squares: 0, count: 0 });
      return undefined;
    }
    const alarm = this.sum >= h;
    if (!alarm || !this.above) {
      this.above = alarm;
      return undefined;
    }
    const since = this.changeTick(mean);
    this.referenceCount = this.referenceSum = this.referenceSquares = this.referenceWeights2 = 0;
    this.sum = 0;
    this.clearRun();
    return { since, gain };
  }

  /**
   * The run's most likely change tick: the start c maximising N_c·(x̄_c − μ₀)² over the run's suffixes, the
   * likelihood ratio of a mean shift at c against the reference mean (Hinkley 1971). Within the run, so noise that
   * lifted the sum before the gain does not date it early.
   */
  private changeTick(mean: number): number {
    let best = this.runTicks[0]!.tick;
    let bestScore = -Infinity;
    let sum = 0;
    let count = 0;
    for (let i = this.runTicks.length - 1; i >= 0; i--) {
      const t = this.runTicks[i]!;
      sum += t.sum;
      count += t.count;
      const excess = sum - count * mean;
      const score = excess > 0 ? (excess * excess) / count : 0;
      if (score >= bestScore) {
        bestScore = score;
        best = t.tick;
      }
    }
    return best;
  }

  private sigma(mean: number): number {
    const variance = (this.referenceSquares - this.referenceCount * mean * mean) / Math.max(1, this.referenceCount - 1);
    return Math.max(this.options.minSigma, Math.sqrt(Math.max(0, variance)));
  }

  /** Back to zero: the run so far and `observed` were the agent's own level after all. */
  private restart(observed: QualityTick): void {
    this.sum = 0;
    this.learn(this.run);
    this.learn(observed);
    this.clearRun();
  }

  private learn(tick: QualityTick): void {
    this.referenceCount += tick.count;
    this.referenceWeights2 += tick.count;
    this.referenceSum += tick.sum;
    this.referenceSquares += tick.squares;
  }

  private clearRun(): void {
    this.run.sum = this.run.squares = this.run.count = 0;
    this.runStart = undefined;
    this.runTicks.length = 0;
    this.above = false;
  }
}

/**
 * The alarm level h of a one-sided CUSUM with reference value k (standard normal increments) whose in-control
 * average run length is `arl` observations: Siegmund's approximation ARL₀ ≈ (e^{2kb} − 2kb − 1) / (2k²) with
 * b = h + 1.166 (Siegmund 1985), solved for h by bisection.
 */
export function cusumThreshold(k: number, arl: number): number {
  const runLength = (h: number) => {
    const x = 2 * k * (h + 1.166);
    return (Math.exp(x) - x - 1) / (2 * k * k);
  };
  let low = 0;
  let high = 1;
  while (runLength(high) < arl) high *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (runLength(mid) < arl) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}
