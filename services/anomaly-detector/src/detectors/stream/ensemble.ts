import { AnomalyLikelihood, type AnomalyLikelihoodOptions, logLikelihood } from './anomaly-likelihood';
import { AdaptiveThreshold, type AdaptiveThresholdOptions } from './adaptive-threshold';
import { CusumDetector, type CusumOptions } from './cusum';
import { type Detector, type DetectorFactory, type DetectorResult, objectBytes } from './detector';
import { describe, round, type Contributor } from './explain';
import { HoltWintersDetector, type HoltWintersOptions } from './holt-winters';
import { IqrFenceDetector, type IqrFenceOptions } from './iqr-fences';
import { PatternNoveltyDetector, type PatternNoveltyOptions } from './pattern-novelty';
import { RangeNoveltyDetector, type RangeNoveltyOptions } from './range-novelty';
import { RobustZScoreDetector, type RobustZScoreOptions } from './robust-zscore';

// Ensemble: per-sample surprises (point members) → their anomaly likelihood (Ahmad et al. 2017) is one channel;
// confirmations (range breaks, CUSUM alarms, pattern discords: direct members) are channels of their own; the score
// is the largest.

export type Severity = 'none' | 'low' | 'medium' | 'high' | 'critical';

/** One algorithm in an ensemble and how its score reaches the ensemble score. */
export interface EnsembleMember {
  /** Builds the detector for a new stream. */
  create: DetectorFactory;
  /**
   * `point`: a per-sample surprise; the members' largest point score is the raw score whose anomaly likelihood is a
   * channel. `direct`: its own score × `weight` is a channel (range breaks, change-point alarms).
   */
  role: 'point' | 'direct';
  /** Multiplies a direct member's score (default 1). */
  weight?: number;
  /** Sees the deseasonalized value while the seasonal baseline is active (default true). */
  deseasonalized?: boolean;
}

export interface EnsembleConfig {
  members: readonly EnsembleMember[];
  /** The seasonal baseline (also a point member while active), or false for none. */
  seasonal: HoltWintersOptions | false;
  /** Seasonal strength from which members see deseasonalized values (off again below 80 % of it). */
  seasonalGate: number;
  /** The likelihood channel over the raw point score, or false for none (the raw score is then the channel). */
  likelihood: AnomalyLikelihoodOptions | false;
  /** Multiplies the likelihood channel (below 1: a likelihood alone never reaches a confirmed anomaly's score). */
  likelihoodWeight: number;
  /** Per-stream alert threshold. */
  threshold: AdaptiveThresholdOptions;
  /** Samples after which confidence stops growing with warm-up (default: when the likelihood is ready). */
  warmupSamples: number;
  /** After a score of at least `above`, the next `samples` scores are capped at 0.9 × `above` (none when absent). */
  refractory?: { samples: number; above: number };
}

export interface DefaultEnsembleOptions {
  range?: RangeNoveltyOptions;
  zscore?: RobustZScoreOptions;
  iqr?: IqrFenceOptions;
  cusum?: CusumOptions;
  /** Pattern novelty, or false for none. */
  pattern?: PatternNoveltyOptions | false;
  seasonal?: HoltWintersOptions | false;
  likelihood?: AnomalyLikelihoodOptions | false;
  threshold?: AdaptiveThresholdOptions;
}

/**
 * The default ensemble — the one `swarmscope detect` runs and the one scored on NAB:
 * range novelty (direct, weight 1), CUSUM level shifts (direct, 0.99), pattern novelty (direct, 0.99: a window of
 * the stream unlike any recent one, on raw values), and the anomaly likelihood (0.95) of the largest of robust
 * z-score, IQR fences and the daily Holt-Winters residual, all on deseasonalized values when the daily cycle is real.
 */
export function defaultEnsemble(options: DefaultEnsembleOptions = {}): EnsembleConfig {
  const pattern = options.pattern ?? {};
  return {
    members: [
      { create: () => new RangeNoveltyDetector(options.range), role: 'direct', weight: 1, deseasonalized: false },
      { create: () => new CusumDetector(options.cusum), role: 'direct', weight: 0.99 },
      ...(pattern === false
        ? []
        : [
            {
              create: () => new PatternNoveltyDetector(pattern),
              role: 'direct' as const,
              weight: 0.99,
              deseasonalized: false,
            },
          ]),
      { create: () => new RobustZScoreDetector(options.zscore), role: 'point' },
      { create: () => new IqrFenceDetector(options.iqr), role: 'point' },
    ],
    seasonal: options.seasonal ?? {},
    seasonalGate: 0.3,
    likelihood: options.likelihood ?? { learningPeriod: 150 },
    likelihoodWeight: 0.95,
    threshold: options.threshold ?? {},
    warmupSamples: 250,
  };
}

/** The answer for one sample. `update` reuses this object: copy what you keep. */
export interface ScoredSample {
  timestamp: number;
  value: number;
  /** Anomaly score in [0, 1]. */
  score: number;
  /** Largest point-member score (the likelihood's input). */
  rawScore: number;
  /** Anomaly likelihood of the recent raw scores (0.5 while learning). */
  likelihood: number;
  /** In [0, 1]: warm-up progress × how many ready detectors agree with the verdict. */
  confidence: number;
  severity: Severity;
  /** The stream's alert threshold when this sample was scored. */
  threshold: number;
  /** score ≥ threshold. */
  anomalous: boolean;
  /** The onset of an anomalous episode: anomalous now and not at the previous sample. Alert on this. */
  alert: boolean;
}

export interface Explanation {
  score: number;
  severity: Severity;
  confidence: number;
  /** Detectors whose score is at least 0.3, strongest first (the likelihood channel appears as `likelihood`). */
  contributors: Contributor[];
  /** One sentence with the numbers. */
  text: string;
}

const SEVERITIES: ReadonlyArray<readonly [number, Severity]> = [
  [0.98, 'critical'],
  [0.8, 'high'],
  [0.45, 'medium'],
  [0.25, 'low'],
];

/** Severity of an ensemble score: critical ≥ 0.98 (range break, confirmed shift), high ≥ 0.8, medium ≥ 0.45, low ≥ 0.25. */
export function severityOf(score: number): Severity {
  for (const [min, severity] of SEVERITIES) if (score >= min) return severity;
  return 'none';
}

const CONTRIBUTOR_MIN = 0.3;

/**
 * The ensemble for ONE stream (one agent's one metric): feed it that stream's samples in time order with
 * {@link update}; {@link explain} describes the last verdict. Pure and clock-free.
 * Memory is bounded: the sum of its detectors' {@link Detector.stateBytes} plus ≈ 1 KB of bookkeeping, constant
 * after the first day of samples — see `stateBytes()` (≈ 9 KB for 5-minute samples with the default ensemble, ≈ 11 KB
 * measured on the heap).
 */
export class StreamDetector {
  private readonly members: Detector[];
  private readonly roles: Array<'point' | 'direct'>;
  private readonly weights: Float64Array;
  private readonly deseasonalize: boolean[];
  private readonly results: Array<DetectorResult | undefined>;
  private readonly seasonal: HoltWintersDetector | undefined;
  private readonly likelihood: AnomalyLikelihood | undefined;
  private readonly threshold: AdaptiveThreshold;
  private readonly gate: number;
  private readonly likelihoodWeight: number;
  private readonly warmupSamples: number;
  private readonly refractorySamples: number;
  private readonly refractoryAbove: number;
  private refractoryLeft = 0;
  private readonly out: ScoredSample = {
    timestamp: 0,
    value: 0,
    score: 0,
    rawScore: 0,
    likelihood: 0.5,
    confidence: 0,
    severity: 'none',
    threshold: 0,
    anomalous: false,
    alert: false,
  };
  private seasonalResult: DetectorResult | undefined;
  private seasonalActive = false;
  private wasAnomalous = false;
  private channel = -1; // index of the member that set the score; -2 = likelihood, -1 = none
  private n = 0;

  constructor(config: EnsembleConfig = defaultEnsemble()) {
    this.members = config.members.map((m) => m.create());
    this.roles = config.members.map((m) => m.role);
    this.weights = Float64Array.from(config.members, (m) => m.weight ?? 1);
    this.deseasonalize = config.members.map((m) => m.deseasonalized ?? true);
    this.results = new Array(this.members.length);
    this.seasonal = config.seasonal === false ? undefined : new HoltWintersDetector(config.seasonal);
    this.likelihood = config.likelihood === false ? undefined : new AnomalyLikelihood(config.likelihood);
    this.threshold = new AdaptiveThreshold(config.threshold);
    this.gate = config.seasonalGate;
    this.likelihoodWeight = config.likelihoodWeight;
    this.warmupSamples = config.warmupSamples;
    this.refractorySamples = config.refractory?.samples ?? 0;
    this.refractoryAbove = config.refractory?.above ?? Number.POSITIVE_INFINITY;
  }

  /** Samples scored so far. */
  get samples(): number {
    return this.n;
  }

  /** True while members see deseasonalized values (the stream's daily cycle is real and learnt). */
  get deseasonalizing(): boolean {
    return this.seasonalActive;
  }

  /**
   * Scores one sample (timestamp in epoch ms, non-decreasing) from what came before, then learns from it.
   * A non-finite value is not learnt from and scores 0.
   */
  update(timestamp: number, value: number): ScoredSample {
    const out = this.out;
    out.timestamp = timestamp;
    out.value = value;
    if (!Number.isFinite(value)) return this.quiet(out);
    this.n++;

    // Seasonal baseline first: it decides what the other members see.
    let seen = value;
    let raw = 0;
    const hw = this.seasonal;
    this.seasonalResult = undefined;
    if (hw) {
      const strength = hw.strength();
      if (hw.ready && strength >= this.gate) this.seasonalActive = true;
      else if (strength < this.gate * 0.8) this.seasonalActive = false;
      if (this.seasonalActive) seen = value - hw.seasonalAt(timestamp);
      const r = hw.update(timestamp, value);
      if (this.seasonalActive && r.ready) {
        this.seasonalResult = r;
        raw = r.score;
      }
    }

    let score = 0;
    let channel = -1;
    for (let i = 0; i < this.members.length; i++) {
      const r = this.members[i]!.update(timestamp, this.deseasonalize[i] ? seen : value);
      this.results[i] = r;
      if (!r.ready) continue;
      if (this.roles[i] === 'point') {
        if (r.score > raw) raw = r.score;
      } else {
        const s = r.score * this.weights[i]!;
        if (s > score) {
          score = s;
          channel = i;
        }
      }
    }

    let likelihood = 0.5;
    let lik = raw;
    if (this.likelihood) {
      likelihood = this.likelihood.update(raw);
      lik = this.likelihood.ready ? logLikelihood(likelihood) : 0;
    }
    lik *= this.likelihoodWeight;
    if (lik > score) {
      score = lik;
      channel = -2;
    }
    if (score > 1) score = 1;
    if (this.refractoryLeft > 0) {
      this.refractoryLeft--;
      if (score > 0.9 * this.refractoryAbove) score = 0.9 * this.refractoryAbove;
    } else if (score >= this.refractoryAbove) this.refractoryLeft = this.refractorySamples;
    this.channel = channel;

    out.score = score;
    out.rawScore = raw;
    out.likelihood = likelihood;
    out.severity = severityOf(score);
    out.threshold = this.threshold.value;
    out.anomalous = this.threshold.update(score);
    out.alert = out.anomalous && !this.wasAnomalous;
    this.wasAnomalous = out.anomalous;
    out.confidence = this.confidence(score);
    return out;
  }

  /** Describes the last scored sample: contributors and one sentence (allocates: call it for alerts, not per sample). */
  explain(): Explanation {
    const out = this.out;
    const contributors: Contributor[] = [];
    const add = (name: string, r: DetectorResult, score: number) => {
      if (r.ready && score >= CONTRIBUTOR_MIN)
        contributors.push({ detector: name, score, deviation: r.deviation, expected: r.expected });
    };
    for (let i = 0; i < this.members.length; i++) {
      const r = this.results[i];
      if (r) add(this.members[i]!.name, r, this.roles[i] === 'direct' ? r.score * this.weights[i]! : r.score);
    }
    if (this.seasonalResult) add(this.seasonal!.name, this.seasonalResult, this.seasonalResult.score);
    if (this.likelihood?.ready && out.score > 0 && this.channel === -2) {
      contributors.push({
        detector: 'likelihood',
        score: out.score,
        deviation: this.likelihood.average,
        expected: this.likelihood.typical,
      });
    }
    contributors.sort((a, b) => b.score - a.score);
    return {
      score: out.score,
      severity: out.severity,
      confidence: out.confidence,
      contributors,
      text: this.sentence(contributors),
    };
  }

  /** Bytes of state this stream holds (the members', the seasonal baseline's, the likelihood's and the ensemble's). */
  stateBytes(): number {
    let bytes = objectBytes(20) + objectBytes(10) + 4 * (16 + 8 * this.members.length);
    for (const m of this.members) bytes += m.stateBytes();
    if (this.seasonal) bytes += this.seasonal.stateBytes();
    if (this.likelihood) bytes += this.likelihood.stateBytes();
    return bytes + this.threshold.stateBytes();
  }

  private quiet(out: ScoredSample): ScoredSample {
    out.score = 0;
    out.rawScore = 0;
    out.severity = 'none';
    out.confidence = 0;
    out.threshold = this.threshold.value;
    out.anomalous = false;
    out.alert = false;
    this.wasAnomalous = false;
    this.channel = -1;
    for (let i = 0; i < this.results.length; i++) this.results[i] = undefined;
    this.seasonalResult = undefined;
    return out;
  }

  private confidence(score: number): number {
    const warm = Math.min(1, this.n / this.warmupSamples);
    const verdict = score >= 0.45;
    let ready = 0;
    let agree = 0;
    for (let i = 0; i < this.results.length; i++) {
      const r = this.results[i];
      if (!r?.ready) continue;
      ready++;
      if (r.score >= 0.5 === verdict) agree++;
    }
    if (this.seasonalResult) {
      ready++;
      if (this.seasonalResult.score >= 0.5 === verdict) agree++;
    }
    return warm * (ready ? 0.5 + 0.5 * (agree / ready) : 0.5);
  }

  private sentence(contributors: Contributor[]): string {
    const out = this.out;
    const head = `${out.severity === 'none' ? 'no' : out.severity} anomaly (score ${round(out.score)}, confidence ${round(out.confidence)})`;
    if (!contributors.length) return `${head}: value ${round(out.value)} is within what this stream usually does.`;
    const parts = contributors.slice(0, 2).map((c) => describe(c, out.value, this.seasonalActive));
    return `${head}: ${parts.join('; also ')}.`;
  }
}
