import { objectBytes } from '../stream/detector';
import { round } from '../stream/explain';
import { type SignalDetector, logistic, verdict, verdictBytes } from './signal';
import { poissonUpperTail } from '../../math/special-functions';

// Method: exponentially decayed error and request counts (recent vs baseline, half-lives in requests) with a
// Beta-style smoothing prior on the baseline rate; a surge is rate ≥ `multiple` × baseline AND a one-sided Poisson
// test P(X ≥ recent errors; baseline rate × recent requests) < α (an exact-tail rate test, cf. Cox & Lewis 1966).

export interface ErrorSurgeOptions {
  /** Recent error rate / baseline rate needed (default 3). */
  multiple?: number;
  /** Recent (decayed) errors needed, so 1 error in 1 request is never a surge (default 5). */
  minErrors?: number;
  /** Poisson tail probability that scores 0.5 (default 1e-4). */
  alpha?: number;
  /** Half-life of the recent counts, in requests (default 20: about the last 30 requests). */
  recentHalfLife?: number;
  /** Half-life of the baseline counts, in requests (default 2,000). */
  baselineHalfLife?: number;
  /** Prior error rate of a new agent (default 0.02)… */
  priorRate?: number;
  /** …worth this many requests (default 50). */
  priorRequests?: number;
  /** The baseline stops learning while surging, for at most this many requests (default 2,000). */
  maxFreeze?: number;
}

const KEYS = ['errorRate', 'baselineRate', 'ratio', 'errors', 'requests', 'pValue'] as const;

/**
 * Error-rate surges of one agent: fed each report's request and error counts, it keeps decayed recent and baseline
 * counts (O(1), a few numbers) and scores 0.5 where the surge is both ≥ `multiple` × the baseline and significant
 * at α (logistic in −log₁₀ p, 0.99 at α/1000). The baseline does not learn during a surge (up to `maxFreeze`
 * requests). Evidence: errorRate, baselineRate, ratio, errors, requests (decayed recent counts), pValue.
 */
export class ErrorSurgeDetector implements SignalDetector {
  readonly name = 'error-surge';
  readonly type = 'error_surge' as const;
  readonly feature = 'error_rate';
  readonly verdict = verdict(KEYS);
  private readonly multiple: number;
  private readonly minErrors: number;
  private readonly logAlpha: number;
  private readonly recentDecay: number;
  private readonly baselineDecay: number;
  private readonly priorErrors: number;
  private readonly priorRequests: number;
  private readonly maxFreeze: number;
  private recentErrors = 0;
  private recentRequests = 0;
  private baseErrors = 0;
  private baseRequests = 0;
  private frozen = 0;

  constructor(options: ErrorSurgeOptions = {}) {
    this.multiple = options.multiple ?? 3;
    this.minErrors = options.minErrors ?? 5;
    this.logAlpha = -Math.log10(options.alpha ?? 1e-4);
    this.recentDecay = 2 ** (-1 / (options.recentHalfLife ?? 20));
    this.baselineDecay = 2 ** (-1 / (options.baselineHalfLife ?? 2000));
    this.priorRequests = options.priorRequests ?? 50;
    this.priorErrors = (options.priorRate ?? 0.02) * this.priorRequests;
    this.maxFreeze = options.maxFreeze ?? 2000;
  }

  /** The baseline error rate (prior-smoothed). */
  get baselineRate(): number {
    return (this.baseErrors + this.priorErrors) / (this.baseRequests + this.priorRequests);
  }

  /**
   * Adds one report's counts (requests ≥ errors ≥ 0; a report without requests changes nothing). The baseline
   * learns unless surging or `learn` is false (the caller knows the agent is anomalous), for at most `maxFreeze` requests.
   */
  update(requests: number, errors: number, learn = true) {
    const v = this.verdict;
    if (!(requests > 0) || !(errors >= 0)) return v;
    const e = Math.min(errors, requests);
    const dr = this.recentDecay ** requests;
    this.recentErrors = this.recentErrors * dr + e;
    this.recentRequests = this.recentRequests * dr + requests;
    const base = this.baselineRate;
    const rate = this.recentErrors / this.recentRequests;
    const ratio = rate / base;
    let p = 1;
    let score = 0;
    if (ratio >= this.multiple && this.recentErrors >= this.minErrors) {
      p = poissonUpperTail(this.recentErrors, base * this.recentRequests);
      score = logistic(-Math.log10(Math.max(p, 1e-300)), this.logAlpha, 1.5);
    }
    v.ready = true;
    v.score = score;
    v.evidence.errorRate = rate;
    v.evidence.baselineRate = base;
    v.evidence.ratio = ratio;
    v.evidence.errors = this.recentErrors;
    v.evidence.requests = this.recentRequests;
    v.evidence.pValue = p;
    const quiet = score < 0.5 && learn;
    if (quiet || (this.frozen += requests) > this.maxFreeze) {
      if (quiet) this.frozen = 0;
      const db = this.baselineDecay ** requests;
      this.baseErrors = this.baseErrors * db + e;
      this.baseRequests = this.baseRequests * db + requests;
    }
    return v;
  }

  describe(): string {
    const e = this.verdict.evidence;
    return `error rate ${round(100 * e.errorRate!)}% over the last ≈ ${Math.round(e.requests!)} requests against a baseline of ${round(100 * e.baselineRate!)}% (${round(e.ratio!)}×, Poisson p = ${round(e.pValue!)})`;
  }

  stateBytes(): number {
    return objectBytes(16) + verdictBytes(KEYS.length);
  }
}
