import { DDSketch } from '@datadog/sketches-js';
import type { AnomalyEvent, Interaction, SampleReport } from '@swarmscope/core';
import { EpisodeTracker, type EpisodeOptions, type EpisodeSubject, type Finding } from './anomaly-episodes';
import { CAUSES, CAUSE_OF, CauseEpisodes } from './cause-episodes';
import { TYPED_ARRAY_OVERHEAD_BYTES, objectBytes } from '../detectors/stream/detector';
import { agentEnsemble } from '../detectors/stream/agent-ensemble';
import { type EnsembleConfig, type Severity, StreamDetector, severityOf } from '../detectors/stream/ensemble';
import { ErrorSurgeDetector, type ErrorSurgeOptions } from '../detectors/agent/error-surge';
import { describe as describeContributor, round } from '../detectors/stream/explain';
import { ExcursionEnvelope } from '../detectors/agent/excursion-envelope';
import { MemoryLeakDetector, type MemoryLeakOptions } from '../detectors/agent/memory-leak';
import {
  LatencySloDetector,
  type LatencySloOptions,
  type LatencySloTable,
  objectiveFor,
} from '../detectors/agent/latency-slo';
import { MultivariateDetector, type MultivariateOptions } from '../detectors/agent/multivariate';
import { OutputDriftDetector, type OutputDriftOptions } from '../detectors/agent/output-drift';
import { QualityShiftDetector, type QualityShiftOptions } from '../detectors/agent/quality-shift';
import { RequestRateDetector, type RequestRateOptions } from '../detectors/agent/request-rate';
import { type RiskAssessment, type RiskOptions, classifyRisk } from '../detectors/agent/risk';
import { TailShiftDetector, type TailShiftOptions } from '../detectors/agent/tail-shift';
import { ShapeShiftDetector, type ShapeShiftOptions } from '../detectors/agent/shape-shift';
import { ScanDetector, type ScanDetection, type ScanDetectorOptions } from '../detectors/agent/scan-detector';
import { hashString } from '../math/seeded-random';
import { ANOMALY_TYPES, type AgentAnomalyType, type SignalDetector } from '../detectors/agent/signal';
import { TrendDetector, type TrendOptions } from '../detectors/agent/trend';
import { stateArrays } from './state-arrays';

// Method: per-agent late fusion of detectors — the largest calibrated score wins the type, confidence is the noisy-OR
// of the agreeing detectors' confidences (Pearl 1988) — grouped into episodes (see anomaly-episodes.ts).

/** One agent's report, as the bus carries it (the protocol's accepted report; model, pool and quality optional here). */
export type AgentReport = Pick<SampleReport, 'agentId' | 'timestamp' | 'metrics'> &
  Partial<Pick<SampleReport, 'model' | 'pool' | 'quality'>>;

/**
 * Metrics that get a univariate ensemble stream by default (counts such as requests/errors are judged as rates; memory
 * by the leak detector, as a GC sawtooth trips a change detector on every collection; latency and token counts by
 * the tail-shift detector, as their heavy tails tripped CUSUM on every natural spike).
 */
export const DEFAULT_UNIVARIATE_METRICS: readonly string[] = ['cpu_percent', 'accuracy', 'coherence'];

/** Isolation Forest features by default: report metrics and quality scores by name, plus the derived `error_rate`. */
export const DEFAULT_FEATURES: readonly string[] = [
  'response_time_seconds',
  'error_rate',
  'input_tokens',
  'output_tokens',
  'cpu_percent',
  'memory_bytes',
  'accuracy',
];

/**
 * The anomaly type of a univariate stream's anomaly, by metric, for a shift upwards (`up`) and downwards (`down`);
 * `ignore`: a shift in that direction is good news (faster answers, better quality, memory freed by a restart), not
 * an anomaly. Metrics not listed report `statistical` both ways.
 */
export const DEFAULT_METRIC_TYPES: Readonly<
  Record<string, { up: AgentAnomalyType | 'ignore'; down: AgentAnomalyType | 'ignore' }>
> = {
  response_time_seconds: { up: 'latency_spike', down: 'ignore' },
  input_tokens: { up: 'token_spike', down: 'statistical' },
  output_tokens: { up: 'token_spike', down: 'statistical' },
  memory_bytes: { up: 'memory_leak', down: 'ignore' },
  memory_percent: { up: 'memory_leak', down: 'ignore' },
  accuracy: { up: 'ignore', down: 'quality_degradation' },
  coherence: { up: 'ignore', down: 'quality_degradation' },
  efficiency: { up: 'ignore', down: 'quality_degradation' },
  adaptability: { up: 'ignore', down: 'quality_degradation' },
};

/**
 * Anomaly types from the most to the least specific: the type an episode takes when several detectors fire (a flood
 * explains the error surge and latency it causes, a model drift the quality drop, a latency shift the SLO breach).
 */
export const TYPE_PRIORITY: readonly AgentAnomalyType[] = ANOMALY_TYPES;

export interface AgentAnomalyEngineOptions {
  /**
   * The univariate ensemble of each (agent, metric) stream (default {@link agentEnsemble}: CUSUM; the NAB-tuned
   * `defaultEnsemble()` suits regularly sampled series such as window summaries, not per-request values).
   */
  ensemble?: EnsembleConfig;
  /** Metrics and quality scores with a univariate stream (default {@link DEFAULT_UNIVARIATE_METRICS}). */
  univariateMetrics?: readonly string[];
  /** A univariate anomaly counts only from this ensemble score, whatever its adaptive threshold (default 0.8). */
  univariateMin?: number;
  /** Types of univariate anomalies by metric and direction, over {@link DEFAULT_METRIC_TYPES}. */
  metricTypes?: Readonly<Record<string, { up: AgentAnomalyType | 'ignore'; down: AgentAnomalyType | 'ignore' }>>;
  /** Isolation Forest features (default {@link DEFAULT_FEATURES}); `false` turns the forest off. */
  features?: readonly string[] | false;
  /** Isolation Forest settings (trees, sample size, reservoir, schedule, calibration); the seed is mixed with the agent id. */
  multivariate?: Omit<MultivariateOptions, 'features'>;
  /** EWMA weight of a new value in the forest's feature vector (default 0.3; 1 = raw values). */
  featureSmoothing?: number;
  /** Quality scores watched for a falling trend (default accuracy, coherence). */
  qualityMetrics?: readonly string[];
  /** Slow slides over about an hour (Mann–Kendall over 64-report buckets, per score). */
  qualityTrend?: TrendOptions;
  /** Drops of the report's mean quality score against the agent's own (CUSUM, see quality-shift.ts; false: off). */
  qualityShift?: QualityShiftOptions | false;
  /** Memory metric watched for leaks (default `memory_bytes`; false: off); `memory_limit_bytes`, when reported, is its limit. */
  memoryMetric?: string | false;
  memoryLeak?: MemoryLeakOptions;
  /**
   * Latency objectives by pool and model, alerted by multi-window burn rate (default: none — an agent's latency is
   * then judged against its own baseline only).
   */
  latencySlos?: LatencySloTable;
  /** Burn-rate windows and minimum evidence of the SLO detector. */
  latencySlo?: Omit<LatencySloOptions, 'objective'>;
  errorSurge?: ErrorSurgeOptions;
  /** Latency and token-count shifts against the agent's own 90th percentile (see tail-shift.ts). */
  tailShift?: Omit<TailShiftOptions, 'type' | 'label'>;
  /** Output-distribution drift of `output_tokens` over long windows (PSI and KS; false: off). */
  drift?: OutputDriftOptions | false;
  /** Changes of the shape of `output_tokens` within tens of answers (sequential rank test, see shape-shift.ts; false: off). */
  shapeShift?: ShapeShiftOptions | false;
  /** Request-rate surges (false: off). */
  requestRate?: RequestRateOptions | false;
  risk?: RiskOptions;
  /** Horizontal scans over agent-to-agent interactions (`observeInteraction`; false: off). */
  scan?: ScanDetectorOptions | false;
  /** Combined score from which a report is anomalous (default 0.5). */
  threshold?: number;
  /** Episode grouping (default type priority: {@link TYPE_PRIORITY}). */
  episodes?: EpisodeOptions;
  /** Agents tracked at most (default 100,000); beyond it the least recently seen is forgotten. */
  maxAgents?: number;
  /** `sweep` forgets agents silent this long (default 1 hour of data time). */
  idleMs?: number;
  /**
   * `sweep` opens a `silent` anomaly for an agent that reported at least 20 times and then went quiet for this long,
   * ≥ 10 × its recent mean gap and ≥ 3 × the 99th percentile of its own gaps (default 60 s; false: off). The next
   * report resolves it. While a quarter of its pool goes quiet with it, the silence waits (up to as long again) for
   * the pool's one `stopped_reporting` anomaly.
   */
  silenceMs?: number | false;
  /** Base seed of the forests (default 1). */
  seed?: number;
}

/** The verdict on one report. Reused by the next `observe` call: copy what you keep. */
export interface AgentVerdict {
  agentId: string;
  timestamp: number;
  /** Combined score in [0, 1] (the strongest detector's). */
  score: number;
  /** True when score ≥ threshold: then `anomaly` holds the finding. */
  anomalous: boolean;
  /** The finding (a fresh object) when anomalous. */
  anomaly: Finding | undefined;
  /** Events this report caused (opened / updated / resolved; usually none — then a shared empty array). */
  events: readonly AnomalyEvent[];
}

const NO_EVENTS: readonly AnomalyEvent[] = Object.freeze([]) as readonly AnomalyEvent[];

/** Kinds of candidate: a univariate stream, one of the signal detectors, or the forest. */
const enum Kind {
  Stream,
  Signal,
  Forest,
}

interface Candidate {
  kind: Kind;
  /** Index in CAUSES of the candidate's anomaly type. */
  cause: number;
  score: number;
  confidence: number;
  /** Stream: metric slot; Signal: slot in the signal scratch. */
  index: number;
  /** Stream: the value scored. */
  value: number;
}

/** One agent's detectors (created lazily, as its metrics first appear). */
class AgentState {
  readonly subject: EpisodeSubject;
  readonly streams: Array<StreamDetector | undefined>;
  readonly episodes: CauseEpisodes;
  lastTimestamp: number;
  /** Data time of its first report: a silence is judged only against a history ≥ 2 × as long. */
  readonly firstTimestamp: number;
  reports = 0;
  meanGapMs = 0;
  /** The agent's own distribution of gaps between reports (ms; DDSketch, Masson et al. 2019: 5 % relative accuracy). */
  gaps: DDSketch | undefined;
  errors: ErrorSurgeDetector | undefined;
  rate: RequestRateDetector | undefined;
  /** The agent's SLO detector; null: no objective applies to its pool or model. */
  latency: LatencySloDetector | null | undefined;
  latencyShift: TailShiftDetector | undefined;
  inputTokens: TailShiftDetector | undefined;
  outputTokens: TailShiftDetector | undefined;
  drift: OutputDriftDetector | undefined;
  shape: ShapeShiftDetector | undefined;
  quality: Array<TrendDetector | undefined>;
  qualityShift: QualityShiftDetector | undefined;
  memory: MemoryLeakDetector | undefined;
  forest: MultivariateDetector | undefined;
  vector: Float64Array | undefined;
  seen = 0;
  surging = false;
  silent = false;
  /** bytesOf at the last refresh (see AgentAnomalyEngine.stateBytes). */
  bytes = 0;

  constructor(
    agentId: string,
    model: string,
    pool: string,
    timestamp: number,
    metrics: number,
    qualities: number,
    episodes: EpisodeOptions,
  ) {
    this.subject = { agentId, model, pool };
    this.streams = new Array(metrics).fill(undefined);
    this.quality = new Array(qualities).fill(undefined);
    this.episodes = new CauseEpisodes(episodes);
    this.lastTimestamp = timestamp;
    this.firstTimestamp = timestamp;
  }
}

/** One pool's counts, its `stopped_reporting` anomaly (subject `pool:<name>`) and its agents' natural excursions. */
interface PoolState {
  agents: number;
  surging: number;
  subject: EpisodeSubject;
  stopped: EpisodeTracker | undefined;
  /** Pooled envelopes of latency, input-token, output-token and request-rate excursions (see excursion-envelope.ts). */
  envelopes: Array<ExcursionEnvelope | undefined>;
}

/** Slots of PoolState.envelopes. */
const enum Envelope {
  Latency,
  InputTokens,
  OutputTokens,
  Rate,
}

/** The engine's own counts, for /metrics. */
export interface EngineStats {
  agents: number;
  reports: number;
  anomalousReports: number;
  events: number;
  evicted: number;
}

/**
 * Per-agent anomaly detection over whole reports: each report of an agent feeds its univariate ensemble streams
 * (one {@link StreamDetector} per watched metric), the AI-specific detectors (error surge, request surge, latency
 * SLO, token spikes, output drift, quality and memory trends) and the agent's Isolation Forest (a smoothed feature
 * vector), and yields at most one finding: the strongest detector's score, type and sentence, the noisy-OR confidence
 * of the detectors that agree, the contributing detectors and features, and a risk class. Consecutive anomalous
 * reports form one anomaly ({@link EpisodeTracker}): `opened`, `updated`, `resolved` events in the bus's
 * `AnomalyEvent` shape. Pure and clock-free: time is the reports' timestamps; `sweep(watermark)` handles silence,
 * time-based recovery and idle eviction. Memory per agent: `agentStateBytes(id)` (by detector:
 * `agentStateParts(id)`; `pnpm bench -- anomaly-state`): ≈ 79 KB with every default detector fed and its windows
 * full, ≈ 33 KB of it the trained forest, ≈ 8 KB the shape-shift test, ≈ 7 KB the drift test, ≈ 4.7 KB each tail shift.
 */
export class AgentAnomalyEngine {
  private readonly config: EnsembleConfig;
  private readonly metricNames: readonly string[];
  private readonly metricTypes: Readonly<
    Record<string, { up: AgentAnomalyType | 'ignore'; down: AgentAnomalyType | 'ignore' }>
  >;
  private readonly univariateMin: number;
  private readonly features: readonly string[];
  private readonly featureMetric: Int32Array; // per feature: -1 = error_rate, else nothing (looked up by name)
  private readonly smoothing: number;
  private readonly qualityNames: readonly string[];
  private readonly memoryName: string | false;
  private readonly threshold: number;
  private readonly maxAgents: number;
  private readonly idleMs: number;
  private readonly silenceMs: number | false;
  private readonly seed: number;
  private readonly options: AgentAnomalyEngineOptions;
  private readonly episodeOptions: EpisodeOptions;
  private readonly agents = new Map<string, AgentState>();
  private readonly pools = new Map<string, PoolState>();
  /** The fleet's envelopes (slots as PoolState.envelopes): every pool's excursions together. */
  private readonly fleetEnvelopes: Array<ExcursionEnvelope | undefined> = [];
  private readonly candidates: Candidate[] = [];
  /** Per cause: the index of its strongest candidate at or above the threshold (−1: none), and its finding. */
  private readonly causeTop = new Int32Array(CAUSES.length);
  private readonly findings: Array<Finding | undefined> = new Array(CAUSES.length).fill(undefined);
  private candidateCount = 0;
  private readonly signalScratch: SignalDetector[] = [];
  private readonly verdict: AgentVerdict = {
    agentId: '',
    timestamp: 0,
    score: 0,
    anomalous: false,
    anomaly: undefined,
    events: [],
  };
  private maxTimestamp = Number.NEGATIVE_INFINITY;
  /** Sum of the agents' `bytes`, kept as they change, so the /metrics gauge costs O(1), not a walk of every agent. */
  private totalBytes = 0;
  /** Events of agents forgotten to make room, delivered with the report that made room. */
  private readonly pending: AnomalyEvent[] = [];
  private readonly scans: ScanDetector | undefined;
  private readonly counts: EngineStats = { agents: 0, reports: 0, anomalousReports: 0, events: 0, evicted: 0 };

  constructor(options: AgentAnomalyEngineOptions = {}) {
    this.options = options;
    this.episodeOptions = { typePriority: TYPE_PRIORITY, ...options.episodes };
    this.config = options.ensemble ?? agentEnsemble();
    this.metricNames = options.univariateMetrics ?? DEFAULT_UNIVARIATE_METRICS;
    this.univariateMin = options.univariateMin ?? 0.8;
    this.metricTypes = { ...DEFAULT_METRIC_TYPES, ...options.metricTypes };
    this.features = options.features === false ? [] : (options.features ?? DEFAULT_FEATURES);
    this.featureMetric = Int32Array.from(this.features, (f) => (f === 'error_rate' ? -1 : 0));
    this.smoothing = options.featureSmoothing ?? 0.3;
    this.qualityNames = options.qualityMetrics ?? ['accuracy', 'coherence'];
    this.memoryName = options.memoryMetric ?? 'memory_bytes';
    this.threshold = options.threshold ?? 0.5;
    this.maxAgents = options.maxAgents ?? 100_000;
    this.idleMs = options.idleMs ?? 3_600_000;
    this.silenceMs = options.silenceMs ?? 60_000;
    this.seed = options.seed ?? 1;
    this.scans = options.scan === false ? undefined : new ScanDetector(options.scan);
    for (let i = 0; i < 16; i++)
      this.candidates.push({ kind: Kind.Stream, cause: 0, score: 0, confidence: 0, index: 0, value: 0 });
  }

  /** The largest report timestamp seen: the data-time watermark to `sweep` with. */
  get watermark(): number {
    return this.maxTimestamp;
  }

  /** Agents tracked. */
  get size(): number {
    return this.agents.size;
  }

  stats(): EngineStats {
    return { ...this.counts, agents: this.agents.size };
  }

  /**
   * Agents tracked, and those still warming up: fewer reports than the ensemble's warm-up, so their baselines carry
   * little weight yet (after a start or a restart every agent begins here: baselines are learned from reports).
   */
  warmUp(): { agents: number; warming: number; reportsToWarm: number } {
    const reportsToWarm = this.config.warmupSamples;
    let warming = 0;
    for (const st of this.agents.values()) if (st.reports < reportsToWarm) warming++;
    return { agents: this.agents.size, warming, reportsToWarm };
  }

  /**
   * Scores one report (reports of one agent in time order; a little disorder is tolerated) and returns the verdict
   * with the events it caused. Never throws on finite input; non-finite values are skipped.
   */
  observe(report: AgentReport): AgentVerdict {
    const t = report.timestamp;
    if (t > this.maxTimestamp) this.maxTimestamp = t;
    this.counts.reports++;
    const st = this.agentOf(report);
    const events: AnomalyEvent[] = this.pending.length ? this.pending.splice(0) : [];
    if (st.silent) {
      st.silent = false;
      st.episodes.closeCause('presence', st.subject, t, events);
    }
    if (st.reports > 0 && t > st.lastTimestamp) {
      st.meanGapMs += 0.1 * (t - st.lastTimestamp - st.meanGapMs);
      (st.gaps ??= new DDSketch({ relativeAccuracy: GAP_SKETCH_ACCURACY })).accept(t - st.lastTimestamp);
    }
    if (t > st.lastTimestamp) st.lastTimestamp = t;
    st.reports++;

    this.candidateCount = 0;
    const metrics = report.metrics;
    const quality = report.quality;
    this.streamsOf(st, t, metrics, quality);
    this.signalsOf(st, t, metrics, quality);
    const forestScore = this.forestOf(st, metrics, quality);

    // Late fusion per cause: the strongest candidate of a cause sets its score and type; agreeing detectors raise the
    // confidence. Each cause has its own open anomaly, so one cause never hides another.
    const top = this.causeTop.fill(-1);
    let best = -1;
    let score = 0;
    for (let i = 0; i < this.candidateCount; i++) {
      const c = this.candidates[i]!;
      if (c.score > score) {
        score = c.score;
        best = i;
      }
      if (c.score >= this.threshold && (top[c.cause]! < 0 || c.score > this.candidates[top[c.cause]!]!.score))
        top[c.cause] = i;
    }
    const anomalous = best >= 0 && score >= this.threshold;
    if (st.forest && st.vector && st.seen === (1 << this.features.length) - 1)
      st.forest.learn(t, st.vector, !anomalous, forestScore);

    const v = this.verdict;
    v.agentId = report.agentId;
    v.timestamp = t;
    v.score = score;
    v.anomalous = anomalous;
    const findings = this.findings;
    v.anomaly = undefined;
    for (let k = 0; k < CAUSES.length; k++) {
      findings[k] = top[k]! >= 0 ? this.finding(st, k) : undefined;
      if (top[k] === best) v.anomaly = findings[k];
    }
    if (anomalous) this.counts.anomalousReports++;
    const grouped =
      anomalous || st.episodes.open ? st.episodes.onReport(st.subject, t, findings, st.meanGapMs) : NO_EVENTS;
    if (events.length === 0) v.events = grouped;
    else {
      for (const e of grouped) events.push(e);
      v.events = events;
    }
    this.counts.events += v.events.length;
    // Detectors appear lazily as metrics first arrive, then keep a constant size: refresh at reports 1, 2, 4, … 1024,
    // then every 1024th.
    const n = st.reports;
    if ((n & (n - 1)) === 0 || (n & 1023) === 0) this.refreshBytes(report.agentId, st);
    return v;
  }

  /**
   * Housekeeping at data time `watermark` (e.g. `engine.watermark`, every few seconds): closes anomalies of agents
   * that stopped reporting anomalies `recoveryMs` ago, opens `silent` anomalies, and forgets agents idle for `idleMs`
   * (closing what they had open). Returns the events. A time past the newest report seen is taken as that report's
   * time: a wall clock passed in while the consumer lags (or ingest stalls) must not make every agent look silent.
   */
  sweep(now: number): AnomalyEvent[] {
    const watermark = Math.min(now, this.maxTimestamp);
    const events: AnomalyEvent[] = [];
    this.scans?.evictIdle(watermark - this.idleMs);
    const goingQuiet = this.silenceMs !== false ? this.poolStops(watermark, this.silenceMs, events) : undefined;
    for (const [id, st] of this.agents) {
      const quiet = watermark - st.lastTimestamp;
      if (quiet >= this.idleMs) {
        st.episodes.close(st.subject, watermark, events);
        this.forget(id, st);
        continue;
      }
      if (st.episodes.open && !st.silent) st.episodes.onTime(st.subject, watermark, events, st.meanGapMs);
      const limit =
        this.silenceMs === false || st.silent || st.reports < 20
          ? Number.POSITIVE_INFINITY
          : silenceLimit(st, this.silenceMs, quiet);
      if (quiet >= limit) {
        const pool = this.pools.get(st.subject.pool);
        // A quarter of its pool is going quiet with it: wait (up to one more limit) for the pool's one anomaly.
        if (goingQuiet?.has(st.subject.pool) && !pool?.stopped?.open && quiet < 2 * limit) continue;
        st.silent = true;
        // Its other anomalies end with its reports (their evidence stops).
        st.episodes.close(st.subject, watermark, events);
        // In a pool that stopped as a whole, the pool's one `stopped_reporting` anomaly speaks for it.
        if (pool?.stopped?.open) continue;
        const finding: Finding = {
          score: 1,
          confidence: Math.min(1, st.reports / 100),
          severity: 'high',
          type: 'silent',
          risk: 'low',
          detectors: ['silence'],
          features: [],
          evidence: {
            silentMs: quiet,
            usualGapMs: st.meanGapMs,
            gapP99Ms: gapQuantile(st, 0.99),
            lastReportAt: st.lastTimestamp,
          },
          explanation: `high silent anomaly on agent ${st.subject.agentId}: no report for ${round(quiet / 1000)} s, against one every ${round(st.meanGapMs / 1000)} s usually.`,
        };
        // Opened when noticed (evidence.lastReportAt says when the agent went quiet).
        const presence = this.findings.fill(undefined);
        presence[CAUSES.indexOf('presence')] = finding;
        for (const e of st.episodes.onReport(st.subject, watermark, presence)) events.push(e);
        presence.fill(undefined);
      }
    }
    // Events of pools whose last agents were forgotten above.
    if (this.pending.length) events.push(...this.pending.splice(0));
    this.counts.events += events.length;
    return events;
  }

  /**
   * Opens one `stopped_reporting` anomaly for each pool where most agents this engine tracks (≥ half, and ≥ 3) went
   * quiet together (quiet ≥ silenceMs and ≥ 3 × their usual gap): a deploy, a network cut, the end of a load test —
   * one event, not one `silent` anomaly per agent. Its subject is the pool (`agentId` `pool:<name>`); it resolves
   * when fewer than half of the pool's agents are quiet (they report again, or are forgotten). Returns the pools going
   * quiet (≥ 3 agents and a quarter of the pool at least half-way to silent), whose agents' silences wait for it.
   */
  private poolStops(watermark: number, silenceMs: number, events: AnomalyEvent[]): Set<string> {
    const quietByPool = new Map<string, { quiet: number; lastReportAt: number; sample: string[] }>();
    const fallingQuiet = new Map<string, number>();
    for (const st of this.agents.values()) {
      if (st.reports < 20) continue;
      const quiet = watermark - st.lastTimestamp;
      // Each agent by its own standard: a cron agent between two batches is not quiet.
      const limit = st.silent ? 0 : silenceLimit(st, silenceMs, Number.POSITIVE_INFINITY);
      if (st.silent || quiet >= limit / 2)
        fallingQuiet.set(st.subject.pool, (fallingQuiet.get(st.subject.pool) ?? 0) + 1);
      if (!st.silent && !(quiet >= limit)) continue;
      let q = quietByPool.get(st.subject.pool);
      if (!q) quietByPool.set(st.subject.pool, (q = { quiet: 0, lastReportAt: 0, sample: [] }));
      q.quiet++;
      if (st.lastTimestamp > q.lastReportAt) q.lastReportAt = st.lastTimestamp;
      if (q.sample.length < 10) q.sample.push(st.subject.agentId);
    }
    for (const [name, pool] of this.pools) {
      // Most of its agents report again: the pool's stop is over.
      if (pool.stopped?.open && !((quietByPool.get(name)?.quiet ?? 0) >= 0.5 * pool.agents)) {
        const closed = pool.stopped.close(pool.subject, watermark);
        if (closed) events.push(closed);
      }
    }
    for (const [name, q] of quietByPool) {
      const pool = this.pools.get(name)!;
      if (pool.stopped?.open || q.quiet < 3 || q.quiet < 0.5 * pool.agents) continue;
      const finding: Finding = {
        score: 1,
        confidence: q.quiet / pool.agents,
        severity: 'high',
        type: 'stopped_reporting',
        risk: 'low',
        detectors: ['silence'],
        features: [],
        evidence: {
          agents: q.quiet,
          poolAgents: pool.agents,
          share: q.quiet / pool.agents,
          lastReportAt: q.lastReportAt,
        },
        explanation:
          `high stopped_reporting anomaly on pool ${name}: ${q.quiet} of its ${pool.agents} agents stopped reporting together ` +
          `(last report ${round((watermark - q.lastReportAt) / 1000)} s ago; e.g. ${q.sample.join(', ')}): a deploy, a network cut or the end of a load test, not ${q.quiet} faults.`,
      };
      const tracker = (pool.stopped ??= new EpisodeTracker({
        ...this.episodeOptions,
        recoveryMs: Number.POSITIVE_INFINITY,
      }));
      for (const e of tracker.onReport(pool.subject, watermark, finding)) events.push(e);
    }
    // Pools where ≥ 3 agents and a quarter of those tracked are at least half-way to silent: a stop may be under way.
    const goingQuiet = new Set<string>();
    for (const [name, n] of fallingQuiet)
      if (n >= 3 && n >= 0.25 * (this.pools.get(name)?.agents ?? Number.POSITIVE_INFINITY)) goingQuiet.add(name);
    return goingQuiet;
  }

  /**
   * Feeds one agent-to-agent interaction (the calling agent `from` is the subject). A source that reaches many agents
   * it never contacted before with mostly failing first contacts (Threshold Random Walk, see scan-detector.ts) gets a
   * `port_scan` anomaly (high risk), kept open while it keeps probing new targets. Returns the events.
   */
  observeInteraction(interaction: Interaction): readonly AnomalyEvent[] {
    if (!this.scans) return NO_EVENTS;
    const t = interaction.timestamp;
    if (t > this.maxTimestamp) this.maxTimestamp = t;
    const wasTargets = this.scans.targets(interaction.from);
    const detection = this.scans.observe({
      from: interaction.from,
      to: interaction.to,
      timestamp: t,
      outcome: interaction.outcome,
    });
    const declared =
      detection ??
      (this.scans.isScanner(interaction.from) && this.scans.targets(interaction.from) > wasTargets
        ? this.scanSoFar(interaction.from, t)
        : undefined);
    if (!declared) return NO_EVENTS;
    const st =
      this.agents.get(interaction.from) ?? this.agentOf({ agentId: interaction.from, timestamp: t, metrics: {} });
    const risk = classifyRisk(
      { types: ['port_scan'], agentsAffected: declared.targets, failedShare: declared.failedShare },
      this.options.risk,
    );
    const finding: Finding = {
      score: 1,
      confidence: Math.min(1, 1 - 10 ** -declared.log10LikelihoodRatio),
      severity: 'high',
      type: 'port_scan',
      risk: risk.risk,
      detectors: ['scan-trw'],
      features: ['interactions'],
      evidence: {
        targets: declared.targets,
        failures: declared.failures,
        failedShare: declared.failedShare,
        log10LikelihoodRatio: declared.log10LikelihoodRatio,
        firstSeen: declared.firstSeen,
      },
      explanation:
        `high port_scan anomaly on agent ${interaction.from}: it reached ${declared.targets} agents it had never contacted, ${round(100 * declared.failedShare)} % of first contacts failing ` +
        `(e.g. ${declared.sample.slice(0, 5).join(', ')}); ${risk.risk} risk, ${risk.reason}.`,
    };
    const findings = this.findings.fill(undefined);
    findings[CAUSES.indexOf('acute')] = finding;
    const events = st.episodes.onReport(st.subject, t, findings, st.meanGapMs);
    findings.fill(undefined);
    this.counts.events += events.length;
    return events;
  }

  private scanSoFar(source: string, t: number): ScanDetection {
    const targets = this.scans!.targets(source);
    const failures = this.scans!.failures(source);
    return {
      source,
      detectedAt: t,
      firstSeen: this.scans!.firstSeen(source),
      targets,
      failures,
      failedShare: failures / targets,
      log10LikelihoodRatio: this.scans!.logRatio(source),
      sample: this.scans!.sample(source),
    };
  }

  /** Bytes of state held for one agent (0 when unknown). */
  agentStateBytes(agentId: string): number {
    const st = this.agents.get(agentId);
    return st ? this.bytesOf(agentId, st) : 0;
  }

  /** Bytes of state held for one agent by part (see {@link agentStateBytes}; undefined when unknown): for benches. */
  agentStateParts(agentId: string): Record<string, number> | undefined {
    const st = this.agents.get(agentId);
    return st ? this.partsOf(agentId, st) : undefined;
  }

  /**
   * Bytes of state held for every agent, as of each agent's last refresh (its 1st, 2nd, 4th … 1024th report, then every
   * 1024th): O(1), for a gauge scraped while reports stream in (walking 10,000 agents took ≈ 40 ms of the event loop).
   */
  stateBytes(): number {
    return objectBytes(24) + this.totalBytes;
  }

  /** Whether an agent has an open anomaly, and its id. */
  openAnomaly(agentId: string): string | undefined {
    const st = this.agents.get(agentId);
    return st?.episodes.open ? st.episodes.openId : undefined;
  }

  // ---- per report -------------------------------------------------------------------------------------------

  private agentOf(report: AgentReport): AgentState {
    const id = report.agentId;
    let st = this.agents.get(id);
    if (st) {
      this.agents.delete(id); // re-insert: Map order is the recency order
      const model = report.model ?? st.subject.model;
      const pool = report.pool ?? st.subject.pool;
      if (pool !== st.subject.pool || model !== st.subject.model) st.latency = undefined; // its objective may differ
      if (pool !== st.subject.pool) {
        this.leavePool(st);
        (st.subject as { pool: string }).pool = pool;
        this.joinPool(st);
      }
      if (model !== st.subject.model) (st.subject as { model: string }).model = model;
    } else {
      if (this.agents.size >= this.maxAgents) {
        const [oldId, oldest] = this.agents.entries().next().value as [string, AgentState];
        oldest.episodes.close(oldest.subject, report.timestamp, this.pending);
        this.forget(oldId, oldest);
        this.counts.evicted++;
      }
      st = new AgentState(
        id,
        report.model ?? 'unknown',
        report.pool ?? 'default',
        report.timestamp,
        this.metricNames.length,
        this.qualityNames.length,
        this.episodeOptions,
      );
      this.joinPool(st);
    }
    this.agents.set(id, st);
    return st;
  }

  private streamsOf(
    st: AgentState,
    t: number,
    metrics: Readonly<Record<string, number>>,
    quality: Readonly<Record<string, number>> | undefined,
  ): void {
    const names = this.metricNames;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      let value = metrics[name];
      if (value === undefined && quality) value = quality[name];
      if (value === undefined || !Number.isFinite(value)) continue;
      const stream = (st.streams[i] ??= new StreamDetector(this.config));
      const r = stream.update(t, value);
      if (!(r.anomalous && r.score >= this.univariateMin)) continue;
      const type = this.streamType(stream, name);
      if (type !== 'ignore') this.candidate(Kind.Stream, type, r.score, r.confidence, i, value);
    }
  }

  private signalsOf(
    st: AgentState,
    t: number,
    metrics: Readonly<Record<string, number>>,
    quality: Readonly<Record<string, number>> | undefined,
  ): void {
    const o = this.options;
    // Baselines do not learn from an agent in the middle of an anomaly (each detector bounds how long it waits).
    const learn = !st.episodes.open;
    const requests = metrics.requests;
    const errors = metrics.errors ?? 0;
    if (requests !== undefined && requests >= 0) {
      if (requests > 0)
        this.signal((st.errors ??= new ErrorSurgeDetector(o.errorSurge)).update(t, requests, errors, learn), st.errors);
      if (o.requestRate !== false) {
        const rate = (st.rate ??= new RequestRateDetector({
          ...o.requestRate,
          pool: this.poolEnvelope(st, Envelope.Rate),
        })).update(t, requests, learn);
        this.signal(rate, st.rate);
        const surging = rate.score >= 0.5;
        if (surging !== st.surging) {
          st.surging = surging;
          this.pools.get(st.subject.pool)!.surging += surging ? 1 : -1;
        }
      }
    }
    const latency = metrics.response_time_seconds;
    if (latency !== undefined) {
      const shift = (st.latencyShift ??= new TailShiftDetector({
        ...o.tailShift,
        pool: this.poolEnvelope(st, Envelope.Latency),
        type: 'latency_spike',
        label: 'response_time_seconds',
      }));
      this.signal(shift.update(t, latency, learn), shift);
      if (st.latency === undefined) {
        const objective = o.latencySlos ? objectiveFor(o.latencySlos, st.subject.pool, st.subject.model) : undefined;
        st.latency = objective ? new LatencySloDetector({ ...o.latencySlo, objective }) : null;
      }
      if (st.latency) this.signal(st.latency.update(t, latency), st.latency);
    }
    const input = metrics.input_tokens;
    if (input !== undefined)
      this.signal(
        (st.inputTokens ??= new TailShiftDetector({
          ...o.tailShift,
          pool: this.poolEnvelope(st, Envelope.InputTokens),
          type: 'token_spike',
          label: 'input_tokens',
        })).update(t, input, learn),
        st.inputTokens,
      );
    const output = metrics.output_tokens;
    // A failed request's empty answer says nothing about how long answers are.
    if (output !== undefined && !(errors > 0)) {
      // Longer answers alone, by less than 4×, are a change of the model's behaviour: the drift test below names it.
      this.signal(
        (st.outputTokens ??= new TailShiftDetector({
          minRatio: 4,
          ...o.tailShift,
          pool: this.poolEnvelope(st, Envelope.OutputTokens),
          type: 'token_spike',
          label: 'output_tokens',
        })).update(t, output, learn),
        st.outputTokens,
      );
      if (o.drift !== false) {
        const drift = (st.drift ??= new OutputDriftDetector({ label: 'output_tokens', ...o.drift })).update(
          output,
          learn,
        );
        // While the output spikes, the shifted distribution is the spike itself, not a drift; and a recent window filled
        // during an earlier anomaly (a flood's tiny answers) may join an open anomaly but not open a new one.
        if (!st.outputTokens.shifting && (st.episodes.isOpen('drift') || st.drift.heldShare <= 0.1))
          this.signal(drift, st.drift);
      }
      if (o.shapeShift !== false) {
        const shape = (st.shape ??= new ShapeShiftDetector({
          label: 'output_tokens',
          maxRatio: 3,
          seed: hashString(st.subject.agentId),
          ...o.shapeShift,
        }));
        // Answers 4× longer are a token spike (above), not a new shape: its values start no drift, now or after it.
        if (st.outputTokens.shifting || st.episodes.openType('acute') === 'token_spike') shape.restart();
        else this.signal(shape.update(t, output, learn), shape);
      }
    }
    if (quality) {
      const names = this.qualityNames;
      let sum = 0;
      let present = 0;
      for (let i = 0; i < names.length; i++) {
        const q = quality[names[i]!];
        if (q === undefined || !Number.isFinite(q)) continue;
        sum += q;
        present++;
        // Slow slides: 64-report buckets (about an hour at a request a second).
        const long = (st.quality[i] ??= new TrendDetector({
          minChange: 0.05,
          name: 'quality-trend',
          label: names[i],
          bucketSamples: 64,
          ...o.qualityTrend,
        }));
        this.signal(long.update(t, q), long);
      }
      // Drops within minutes: a CUSUM on the mean of the watched scores (their noise averages out, a slide moves all).
      if (present > 0 && o.qualityShift !== false) {
        const shift = (st.qualityShift ??= new QualityShiftDetector({
          label: present > 1 ? 'mean quality' : 'quality',
          ...o.qualityShift,
        }));
        this.signal(shift.update(t, sum / present, learn), shift);
      }
    }
    if (this.memoryName !== false) {
      const m = metrics[this.memoryName];
      if (m !== undefined) {
        const leak = (st.memory ??= new MemoryLeakDetector({ label: this.memoryName, ...o.memoryLeak }));
        this.signal(leak.update(t, m, metrics.memory_limit_bytes), leak);
      }
    }
  }

  /** The pool's shared envelope of one kind of excursion (created with the first agent detector that needs it). */
  private poolEnvelope(st: AgentState, slot: Envelope): ExcursionEnvelope {
    const pool = this.pools.get(st.subject.pool)!;
    const envelope = slot === Envelope.Rate ? this.options.requestRate || undefined : this.options.tailShift;
    const options = { ...envelope?.envelope, maxHoldMs: envelope?.holdMs };
    // Every pool's envelope of a kind is part of the fleet's (the agents this engine tracks), which it is shrunk toward.
    const fleet = (this.fleetEnvelopes[slot] ??= new ExcursionEnvelope(options));
    return (pool.envelopes[slot] ??= new ExcursionEnvelope({ ...options, parent: fleet }));
  }

  /** The type of a stream's current anomaly from the sign of its strongest contributor (explains: anomalies only). */
  private streamType(stream: StreamDetector, metric: string): AgentAnomalyType | 'ignore' {
    const types = this.metricTypes[metric];
    if (!types) return 'statistical';
    const top = stream.explain().contributors[0];
    return !top || top.deviation >= 0 ? types.up : types.down;
  }

  private signal(v: { score: number; ready: boolean }, detector: SignalDetector): void {
    if (!v.ready || v.score < this.threshold) return;
    this.signalScratch[this.candidateCount] = detector;
    // Each detector's own test sets its score; how sure it is grows with its significance.
    this.candidate(Kind.Signal, detector.type, v.score, 0.5 + 0.5 * v.score, -1);
  }

  /** Updates the smoothed feature vector and scores it; returns the isolation score (NaN when not scored). */
  private forestOf(
    st: AgentState,
    metrics: Readonly<Record<string, number>>,
    quality: Readonly<Record<string, number>> | undefined,
  ): number {
    const dims = this.features.length;
    if (dims === 0) return Number.NaN;
    const x = (st.vector ??= stateArrays.float64(dims));
    const a = this.smoothing;
    let changed = false;
    for (let i = 0; i < dims; i++) {
      let value: number | undefined;
      if (this.featureMetric[i] === -1)
        value =
          metrics.requests !== undefined && metrics.requests > 0 && st.errors
            ? st.errors.verdict.evidence.errorRate
            : undefined;
      else {
        const name = this.features[i]!;
        value = metrics[name];
        if (value === undefined && quality) value = quality[name];
      }
      if (value === undefined || !Number.isFinite(value)) continue;
      const bit = 1 << i;
      x[i] = st.seen & bit ? x[i]! + a * (value - x[i]!) : value;
      st.seen |= bit;
      changed = true;
    }
    if (!changed || st.seen !== (1 << dims) - 1) return Number.NaN;
    // center 0.78: measured on the simulator's baseline fleet, 0.75 raised ≈ 0.7 false alarms an agent-day, 0.78 none.
    const forest = (st.forest ??= new MultivariateDetector({
      center: 0.78,
      ...this.options.multivariate,
      features: this.features,
      seed: ((this.options.multivariate?.seed ?? this.seed) ^ hashString(st.subject.agentId)) >>> 0,
    }));
    const r = forest.score(x);
    if (r.ready && r.score >= this.threshold) this.candidate(Kind.Forest, 'multivariate', r.score, 0.5, -1);
    return r.isolationScore;
  }

  private candidate(
    kind: Kind,
    type: AgentAnomalyType,
    score: number,
    confidence: number,
    index: number,
    value = Number.NaN,
  ): void {
    const cause = CAUSES.indexOf(CAUSE_OF[type]);
    if (this.candidateCount === this.candidates.length)
      this.candidates.push({ kind, cause, score, confidence, index, value });
    const c = this.candidates[this.candidateCount]!;
    c.kind = kind;
    c.cause = cause;
    c.score = score;
    c.confidence = confidence;
    c.index = kind === Kind.Signal ? this.candidateCount : index;
    c.value = value;
    this.candidateCount++;
  }

  // ---- findings (allocate: anomalous reports only) -----------------------------------------------------------

  /** The finding of one cause from its candidates at or above the threshold. */
  private finding(st: AgentState, cause: number): Finding {
    const top = this.candidates[this.causeTop[cause]!]!;
    const score = top.score;
    const parts = this.candidates
      .slice(0, this.candidateCount)
      .filter((c) => c.score >= this.threshold && c.cause === cause)
      .map((c) => ({ c, part: this.describe(st, c) }));
    // The finding's type: the most specific among the detectors within 0.1 of the best score (see TYPE_PRIORITY).
    const priority = this.episodeOptions.typePriority ?? [];
    const rank = (type: string) => {
      const i = priority.indexOf(type);
      return i < 0 ? priority.length : i;
    };
    parts.sort((a, b) => {
      const closeA = a.c.score >= score - 0.1;
      const closeB = b.c.score >= score - 0.1;
      if (closeA !== closeB) return closeA ? -1 : 1;
      if (closeA) return rank(a.part.type) - rank(b.part.type) || b.c.score - a.c.score;
      return b.c.score - a.c.score;
    });
    const detectors: string[] = [];
    const features: string[] = [];
    const evidence: Record<string, number> = {};
    const clauses: string[] = [];
    let miss = 1;
    // The trouble began when the earliest of its held detectors found it start.
    let onset = Number.POSITIVE_INFINITY;
    for (const { c, part } of parts) {
      miss *= 1 - c.confidence;
      if (c.kind === Kind.Signal) {
        const began = this.signalScratch[c.index]!.onset;
        if (began !== undefined && began < onset) onset = began;
      }
      for (const d of part.detectors) if (!detectors.includes(d)) detectors.push(d);
      for (const f of part.features) if (!features.includes(f)) features.push(f);
      for (const key in part.evidence) evidence[`${part.prefix}.${key}`] = part.evidence[key]!;
      if (clauses.length < 2) clauses.push(part.text);
    }
    const type = parts[0]!.part.type;
    const confidence = 1 - miss;
    const severity = severityOf(score) as Exclude<Severity, 'none'>;
    const risk = this.riskOf(
      st,
      parts.map((p) => p.c),
    );
    evidence.score = score;
    const riskText = risk.risk === 'low' ? '' : `; ${risk.risk} risk, ${risk.reason}`;
    const explanation = `${severity} ${type} on agent ${st.subject.agentId} (score ${round(score)}, confidence ${round(confidence)}): ${clauses.join('; also ')}${riskText}.`;
    const finding: Finding = {
      score,
      confidence,
      severity,
      type,
      risk: risk.risk,
      detectors,
      features,
      evidence,
      explanation,
    };
    if (Number.isFinite(onset)) finding.onset = onset;
    return finding;
  }

  private describe(
    st: AgentState,
    c: Candidate,
  ): {
    type: AgentAnomalyType;
    detectors: string[];
    features: string[];
    evidence: Record<string, number>;
    text: string;
    prefix: string;
  } {
    if (c.kind === Kind.Stream) {
      const metric = this.metricNames[c.index]!;
      const stream = st.streams[c.index]!;
      const e = stream.explain();
      const top = e.contributors[0];
      const type = this.streamType(stream, metric) as AgentAnomalyType;
      const value = c.value;
      const text = top
        ? `${metric} ${describeContributor(top, value, stream.deseasonalizing)}`
        : `${metric} ${round(value)} is unusual`;
      const evidence: Record<string, number> = { value, score: c.score };
      if (top) {
        evidence.expected = top.expected;
        evidence.deviation = top.deviation;
      }
      return {
        type,
        detectors: e.contributors.map((x) => x.detector),
        features: [metric],
        evidence,
        text,
        prefix: metric,
      };
    }
    if (c.kind === Kind.Signal) {
      const d = this.signalScratch[c.index]!;
      const text = d.describe();
      const evidence: Record<string, number> = {};
      for (const key in d.verdict.evidence) {
        const v = d.verdict.evidence[key]!;
        if (Number.isFinite(v)) evidence[key] = v;
      }
      return { type: d.type, detectors: [d.name], features: [d.feature], evidence, text, prefix: d.name };
    }
    const forest = st.forest!;
    const contributions = forest.explain(st.vector!, 3);
    const r = forest.score(st.vector!);
    const strong = contributions.filter((f) => Math.abs(f.robustZ) >= 3);
    const shown = strong.length ? strong : contributions.slice(0, 1);
    const evidence: Record<string, number> = { isolationScore: r.isolationScore };
    for (const f of shown) {
      evidence[`${f.feature}.value`] = f.value;
      evidence[`${f.feature}.median`] = f.median;
      evidence[`${f.feature}.robustZ`] = f.robustZ;
    }
    const parts = shown.map(
      (f) =>
        `${f.feature} ${round(f.value)} (${round(Math.abs(f.robustZ))} robust σ ${f.robustZ >= 0 ? 'above' : 'below'} its usual ${round(f.median)})`,
    );
    return {
      type: 'multivariate',
      detectors: ['isolation-forest'],
      features: shown.map((f) => f.feature),
      evidence,
      text: `the combination of its recent metrics is unusual (isolation score ${round(r.isolationScore)}): ${parts.join(', ')}`,
      prefix: 'isolation-forest',
    };
  }

  private riskOf(st: AgentState, order: Candidate[]): RiskAssessment {
    const types: string[] = [];
    for (const c of order) {
      if (c.kind === Kind.Signal) types.push(this.signalScratch[c.index]!.type);
    }
    const rate = st.rate?.verdict.ready ? st.rate.verdict.evidence.multiple : undefined;
    const pool = this.pools.get(st.subject.pool);
    const out = st.outputTokens?.verdict.ready ? st.outputTokens.verdict.evidence.ratio : undefined;
    const inp = st.inputTokens?.verdict.ready ? st.inputTokens.verdict.evidence.ratio : undefined;
    return classifyRisk(
      {
        types,
        rateMultiple: rate,
        poolShare: pool && pool.agents > 0 ? pool.surging / pool.agents : undefined,
        agentsAffected: pool?.surging,
        outputMultiple: out,
        inputMultiple: inp,
      },
      this.options.risk,
    );
  }

  // ---- bookkeeping -------------------------------------------------------------------------------------------

  private joinPool(st: AgentState): void {
    let p = this.pools.get(st.subject.pool);
    if (!p)
      this.pools.set(
        st.subject.pool,
        (p = {
          agents: 0,
          surging: 0,
          subject: { agentId: `pool:${st.subject.pool}`, model: 'various', pool: st.subject.pool },
          stopped: undefined,
          envelopes: [],
        }),
      );
    p.agents++;
    if (st.surging) p.surging++;
  }

  private leavePool(st: AgentState): void {
    const p = this.pools.get(st.subject.pool);
    if (!p) return;
    p.agents--;
    if (st.surging) p.surging--;
    if (p.agents <= 0) {
      // Its stopped agents were forgotten: the pool's stop is over as far as this engine can tell.
      const closed = p.stopped?.close(p.subject, this.maxTimestamp);
      if (closed) this.pending.push(closed);
      this.pools.delete(st.subject.pool);
    }
  }

  private forget(id: string, st: AgentState): void {
    this.leavePool(st);
    this.agents.delete(id);
    this.totalBytes -= st.bytes;
  }

  private refreshBytes(id: string, st: AgentState): void {
    const bytes = this.bytesOf(id, st);
    this.totalBytes += bytes - st.bytes;
    st.bytes = bytes;
  }

  private bytesOf(id: string, st: AgentState): number {
    let bytes = 0;
    this.eachPart(id, st, (_kind, _name, partBytes) => (bytes += partBytes));
    return bytes;
  }

  /** Bytes of one agent's state by part: its detectors by name, and `agent` (its record, episodes, gaps, vector). */
  private partsOf(id: string, st: AgentState): Record<string, number> {
    const parts: Record<string, number> = {};
    this.eachPart(id, st, (kind, name, bytes) => {
      const part = name ? `${kind}:${name}` : kind;
      parts[part] = (parts[part] ?? 0) + bytes;
    });
    return parts;
  }

  /** Visits each part of an agent's state (no allocation: this runs at a new agent's first reports). */
  private eachPart(id: string, st: AgentState, visit: (kind: string, name: string, bytes: number) => void): void {
    let own =
      objectBytes(24) + 2 * id.length + 64 + 8 * (st.streams.length + st.quality.length) + st.episodes.stateBytes();
    // The gap sketch: its bins (8 bytes each) and the object around them.
    if (st.gaps) own += objectBytes(8) + 8 * sketchBins(st.gaps);
    if (st.vector) own += TYPED_ARRAY_OVERHEAD_BYTES + st.vector.byteLength;
    visit('agent', '', own);
    for (let i = 0; i < st.streams.length; i++) {
      const s = st.streams[i];
      if (s) visit('ensemble', this.metricNames[i]!, s.stateBytes());
    }
    for (let i = 0; i < st.quality.length; i++) {
      const q = st.quality[i];
      if (q) visit('quality-trend', this.qualityNames[i]!, q.stateBytes());
    }
    if (st.errors) visit('error-surge', '', st.errors.stateBytes());
    if (st.rate) visit('request-rate', '', st.rate.stateBytes());
    if (st.latency) visit('latency-slo', '', st.latency.stateBytes());
    if (st.latencyShift) visit('tail-shift', 'response_time_seconds', st.latencyShift.stateBytes());
    if (st.inputTokens) visit('tail-shift', 'input_tokens', st.inputTokens.stateBytes());
    if (st.outputTokens) visit('tail-shift', 'output_tokens', st.outputTokens.stateBytes());
    if (st.drift) visit('output-drift', '', st.drift.stateBytes());
    if (st.shape) visit('shape-shift', '', st.shape.stateBytes());
    if (st.memory) visit('memory-leak', '', st.memory.stateBytes());
    if (st.qualityShift) visit('quality-shift', '', st.qualityShift.stateBytes());
    if (st.forest) visit('isolation-forest', '', st.forest.stateBytes());
  }
}

/** Relative accuracy of each agent's gap sketch: ≈ 150 bins from a millisecond to an hour. */
const GAP_SKETCH_ACCURACY = 0.05;

/** The q-quantile of an agent's own gaps between reports, ms (NaN before any gap). */
function gapQuantile(st: AgentState, q: number): number {
  return st.gaps && st.gaps.count > 0 ? st.gaps.getValueAtQuantile(q) : Number.NaN;
}

/**
 * How long an agent must be quiet to be silent: the floor, 10 × its recent mean gap (a Poisson reporter is that quiet
 * once in e^10 ≈ 22,000 gaps, at its current rate), 3 × the 99th percentile of its own gaps and 1.5 × the longest gap
 * it came back from (an agent reporting in bursts or on a schedule has gaps far above its mean); infinite while its
 * history (first to last report) is shorter than twice that. The sketch is read only when the cheaper bounds are passed.
 */
function silenceLimit(st: AgentState, floorMs: number, quiet: number): number {
  const cheap = Math.max(floorMs, 10 * st.meanGapMs);
  if (quiet < cheap) return cheap;
  // Its own tail: 3 × its 99th-percentile gap, 1.5 × the longest gap it came back from.
  const tail = Math.max(3 * gapQuantile(st, 0.99), 1.5 * (st.gaps?.max ?? 0));
  const limit = tail > cheap ? tail : cheap;
  // Too short a history to call this long a pause unusual: wait until it is twice as long.
  return st.lastTimestamp - st.firstTimestamp >= 2 * limit ? limit : Number.POSITIVE_INFINITY;
}

function sketchBins(sketch: DDSketch): number {
  return sketch.store.length() + sketch.negativeStore.length();
}
