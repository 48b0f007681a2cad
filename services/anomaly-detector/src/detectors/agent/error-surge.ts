import { objectBytes } from '../stream/detector';
import { round } from '../stream/explain';
import { type SignalDetector, logistic, verdict, verdictBytes } from './signal';
import { poissonUpperTail } from '../../math/special-functions';

// Method: a Bernoulli CUSUM on per-request errors (Reynolds & Stoumbos 1999) — the log-likelihood ratio of an error
// rate p1 = `targetMultiple` × p0 against the agent's own learned baseline p0, summed per request, so it weighs the
// same evidence at any request rate. The decision level h comes from Siegmund's approximation of the in-control run
// length, ARL₀ ≈ e^h / KL(p0‖p1) requests, set to the agent's requests in 1 / `falseAlarmsPerDay` days.

export interface ErrorSurgeOptions {
  /** The error rate to detect fastest, as a multiple of the baseline (default 10; capped at (1 + p0) / 2). */
  targetMultiple?: number;
  /** False alarms per agent-day this detector may raise on a steady agent (default 0.1); sets the decision level. */
  falseAlarmsPerDay?: number;
  /** Lowest decision level, in nats, whatever the request rate (default 5: at least ln(150) of evidence). */
  minThreshold?: number;
  /** Half-life of the baseline counts (error rate and request rate), in requests (default 2,000). */
  baselineHalfLife?: number;
  /** Prior error rate of a new agent (default 0.02)… */
  priorRate?: number;
  /** …worth this many requests (default 50). */
  priorRequests?: number;
  /** The baseline stops learning while surging, for at most this many requests (default 2,000). */
  maxFreeze?: number;
}

const KEYS = ['errorRate', 'baselineRate', 'ratio', 'errors', 'requests', 'pValue', 'llr', 'threshold'] as const;
const DAY_SECONDS = 86_400;
/** Prior request rate of a new agent (1 per second, worth 60 s, decaying with the counts): a new slow agent's level starts high, not low. */
const PRIOR_SECONDS = 60;
const PRIOR_RATE = 1;
/** A report more than this after the last one adds only this much time to the request-rate estimate (gaps are not load). */
const MAX_GAP_SECONDS = 600;
/** Score slope per nat: 0.99 at h + ln 1000 (as the Poisson test it replaced: 0.99 at α / 1000). */
const SLOPE = Math.log(99) / Math.log(1000);

/**
 * Error-rate surges of one agent. Fed each report's data time, request and error counts, it keeps the CUSUM
 * S = max(0, S + e·ln(p1/p0) + (n − e)·ln((1 − p1)/(1 − p0))) and decayed baseline counts (O(1), a few numbers), and
 * scores 0.5 where S reaches h (logistic in S − h). The fewest errors that can alarm, h / ln(p1/p0), do not depend on
 * the request rate; the errors among requests a surge needs scale with p0. S is capped two errors above h so a surge
 * that ends stops alarming after ≈ 2·ln(p1/p0) / −ln((1 − p1)/(1 − p0)) clean requests. The baseline does not learn
 * during a surge (up to `maxFreeze` requests). Evidence: errorRate, errors, requests (the run since S last left 0),
 * baselineRate (p0), ratio, pValue (Poisson tail of the run's errors at p0, descriptive: the run is chosen by the
 * data), llr (S), threshold (h).
 */
export class ErrorSurgeDetector implements SignalDetector {
  readonly name = 'error-surge';
  readonly type = 'error_surge' as const;
  readonly feature = 'error_rate';
  readonly verdict = verdict(KEYS);
  private readonly targetMultiple: number;
  private readonly budgetSeconds: number;
  private readonly minThreshold: number;
  private readonly baselineDecay: number;
  private readonly priorErrors: number;
  private readonly priorRequests: number;
  private readonly maxFreeze: number;
  private llr = 0;
  private runErrors = 0;
  private runRequests = 0;
  private baseErrors = 0;
  private baseRequests = 0;
  private rateRequests = PRIOR_RATE * PRIOR_SECONDS;
  private rateSeconds = PRIOR_SECONDS;
  private lastT = Number.NaN;
  private frozen = 0;

  constructor(options: ErrorSurgeOptions = {}) {
    this.targetMultiple = options.targetMultiple ?? 10;
    this.budgetSeconds = DAY_SECONDS / (options.falseAlarmsPerDay ?? 0.1);
    this.minThreshold = options.minThreshold ?? 5;
    this.baselineDecay = 2 ** (-1 / (options.baselineHalfLife ?? 2000));
    this.priorRequests = options.priorRequests ?? 50;
    this.priorErrors = (options.priorRate ?? 0.02) * this.priorRequests;
    this.maxFreeze = options.maxFreeze ?? 2000;
  }

  /** The baseline error rate p0 (prior-smoothed). */
  get baselineRate(): number {
    return (this.baseErrors + this.priorErrors) / (this.baseRequests + this.priorRequests);
  }

  /** The agent's request rate per second (decayed with the baseline, from a prior that decays with it). */
  get requestRate(): number {
    return this.rateRequests / this.rateSeconds;
  }

  /**
   * Adds one report (data time `t` in ms; requests ≥ errors ≥ 0; a report without requests changes nothing). The
   * baseline learns unless surging or `learn` is false (the caller knows the agent is anomalous), for at most
   * `maxFreeze` requests.
   */
  update(t: number, requests: number, errors: number, learn = true) {
    const v = this.verdict;
    if (!(requests > 0) || !(errors >= 0)) return v;
    const e = Math.min(errors, requests);
    const p0 = this.baselineRate;
    const p1 = Math.min(this.targetMultiple * p0, (1 + p0) / 2);
    const up = Math.log(p1 / p0);
    const down = Math.log((1 - p1) / (1 - p0));
    const kl = p0 * Math.log(p0 / p1) + (1 - p0) * Math.log((1 - p0) / (1 - p1));
    const h = Math.max(this.minThreshold, Math.log(this.requestRate * this.budgetSeconds * kl));
    const llr = this.llr + e * up + (requests - e) * down;
    if (llr > 0) {
      if (this.llr === 0) this.runErrors = this.runRequests = 0;
      this.llr = Math.min(llr, h + 2 * up);
      this.runErrors += e;
      this.runRequests += requests;
    } else this.llr = 0;
    const score = this.llr > 0 ? logistic(this.llr, h, SLOPE) : 0;
    const rate = this.llr > 0 ? this.runErrors / this.runRequests : e / requests;
    v.ready = true;
    v.score = score;
    v.evidence.errorRate = rate;
    v.evidence.baselineRate = p0;
    v.evidence.ratio = rate / p0;
    v.evidence.errors = this.llr > 0 ? this.runErrors : e;
    v.evidence.requests = this.llr > 0 ? this.runRequests : requests;
    v.evidence.pValue = poissonUpperTail(v.evidence.errors, p0 * v.evidence.requests);
    v.evidence.llr = this.llr;
    v.evidence.threshold = h;
    this.learnRate(t, requests);
    const quiet = score < 0.5 && learn;
    if (quiet || (this.frozen += requests) > this.maxFreeze) {
      if (quiet) this.frozen = 0;
      const db = this.baselineDecay ** requests;
      this.baseErrors = this.baseErrors * db + e;
      this.baseRequests = this.baseRequests * db + requests;
    }
    return v;
  }

  private learnRate(t: number, requests: number): void {
    if (!Number.isFinite(t)) return;
    const last = this.lastT;
    this.lastT = t;
    if (!Number.isFinite(last)) return; // the first report's requests came over an unknown time
    const db = this.baselineDecay ** requests;
    this.rateRequests = this.rateRequests * db + requests;
    this.rateSeconds = this.rateSeconds * db + Math.min(Math.max(0, (t - last) / 1000), MAX_GAP_SECONDS);
  }

  describe(): string {
    const e = this.verdict.evidence;
    return `error rate ${round(100 * e.errorRate!)}% (${Math.round(e.errors!)} errors in the last ${Math.round(e.requests!)} requests) against a baseline of ${round(100 * e.baselineRate!)}% (${round(e.ratio!)}×, CUSUM ${round(e.llr!)} of ${round(e.threshold!)} nats)`;
  }

  stateBytes(): number {
    return objectBytes(18) + verdictBytes(KEYS.length);
  }
}
