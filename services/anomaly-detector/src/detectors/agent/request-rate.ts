import { objectBytes } from '../stream/detector';
import { ExcursionEnvelope, type ExcursionEnvelopeOptions } from './excursion-envelope';
import { round } from '../stream/explain';
import { type SignalDetector, logistic, verdict, verdictBytes } from './signal';
import { poissonUpperTail } from '../../math/special-functions';

// Method: exponentially decayed event counts in data time (short and long time constants, bias-corrected for the
// warm-up) as rate estimates; a surge is short rate ≥ `multiple` × long rate and a one-sided Poisson test
// P(X ≥ short count; long rate × τ_short) < α (cf. Cox & Lewis 1966, the statistical analysis of series of events),
// held before it counts (as Prometheus' `for:`) as long as the agent's natural surges of that size last (see
// excursion-envelope.ts): a burst like its usual ones is not a flood, a surge beyond them is.

export interface RequestRateOptions {
  /** Time constant of the recent rate, ms (default 60 s). */
  shortMs?: number;
  /** Time constant of the baseline rate, ms (default 30 min). */
  longMs?: number;
  /** Data time before the first verdict, ms (default 5 min). */
  warmupMs?: number;
  /** Recent / baseline rate that must be reached (default 3: a 5× flood reaches it within ≈ 45 s at the 60 s time constant). */
  multiple?: number;
  /** Poisson tail probability that scores 0.5 (default 1e-6). */
  alpha?: number;
  /** The baseline stops learning while surging, for at most this long (default 30 min). */
  maxFreezeMs?: number;
  /**
   * The longest hold, ms of data time (default 120 s): a surge counts once it has lasted as long as the agent's natural
   * surges of its size (its {@link ExcursionEnvelope}), at most this long, and this long until the envelope is learned.
   */
  holdMs?: number;
  /** The envelope's budget and learning (its maxHoldMs is `holdMs`). */
  envelope?: Omit<ExcursionEnvelopeOptions, 'maxHoldMs'>;
  /** The pool's envelope of request surges, shared by its agents. */
  pool?: ExcursionEnvelope;
}

const KEYS = ['rate', 'baselineRate', 'multiple', 'pValue', 'runSeconds', 'holdSeconds'] as const;

/**
 * Request-rate surges of one agent (floods): each report adds its `requests` at its timestamp to two decayed counts.
 * Scores 0.5 where the recent rate is ≥ `multiple` × the baseline and significant at α (logistic in −log₁₀ p). The
 * baseline does not learn while the rate is ≥ multiple / 2 × the baseline (for at most maxFreezeMs). A surge scores only
 * once it has lasted its hold; each surge is recorded in the envelope when it ends. `onset`: the surge's start.
 * Evidence: rate and baselineRate (requests a second), multiple, pValue, runSeconds, holdSeconds. State: a few numbers
 * and the envelope (1.2 KB).
 */
export class RequestRateDetector implements SignalDetector {
  readonly name = 'request-rate';
  readonly type = 'request_surge' as const;
  readonly feature = 'requests';
  readonly verdict = verdict(KEYS);
  private readonly tauShort: number;
  private readonly tauLong: number;
  private readonly warmupMs: number;
  private readonly multiple: number;
  private readonly logAlpha: number;
  private readonly maxFreezeMs: number;
  private readonly envelope: ExcursionEnvelope;
  private readonly pool: ExcursionEnvelope | undefined;
  /** Data time the current surge began (NaN: none under way), its last surging report, peak multiple, whether it alarmed. */
  private surgeSince = Number.NaN;
  private surgeLast = Number.NaN;
  private surgePeak = 0;
  private alarmed = false;
  private short = 0;
  private long = 0;
  private start = Number.NaN;
  private last = Number.NaN;
  private frozenSince = Number.NaN;
  /** Data time the baseline count has learned for: its warm-up correction uses this, not the time since the start. */
  private learnedMs = 0;

  constructor(options: RequestRateOptions = {}) {
    this.tauShort = options.shortMs ?? 60_000;
    this.tauLong = options.longMs ?? 1_800_000;
    this.warmupMs = options.warmupMs ?? 300_000;
    this.multiple = options.multiple ?? 3;
    this.logAlpha = -Math.log10(options.alpha ?? 1e-6);
    this.maxFreezeMs = options.maxFreezeMs ?? 1_800_000;
    this.envelope = new ExcursionEnvelope({ ...options.envelope, maxHoldMs: options.holdMs ?? 120_000 });
    this.pool = options.pool;
  }

  /** Data time the current surge began (NaN: none under way): the onset of the surge an alarm is about. */
  get onset(): number {
    return this.surgeSince;
  }

  /**
   * Adds `requests` at `timestamp` (epoch ms; a slightly earlier timestamp than the last counts at the last). The
   * baseline learns unless surging or `learn` is false (the caller knows the agent is anomalous), for at most maxFreezeMs.
   */
  update(timestamp: number, requests: number, learn = true) {
    const v = this.verdict;
    if (!(requests >= 0) || !Number.isFinite(timestamp)) return v;
    if (this.start !== this.start) this.start = this.last = timestamp;
    const t = timestamp > this.last ? timestamp : this.last;
    const dt = t - this.last;
    this.last = t;
    this.short = this.short * Math.exp(-dt / this.tauShort) + requests;
    const elapsed = t - this.start;
    // Bias correction: a decayed count started at 0 holds only (1 − e^(−elapsed/τ)) of its steady-state mass.
    const rate =
      (this.short / this.tauShort / Math.max(1e-9, 1 - Math.exp(-Math.max(elapsed, 1) / this.tauShort))) * 1000;
    // While the baseline count is frozen it neither decays nor learns, so its warm-up correction must not grow either
    // (it did: a baseline frozen during an earlier anomaly sank several-fold and steady agents read as floods).
    const frozenNow = this.frozenSince === this.frozenSince && t - this.frozenSince < this.maxFreezeMs;
    const longDecay = frozenNow ? 1 : Math.exp(-dt / this.tauLong);
    const learned = frozenNow ? this.learnedMs : this.learnedMs + dt;
    const baseline =
      ((this.long * longDecay) / this.tauLong / Math.max(1e-9, 1 - Math.exp(-Math.max(learned, 1) / this.tauLong))) *
      1000;
    let score = 0;
    let p = 1;
    const multiple = baseline > 0 ? rate / baseline : rate > 0 ? Number.POSITIVE_INFINITY : 0;
    v.ready = elapsed >= this.warmupMs && baseline > 0;
    if (v.ready && multiple >= this.multiple / 2) {
      const expected = (baseline * this.tauShort) / 1000;
      p = poissonUpperTail(this.short, expected);
      if (multiple >= this.multiple) score = logistic(-Math.log10(Math.max(p, 1e-300)), this.logAlpha, 1.5);
    }
    if (v.ready && dt > 0) {
      this.envelope.observe(dt);
      this.pool?.observe(dt);
    }
    let holdMs = 0;
    if (score >= 0.5) {
      if (this.surgeSince !== this.surgeSince) {
        this.surgeSince = t;
        this.surgePeak = 0;
        this.alarmed = false;
      }
      this.surgeLast = t;
      if (multiple > this.surgePeak) this.surgePeak = multiple;
      holdMs = this.envelope.holdMs(this.surgePeak, this.pool);
      if (t - this.surgeSince >= holdMs) this.alarmed = true;
    } else if (this.surgeSince === this.surgeSince) {
      // The surge is over: an excursion of this agent (see ExcursionEnvelope.record).
      this.envelope.record(this.surgePeak, this.surgeLast - this.surgeSince);
      this.pool?.record(this.surgePeak, this.surgeLast - this.surgeSince);
      this.surgeSince = Number.NaN;
    }
    v.score = score >= 0.5 && !this.alarmed ? 0.49 : score;
    v.evidence.runSeconds = this.surgeSince === this.surgeSince ? (t - this.surgeSince) / 1000 : 0;
    v.evidence.holdSeconds = holdMs / 1000;
    v.evidence.rate = rate;
    v.evidence.baselineRate = baseline;
    v.evidence.multiple = multiple;
    v.evidence.pValue = p;
    // The baseline learns unless a surge is under way (for at most maxFreezeMs).
    // Hold the baseline from half the surge multiple on when that is already significant (p < 1e-3): otherwise it climbs
    // with the recent rate while a flood ramps up. Not on the multiple alone: an agent at 0.01 req/s is at 6× its rate
    // whenever one request came in the last minute, and a baseline held on that froze through the morning's ramp.
    const hold = v.ready && (score >= 0.5 || !learn || (multiple >= this.multiple / 2 && p < 1e-3));
    if (hold && this.frozenSince !== this.frozenSince) this.frozenSince = t;
    if (!hold) this.frozenSince = Number.NaN;
    const frozen = this.frozenSince === this.frozenSince && t - this.frozenSince < this.maxFreezeMs;
    if (!frozen) {
      this.long = this.long * Math.exp(-dt / this.tauLong) + requests;
      this.learnedMs += dt;
    } // frozen: the baseline count and its age are held as they were
    return v;
  }

  describe(): string {
    const e = this.verdict.evidence;
    return `${round(e.rate!)} requests/s against a baseline of ${round(e.baselineRate!)} (${round(e.multiple!)}×, Poisson p = ${round(e.pValue!)})`;
  }

  stateBytes(): number {
    return objectBytes(19) + this.envelope.stateBytes() + verdictBytes(KEYS.length);
  }
}
