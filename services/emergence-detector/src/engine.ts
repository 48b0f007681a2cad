import type { EmergenceEvent, Interaction, SampleReport } from '@swarmscope/core';
import { median } from 'simple-statistics';
import { isFailing, MIN_QUALITY_GAIN } from './agent-tests';
import { divisionOfLabour } from './division-of-labour';
import { earlyWarningIndicators } from './early-warning';
import { shannonEntropy } from './entropy';
import { EventTracker } from './event-tracker';
import { measureNetwork, type NetworkMeasures } from './graph-measures';
import { InteractionWindow } from './interaction-window';
import { cusumThreshold, QualityCusum, type QualityCusumOptions } from './quality-cusum';
import { SeededRandom } from './random';
import { mean } from './series';
import { round } from './findings/format';
import { observe, type PoolContext, type PoolTick } from './findings/pool-state';
import { selfOrganisationFinding } from './findings/self-organisation';
import { cascadeFindings, learningFinding, type SpreadContext } from './findings/spreads';
import { swarmFinding } from './findings/swarm';
import { SynchronyFinder, synchronyFinding } from './findings/synchrony';
import { transitionFindings } from './findings/transitions';
import { warningFindings } from './findings/warnings';
import { TickSeries, type AgentSlot } from './tick-series';
import { WarningTrackRecord, type WarningRecord } from './warning-record';
import { DEFAULT_THRESHOLDS, type EmergenceType, type Finding, type Thresholds } from './types';

export interface EngineOptions {
  /** Length of one tick; reports are summed per agent and tick. */
  tickMs: number;
  /** Ticks of per-agent history analysed (the sliding horizon). */
  horizonTicks: number;
  /**
   * Ticks data may run ahead of the oldest tick not analysed yet (bounded out-of-orderness, in data time). Data
   * that far ahead never touches the analysed window, so a tick's analysis does not depend on how much newer data
   * had arrived before it; data further ahead closes older ticks itself. Costs `aheadTicks` more ring slots.
   */
  aheadTicks: number;
  /** Ticks of fleet-level order parameters kept (for GET /fleet/state and the early-warning trends). */
  historyTicks: number;
  /**
   * Ticks of a pool's history the early warnings read (at most historyTicks): two rolling windows of half of it
   * (Dakos et al. 2012). Longer than the horizon, so a build-up slower than a horizon is still compared with the
   * calm before it rather than with its own first half.
   */
  warningTicks: number;
  thresholds: Thresholds;
  /** Louvain, PageRank and betweenness are refreshed every this many ticks (the graph changes slowly). */
  graphEveryTicks: number;
  /** Ticks without a finding before an event closes. */
  closeAfterTicks: number;
  /** Family-wise false-alarm rate of the per-agent tests (failing, improving, oscillating) over the fleet. */
  agentAlpha: number;
  /** Surrogates per synchrony test. */
  surrogates: number;
  /** Seeds the surrogates and Louvain: one seed, one answer. */
  seed: number;
}

// 10-s ticks over 10 minutes: health-monitor's 1-minute windows are too coarse to see a 10-s rhythm or to
// detect within 60 s, so the detector builds its own ticks from the samples topic.
export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  tickMs: 10_000,
  horizonTicks: 60,
  aheadTicks: 6,
  historyTicks: 360,
  warningTicks: 120,
  thresholds: DEFAULT_THRESHOLDS,
  graphEveryTicks: 6,
  closeAfterTicks: 6,
  agentAlpha: 0.01,
  surrogates: 99,
  seed: 1,
};

/** The defaults with `options` over them (thresholds merged one by one). */
export function engineOptions(options: Partial<EngineOptions> = {}): EngineOptions {
  return { ...DEFAULT_ENGINE_OPTIONS, ...options, thresholds: { ...DEFAULT_THRESHOLDS, ...options.thresholds } };
}

/** Every order parameter the engine tracks (the metric's `parameter` label), in a fixed order. */
export const ORDER_PARAMETERS = [
  'synchronization',
  'kuramoto_order',
  'state_entropy',
  'load_variance',
  'load_autocorrelation',
  'variance_trend_tau',
  'autocorrelation_trend_tau',
  'phase_transition',
  'collective_learning',
  'swarm_intelligence',
  'failing_agents',
  'improving_agents',
  'oscillating_agents',
] as const;
export type OrderParameterName = (typeof ORDER_PARAMETERS)[number];
export type OrderParameters = Record<OrderParameterName, number>;

export interface FleetSnapshot {
  /** End of the analysed tick, epoch ms (data time). */
  time: number;
  agents: number;
  parameters: OrderParameters;
  /** The early warnings' track record so far. */
  warnings: WarningRecord;
}

export interface TickAnalysis {
  tick: number;
  time: number;
  findings: Finding[];
  changes: EmergenceEvent[];
  snapshot: FleetSnapshot;
}

const RECENT_TICKS = 3;
/** Share of a synchronised group's members that may be false (Benjamini–Hochberg): a bound on what they cost its Jaccard. */
const MEMBER_FDR = 0.05;
/**
 * The per-agent quality CUSUM: fastest for a gain of one standard deviation of the agent's own scores (k = ½), a
 * wild score worth at most 3, 30 reports of the agent's own level first, a reference that forgets over 60 reports.
 */
const QUALITY_CUSUM: QualityCusumOptions = {
  k: 0.5,
  clip: 3,
  minReference: 30,
  halfLifeReports: 60,
  minGain: MIN_QUALITY_GAIN,
  minSigma: MIN_QUALITY_GAIN / 2,
};
const CHANCE_ALPHA = 1e-3;
const STABLE_TICKS_TO_RECOVER = 3;
/** A synchronised group holding this share of a pool's agents makes the pool's variance the rhythm's. */
const RHYTHM_POOL_SHARE = 0.1;

/**
 * The emergence engine: per-agent ticks and the interaction graph in, fleet-level findings and event lifecycles
 * out. Pure: time is the data's (tick numbers from report timestamps); the same inputs give the same events.
 */
export class EmergenceEngine {
  readonly options: EngineOptions;
  readonly series: TickSeries;
  readonly interactions: InteractionWindow;
  readonly tracker: EventTracker;
  private readonly warningsRecord: WarningTrackRecord;
  /** The synchrony surrogates' stream, and the spreads' time shuffles' own: one test's draws never move another's. */
  private readonly random: SeededRandom;
  private readonly spreadRandom: SeededRandom;
  private readonly pools = new Map<string, PoolTick[]>();
  /** Interactions of ticks not analysed yet, by tick. */
  private readonly pendingInteractions = new Map<number, Interaction[]>();
  /** Agent → tick it started failing / improving. */
  private readonly failing = new Map<string, number>();
  private readonly failingQuiet = new Map<string, number>();
  private readonly improved = new Map<string, number>();
  /** Agent → its quality CUSUM. */
  private readonly qualityCusums = new Map<string, QualityCusum>();
  private readonly warningQuietUntil = new Map<string, number>();
  /** Pool → tick of its latest phase transition (the step's tick): agents failing with it are its, not a cascade's. */
  private readonly transitionAt = new Map<string, number>();
  /** Pool → last tick a synchronised group held a share of its agents: its rhythm, not slowing down, moves its variance. */
  private readonly rhythmAt = new Map<string, number>();
  /** The synchronised groups of the last analysed tick. */
  private lastRhythms: Set<string>[] = [];
  private readonly history: FleetSnapshot[] = [];
  private readonly entropyHistory: number[] = [];
  private readonly dolHistory: number[] = [];
  private readonly fleetLoad: number[] = [];
  private network: NetworkMeasures | undefined;
  private networkTick = -Infinity;
  private firstTick: number | undefined;
  private lastAnalysed: number | undefined;
  /** Ticks that data running ahead closed (in `ingest`), waiting to be returned by `advance`. */
  private readonly forced: TickAnalysis[] = [];
  private readonly synchrony: SynchronyFinder;

  constructor(options: Partial<EngineOptions> = {}) {
    this.options = engineOptions(options);
    const { tickMs, horizonTicks, aheadTicks, closeAfterTicks, seed } = this.options;
    this.series = new TickSeries(tickMs, horizonTicks, aheadTicks);
    this.interactions = new InteractionWindow(tickMs, horizonTicks);
    this.tracker = new EventTracker(closeAfterTicks);
    this.warningsRecord = new WarningTrackRecord(this.options.warningTicks);
    this.random = new SeededRandom(seed);
    this.spreadRandom = new SeededRandom(seed ^ 0x9e3779b9);
    this.synchrony = new SynchronyFinder({
      alpha: CHANCE_ALPHA,
      memberFdr: MEMBER_FDR,
      surrogates: this.options.surrogates,
    });
  }

  /**
   * Adds one accepted report; false when it came too late for its tick. A report more than `aheadTicks` ahead of
   * ticks not analysed yet has them analysed first (their results come with the next `advance`).
   */
  ingest(report: SampleReport): boolean {
    const tick = this.series.tickOf(report.timestamp);
    const newest = this.series.newestTick;
    if (newest !== undefined && tick > newest)
      this.forced.push(...this.analyseThrough(tick - this.options.aheadTicks - 1));
    const added = this.series.add(report);
    if (added && (this.firstTick === undefined || tick < this.firstTick)) this.firstTick = tick;
    return added;
  }

  /**
   * Adds one interaction. One of a tick not analysed yet waits for that tick's analysis: the graph a tick is analysed
   * with then holds the same interactions however early later ones arrive (replicas and replays agree).
   */
  ingestInteraction(interaction: Interaction): void {
    const tick = Math.floor(interaction.timestamp / this.options.tickMs);
    if (this.lastAnalysed !== undefined && tick <= this.lastAnalysed) {
      this.interactions.add(interaction);
      return;
    }
    let waiting = this.pendingInteractions.get(tick);
    if (!waiting) {
      this.pendingInteractions.set(tick, (waiting = []));
      // Interactions alone never close a tick: past a horizon of waiting ticks, the oldest joins the graph as is.
      if (this.pendingInteractions.size > this.options.horizonTicks)
        this.addPendingUpTo(Math.min(...this.pendingInteractions.keys()));
    }
    waiting.push(interaction);
  }

  /** Moves the interactions waiting for ticks up to `tick` into the graph. */
  private addPendingUpTo(tick: number): void {
    for (const [at, waiting] of this.pendingInteractions) {
      if (at > tick) continue;
      for (const interaction of waiting) this.interactions.add(interaction);
      this.pendingInteractions.delete(at);
    }
  }

  /**
   * Analyses, in order, every tick that data time `watermarkMs` has closed (a tick is closed once the watermark
   * passes its end), up to the newest tick with data; returns each tick's analysis, after those that data running
   * ahead closed since the last call.
   */
  advance(watermarkMs: number): TickAnalysis[] {
    const out = this.forced.splice(0);
    const newest = this.series.newestTick;
    if (newest === undefined) return out;
    out.push(...this.analyseThrough(Math.min(newest, Math.floor(watermarkMs / this.options.tickMs) - 1)));
    return out;
  }

  /** Analyses, in order, the ticks after the last analysed one through `closed`. */
  private analyseThrough(closed: number): TickAnalysis[] {
    if (this.firstTick === undefined) return [];
    let next = this.lastAnalysed === undefined ? this.firstTick : this.lastAnalysed + 1;
    // Far behind (a pause): only the last horizon before `closed` can hold data its windows read, so start there.
    next = Math.max(next, closed - this.options.horizonTicks + 1);
    const out: TickAnalysis[] = [];
    for (let tick = next; tick <= closed; tick++) out.push(this.analyse(tick));
    return out;
  }

  /** The latest fleet snapshot and the recent ones, oldest first. */
  fleetState(): { now: FleetSnapshot | undefined; history: FleetSnapshot[] } {
    return { now: this.history[this.history.length - 1], history: this.history.slice() };
  }

  /** How the early warnings raised so far turned out. */
  warningRecord(): WarningRecord {
    return this.warningsRecord.record();
  }

  networkMeasures(): NetworkMeasures | undefined {
    return this.network;
  }

  get agentsTracked(): number {
    return this.series.agentCount;
  }

  /**
   * How much of the analysis horizon the last analysed tick had: fewer ticks than `of` while it fills, after a start
   * or a restart (the horizon is rebuilt from reports), during which measures over the horizon see less history.
   */
  horizon(): { ticks: number; of: number; full: boolean } {
    const of = this.options.horizonTicks;
    const ticks =
      this.lastAnalysed === undefined || this.firstTick === undefined
        ? 0
        : Math.min(of, this.lastAnalysed - this.firstTick + 1);
    return { ticks, of, full: ticks >= of };
  }

  /** The whole analysis of one closed tick. */
  analyse(tick: number): TickAnalysis {
    const { tickMs, horizonTicks, thresholds } = this.options;
    this.lastAnalysed = tick;
    this.addPendingUpTo(tick);
    const time = (tick + 1) * tickMs;
    const T = Math.min(horizonTicks, tick - (this.firstTick ?? tick) + 1);
    const from = tick - T + 1;
    const active: AgentSlot[] = [];
    for (const slot of this.series.agents()) if (this.series.reported(slot, from, tick)) active.push(slot);
    const n = Math.max(1, active.length);

    this.updateFailing(active, tick, n);
    this.updateImproved(active, tick, n);
    const { groups, oscillating, synchronization } = this.synchrony.analyse(this.series, active, tick, T, this.random);
    const stateEntropy = this.stateEntropy(active, tick);
    this.recordPools(active, tick);

    if (tick - this.networkTick >= this.options.graphEveryTicks || !this.network) this.refreshNetwork(tick);

    const findings: Finding[] = [];
    // One phenomenon, one type: a group held in a pool that has just jumped (its step lifts every agent at once) or
    // that is under an open early warning (its agents wander together as it slows down) is that pool's, not a rhythm.
    const rhythms = groups.filter((group) => !this.heldByPoolChange(group.agents, tick));
    // A group is reported once it is seen two ticks running (most of it): a chance alignment of one tick is not a lock.
    const seenBefore = this.lastRhythms;
    this.lastRhythms = rhythms.map((group) => new Set(group.agents));
    for (const group of rhythms.filter((g) =>
      seenBefore.some(
        (before) => g.agents.filter((a) => before.has(a)).length * 2 >= Math.min(before.size, g.agents.length),
      ),
    )) {
      const finding = synchronyFinding(group, thresholds.collective_behavior, this.series, tickMs);
      if (finding) findings.push(finding);
    }
    this.noteRhythms(rhythms, tick);
    const pools: PoolContext = {
      tick,
      tickMs,
      pools: [...this.pools.keys()],
      series: (pool, length) => this.poolSeries(pool, tick, length),
      agents: (pool) => this.poolAgents(pool, tick),
    };
    const transitions = transitionFindings(pools, this.failingPerPool(tick), thresholds.phase_transition);
    for (const [pool, at] of transitions.steps) {
      this.warningQuietUntil.set(pool, tick + horizonTicks);
      this.transitionAt.set(pool, at);
    }
    findings.push(...transitions.findings);
    // Early warnings over the pool's last `warningTicks`; none for a horizon after its transition, nor while a
    // rhythm moves its variance.
    const warningSpan = Math.min(this.options.warningTicks, this.options.historyTicks);
    const quiet = (pool: string) =>
      tick < (this.warningQuietUntil.get(pool) ?? -Infinity) ||
      tick - (this.rhythmAt.get(pool) ?? -Infinity) < warningSpan;
    const warnings = warningFindings(pools, warningSpan, Math.min(horizonTicks, 24), quiet, thresholds.early_warning);
    findings.push(...warnings.findings);
    // The neighbour lists are rebuilt whenever an edge came or went: only when a spread is looked for.
    const window = this.interactions;
    const series = this.series;
    const spreads: SpreadContext = {
      get neighbours() {
        return window.neighbours();
      },
      get pools() {
        return agentsByPool(series);
      },
      poolOf: (agent) => series.agent(agent)?.pool,
      nodes: this.series.agentCount,
      edges: this.interactions.undirectedEdgeCount(),
      tick,
      tickMs,
      random: this.spreadRandom,
      isOpen: (type: EmergenceType, scope?: string) => this.tracker.isOpen(type, scope),
    };
    const cascades = cascadeFindings(this.failingOnTheirOwn(tick), spreads, thresholds.cascade_failure);
    findings.push(...cascades);
    const learning = learningFinding(this.improved, spreads, thresholds.collective_learning);
    if (learning.finding) findings.push(learning.finding);
    const selfOrganisation = selfOrganisationFinding(
      this.entropyHistory,
      stateEntropy,
      horizonTicks / 2,
      thresholds.self_organization,
    );
    if (selfOrganisation) findings.push(selfOrganisation);
    const swarm = swarmFinding(this.dolHistory, thresholds.swarm_intelligence);
    if (swarm.finding) findings.push(swarm.finding);

    const membership = this.network?.membership;
    const changes = this.tracker.apply(tick, time, from * tickMs, findings, (agent) => membership?.get(agent));
    for (const change of changes) {
      if (change.event !== 'opened') continue;
      if (change.type === 'early_warning') this.warningsRecord.warned(change.scope, tick);
      if (change.type === 'phase_transition') this.warningsRecord.transitioned(change.scope);
    }
    this.warningsRecord.expire(tick);
    const fleetLoad = this.fleetLoad.slice(-horizonTicks);
    const loadIndicators = earlyWarningIndicators(fleetLoad, Math.floor(fleetLoad.length / 2));
    const snapshot: FleetSnapshot = {
      time,
      agents: active.length,
      parameters: {
        synchronization: round(synchronization),
        kuramoto_order: round(groups[0]?.order ?? 0),
        state_entropy: round(stateEntropy),
        load_variance: round(loadIndicators?.variance ?? 0),
        load_autocorrelation: round(loadIndicators?.autocorrelation ?? 0),
        variance_trend_tau: round(warnings.strongest?.varianceTau ?? 0),
        autocorrelation_trend_tau: round(warnings.strongest?.autocorrelationTau ?? 0),
        phase_transition: round(transitions.strongest),
        collective_learning: round(learning.magnitude),
        swarm_intelligence: round(swarm.dol),
        failing_agents: this.failing.size,
        improving_agents: this.improved.size,
        oscillating_agents: oscillating,
      },
      warnings: this.warningsRecord.record(),
    };
    this.history.push(snapshot);
    if (this.history.length > this.options.historyTicks) this.history.shift();
    this.series.close(tick);
    this.interactions.prune(tick);
    return { tick, time, findings, changes, snapshot };
  }

  /** Flags agents failing on their own (binomial test against their pool's baseline) and when they started. */
  private updateFailing(active: readonly AgentSlot[], tick: number, n: number): void {
    const baseline = new Map<string, number>();
    for (const [pool, ticks] of this.pools)
      baseline.set(pool, mean(ticks.slice(-this.options.horizonTicks).map((p) => observe(p, 'errorRate'))));
    // A whole pool failing together is its phase transition, not each agent's own failure: against the pool's
    // median agent now as well as its past, only agents failing beyond their pool's present are flagged.
    const now = new Map<string, number[]>();
    for (const slot of active) {
      const requests = this.series.sum(slot, 'requests', tick - RECENT_TICKS + 1, tick);
      if (requests <= 0) continue;
      const rates = now.get(slot.pool) ?? [];
      rates.push(this.series.sum(slot, 'errors', tick - RECENT_TICKS + 1, tick) / requests);
      now.set(slot.pool, rates);
    }
    const past = new Map(baseline);
    for (const [pool, rates] of now) baseline.set(pool, Math.max(baseline.get(pool) ?? 0, median(rates)));
    for (const slot of active) {
      const windows = [1, RECENT_TICKS].map((w) => ({
        errors: this.series.sum(slot, 'errors', tick - w + 1, tick),
        requests: this.series.sum(slot, 'requests', tick - w + 1, tick),
      }));
      // An agent already failing on its own stays judged against its pool's past: a cascade that grows past half
      // its pool makes the pool's median agent fail, and must not thereby turn its members into a pool-wide jump.
      const reference = this.failing.has(slot.id) ? past : baseline;
      const failing = isFailing(windows, reference.get(slot.pool) ?? 0.01, this.options.agentAlpha, n);
      if (failing) {
        if (!this.failing.has(slot.id)) {
          this.failing.set(slot.id, tick);
          this.removeFromPool(slot, tick - 1);
        }
        this.failingQuiet.delete(slot.id);
      } else if (this.failing.has(slot.id)) {
        const quiet = (this.failingQuiet.get(slot.id) ?? 0) + 1;
        if (quiet >= STABLE_TICKS_TO_RECOVER) {
          this.failing.delete(slot.id);
          this.failingQuiet.delete(slot.id);
        } else this.failingQuiet.set(slot.id, quiet);
      }
    }
    for (const id of this.failing.keys()) if (!this.series.agent(id)) this.failing.delete(id);
  }

  /**
   * Takes a newly failing agent out of its pool's previous tick: a failure usually starts within a tick before it
   * is significant, and that tick must not read as the pool's own change.
   */
  private removeFromPool(slot: AgentSlot, tick: number): void {
    const entry = this.pools.get(slot.pool)?.find((p) => p.tick === tick);
    if (!entry) return;
    entry.agents--;
    entry.requests -= this.series.value(slot, 'requests', tick);
    entry.errors -= this.series.value(slot, 'errors', tick);
    entry.logLatency -= this.series.value(slot, 'logLatency', tick);
    entry.latencyCount -= this.series.value(slot, 'latencyCount', tick);
  }

  /**
   * Flags agents whose quality rose against their own level (a one-sided CUSUM each, `QualityCusum`), dated at the
   * gain's start. The alarm level holds the fleet's false flags to about `agentAlpha` a tick: an average run length
   * of (agents / agentAlpha) reports each, at one report an agent and tick.
   */
  private updateImproved(active: readonly AgentSlot[], tick: number, n: number): void {
    for (const [id, at] of this.improved)
      if (at <= tick - this.options.horizonTicks || !this.series.agent(id)) this.improved.delete(id);
    const h = cusumThreshold(QUALITY_CUSUM.k, n / this.options.agentAlpha);
    for (const slot of active) {
      let cusum = this.qualityCusums.get(slot.id);
      if (!cusum) this.qualityCusums.set(slot.id, (cusum = new QualityCusum(QUALITY_CUSUM)));
      const alarm = cusum.update(
        tick,
        {
          sum: this.series.value(slot, 'quality', tick),
          squares: this.series.value(slot, 'qualitySquares', tick),
          count: this.series.value(slot, 'qualityCount', tick),
        },
        h,
      );
      if (alarm && !this.improved.has(slot.id)) this.improved.set(slot.id, alarm.since);
    }
    for (const id of this.qualityCusums.keys()) if (!this.series.agent(id)) this.qualityCusums.delete(id);
  }

  /** Shannon entropy of agents over coarse states (load octave, latency half-octave, erring or not). */
  private stateEntropy(active: readonly AgentSlot[], tick: number): number {
    const counts = new Map<string, number>();
    for (const slot of active) {
      const requests = this.series.value(slot, 'requests', tick);
      const latencyCount = this.series.value(slot, 'latencyCount', tick);
      const latency = latencyCount > 0 ? this.series.value(slot, 'logLatency', tick) / latencyCount : 0;
      const state = `${Math.round(Math.log2(1 + requests))}:${latencyCount > 0 ? Math.round((2 * latency) / Math.LN2) : 'x'}:${this.series.value(slot, 'errors', tick) > 0 ? 1 : 0}`;
      counts.set(state, (counts.get(state) ?? 0) + 1);
    }
    const h = shannonEntropy(counts.values());
    this.entropyHistory.push(h);
    if (this.entropyHistory.length > this.options.horizonTicks) this.entropyHistory.shift();
    return h;
  }

  /** Appends each pool's order parameters for `tick`, leaving out agents failing on their own. */
  private recordPools(active: readonly AgentSlot[], tick: number): void {
    const sums = new Map<
      string,
      {
        agents: number;
        requests: number;
        errors: number;
        logLatency: number;
        latencyCount: number;
        latencies: number[];
      }
    >();
    let fleetRequests = 0;
    for (const slot of active) {
      // Absent data is not a value: an agent (or a whole pool, when a load test ends) that did not report this
      // tick is left out of it, never counted as an agent doing nothing.
      if (this.failing.has(slot.id) || this.series.value(slot, 'reports', tick) === 0) continue;
      let s = sums.get(slot.pool);
      if (!s)
        sums.set(slot.pool, (s = { agents: 0, requests: 0, errors: 0, logLatency: 0, latencyCount: 0, latencies: [] }));
      s.agents++;
      s.requests += this.series.value(slot, 'requests', tick);
      s.errors += this.series.value(slot, 'errors', tick);
      const logLatency = this.series.value(slot, 'logLatency', tick);
      const latencyCount = this.series.value(slot, 'latencyCount', tick);
      s.logLatency += logLatency;
      s.latencyCount += latencyCount;
      if (latencyCount > 0) s.latencies.push(logLatency / latencyCount);
    }
    for (const [pool, { latencies, ...s }] of sums) {
      let ticks = this.pools.get(pool);
      if (!ticks) this.pools.set(pool, (ticks = []));
      ticks.push({ tick, ...s, medianLogLatency: latencies.length > 0 ? median(latencies) : 0 });
      if (ticks.length > this.options.historyTicks) ticks.shift();
      fleetRequests += s.requests;
    }
    this.fleetLoad.push(fleetRequests / Math.max(1, active.length));
    if (this.fleetLoad.length > this.options.historyTicks) this.fleetLoad.shift();
  }

  /** A pool's recent ticks (consecutive up to `tick`), newest last. */
  private poolSeries(pool: string, tick: number, length: number): PoolTick[] {
    const ticks = this.pools.get(pool) ?? [];
    const out: PoolTick[] = [];
    for (let i = ticks.length - 1; i >= 0 && out.length < length; i--) {
      if (ticks[i]!.tick !== tick - out.length) break;
      out.push(ticks[i]!);
    }
    return out.reverse();
  }

  private refreshNetwork(tick: number): void {
    this.networkTick = tick;
    this.network = measureNetwork(this.interactions.graph, {
      hubs: 10,
      betweennessPivots: 32,
      seed: this.options.seed,
    });
    const tasks = new Map<string, Map<string, number>>();
    for (const edge of this.interactions.all()) {
      let kinds = tasks.get(edge.from);
      if (!kinds) tasks.set(edge.from, (kinds = new Map()));
      kinds.set(edge.kind, (kinds.get(edge.kind) ?? 0) + edge.count);
    }
    this.dolHistory.push(divisionOfLabour(tasks));
    const keep = Math.max(2, Math.ceil(this.options.horizonTicks / this.options.graphEveryTicks));
    if (this.dolHistory.length > keep) this.dolHistory.shift();
  }

  /** Agents failing on their own, counted per pool. */
  private failingPerPool(tick: number): Map<string, number> {
    const failingIn = new Map<string, number>();
    for (const id of this.failingOnTheirOwn(tick).keys()) {
      const pool = this.series.agent(id)?.pool;
      if (pool !== undefined) failingIn.set(pool, (failingIn.get(pool) ?? 0) + 1);
    }
    return failingIn;
  }

  /** Failing agents less those failing with their pool's phase transition (from a tick before its step on): one phenomenon, one type. */
  private failingOnTheirOwn(tick: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const [id, at] of this.failing) {
      const pool = this.series.agent(id)?.pool;
      const transition = pool === undefined ? undefined : this.transitionAt.get(pool);
      if (transition !== undefined && tick - transition <= this.options.horizonTicks && at >= transition - 1) continue;
      out.set(id, at);
    }
    return out;
  }

  /** Whether half or more of `agents` sit in a pool that transitioned within the horizon or has an early warning open. */
  private heldByPoolChange(agents: readonly string[], tick: number): boolean {
    const counts = new Map<string, number>();
    for (const id of agents) {
      const pool = this.series.agent(id)?.pool;
      if (pool !== undefined) counts.set(pool, (counts.get(pool) ?? 0) + 1);
    }
    for (const [pool, count] of counts) {
      if (count * 2 < agents.length) continue;
      const transition = this.transitionAt.get(pool);
      if (
        (transition !== undefined && tick - transition <= this.options.horizonTicks) ||
        this.tracker.isOpen('early_warning', pool)
      )
        return true;
    }
    return false;
  }

  /** Records the pools whose agents a synchronised group holds a share of. */
  private noteRhythms(groups: readonly { agents: string[] }[], tick: number): void {
    for (const group of groups) {
      const counts = new Map<string, number>();
      for (const id of group.agents) {
        const pool = this.series.agent(id)?.pool;
        if (pool !== undefined) counts.set(pool, (counts.get(pool) ?? 0) + 1);
      }
      for (const [pool, count] of counts)
        if (count >= RHYTHM_POOL_SHARE * Math.max(1, this.poolSize(pool, tick))) this.rhythmAt.set(pool, tick);
    }
  }

  private poolSize(pool: string, tick: number): number {
    return this.pools.get(pool)?.find((p) => p.tick === tick)?.agents ?? this.poolAgents(pool, tick).length;
  }

  private poolAgents(pool: string, tick: number): string[] {
    const out: string[] = [];
    for (const slot of this.series.agents())
      if (slot.pool === pool && this.series.reported(slot, tick - 1, tick)) out.push(slot.id);
    return out.sort();
  }
}

/** Every tracked agent's id by pool. */
function agentsByPool(series: TickSeries): Map<string, string[]> {
  const pools = new Map<string, string[]>();
  for (const slot of series.agents()) {
    let agents = pools.get(slot.pool);
    if (!agents) pools.set(slot.pool, (agents = []));
    agents.push(slot.id);
  }
  return pools;
}
