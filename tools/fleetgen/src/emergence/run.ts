import { layoutFleet, type FleetLayout } from './fleet';
import { plan, scenarioTiming, type EmergenceScenario, type PhenomenonTruth, type Plan } from './phenomena';
import { Stream } from './random';

/** A report as an agent's SDK sends it (the shape Swarmscope's ingest accepts; declared here, not imported). */
export interface FleetReport {
  agentId: string;
  timestamp: number;
  model: string;
  pool: string;
  type: string;
  metrics: { requests: number; errors: number; response_time_seconds?: number };
  quality: Record<string, number>;
}

export interface FleetInteraction {
  from: string;
  to: string;
  kind: 'delegation' | 'message' | 'tool_handoff';
  outcome: 'success' | 'error';
  latencySeconds: number;
  timestamp: number;
}

export interface EmergenceFleetOptions {
  scenario: EmergenceScenario;
  seed: number;
  /** Agents in the fleet (400 by default). */
  agents?: number;
  /** Epoch ms of the start; any value (ticks are not aligned to it). */
  startMs?: number;
}

/** Shared pool processes step every this many ms (the build-up's AR(1) runs on its own clock, not a tick's). */
const POOL_STEP_MS = 5_000;
const DAY_MS = 86_400_000;

/**
 * A fleet made apart from the simulator, stepped in data time: `next(untilMs)` returns the reports and interactions
 * up to `untilMs`, in time order. Noise the detectors must not call a phenomenon: heavy-tailed latency (Student t
 * with 3 degrees of freedom), one-agent latency spikes of 3–10× for a few reports, pool-wide load bursts of 30–80 %
 * for 30–120 s, diurnal load, agents with rhythms of their own, reporting gaps and irregular report intervals.
 */
export class EmergenceFleetRun {
  readonly layout: FleetLayout;
  readonly truth: PhenomenonTruth[];
  readonly startMs: number;
  readonly durationMs: number;
  private readonly plan: Plan;
  private readonly noise: Stream;
  private readonly nextReport: number[];
  private readonly lastReport: number[];
  private readonly spikeLeft: number[];
  private readonly spikeFactor: number[];
  private readonly bursts: Map<string, Array<{ fromMs: number; toMs: number; factor: number }>>;
  private readonly diurnalPhase: Map<string, number>;
  private poolProcess = 0;
  private poolStep = 0;
  private nextEdge: number[];
  private nowMs = 0;

  constructor(options: EmergenceFleetOptions) {
    const root = new Stream(options.seed * 7919 + 17);
    this.startMs = options.startMs ?? Date.UTC(2026, 2, 9, 13, 7, 3, 250);
    this.layout = layoutFleet(options.agents ?? 400, root.fork('layout'));
    const timing = scenarioTiming(options.scenario, root.fork('timing'));
    this.durationMs = timing.durationMs;
    this.plan = plan(options.scenario, this.layout, root.fork(`plan:${options.scenario}`), timing, this.startMs);
    this.truth = this.plan.truth;
    this.noise = root.fork('noise');
    const agents = this.layout.agents;
    this.nextReport = agents.map((a) => a.joinsAtMs + a.firstReportMs);
    this.lastReport = agents.map((a) => a.joinsAtMs + a.firstReportMs - a.reportEveryMs);
    this.spikeLeft = agents.map(() => 0);
    this.spikeFactor = agents.map(() => 1);
    const bursts = root.fork('bursts');
    this.bursts = new Map(this.layout.pools.map((pool) => [pool, poolBursts(bursts, this.durationMs)]));
    const diurnal = root.fork('diurnal');
    this.diurnalPhase = new Map(this.layout.pools.map((pool) => [pool, diurnal.uniform(0, 2 * Math.PI)]));
    this.nextEdge = this.layout.edges.map(() => this.noise.uniform(0, 20_000));
  }

  get done(): boolean {
    return this.nowMs >= this.durationMs;
  }

  /** Everything the fleet sends up to epoch ms `untilMs` (not past the run's end), in time order. */
  next(untilMs: number): { reports: FleetReport[]; interactions: FleetInteraction[] } {
    const until = Math.min(this.durationMs, untilMs - this.startMs);
    const reports: FleetReport[] = [];
    const interactions: FleetInteraction[] = [];
    for (let t = this.nowMs; t < until; t += 1000) {
      const end = Math.min(until, t + 1000);
      this.stepPool(end);
      for (const agent of this.layout.agents) {
        while (this.nextReport[agent.index]! < end) {
          const at = this.nextReport[agent.index]!;
          this.nextReport[agent.index] = at + Math.round(agent.reportEveryMs * this.noise.uniform(0.9, 1.1));
          // 2 % of reports never arrive; a silent pool sends nothing.
          if (this.noise.next() < 0.02 || at >= (this.plan.silentFrom.get(agent.pool) ?? Infinity)) continue;
          reports.push(this.report(agent.index, at));
        }
      }
      for (const [e, [a, b]] of this.layout.edges.entries()) {
        while (this.nextEdge[e]! < end) {
          const at = this.nextEdge[e]!;
          this.nextEdge[e] = at + this.noise.uniform(5_000, 35_000);
          const from = this.layout.agents[a]!;
          const to = this.layout.agents[b]!;
          if (at < Math.max(from.joinsAtMs, to.joinsAtMs) || at >= (this.plan.silentFrom.get(from.pool) ?? Infinity))
            continue;
          const failing = this.failing(b, at);
          interactions.push({
            from: from.id,
            to: to.id,
            kind: e % 3 === 0 ? 'message' : 'delegation',
            outcome: this.noise.next() < (failing ? 0.5 : 0.01) ? 'error' : 'success',
            latencySeconds: to.latency * (failing ? 3 : 1),
            timestamp: this.startMs + Math.round(at),
          });
        }
      }
    }
    this.nowMs = Math.max(this.nowMs, until);
    reports.sort((x, y) => x.timestamp - y.timestamp);
    interactions.sort((x, y) => x.timestamp - y.timestamp);
    return { reports, interactions };
  }

  private report(i: number, at: number): FleetReport {
    const agent = this.layout.agents[i]!;
    const r = this.noise;
    const seconds = (at - this.lastReport[i]!) / 1000;
    this.lastReport[i] = at;
    let logLatency = Math.log(agent.latency) + 0.22 * r.studentT(3);
    let load = 1 + 0.3 * Math.sin((2 * Math.PI * (this.startMs + at)) / DAY_MS + this.diurnalPhase.get(agent.pool)!);
    for (const burst of this.bursts.get(agent.pool)!) if (at >= burst.fromMs && at < burst.toMs) load *= burst.factor;
    let errorRate = agent.errorRate;
    let accuracy = agent.accuracy;
    // A natural spike: one agent slow for a few reports (a cold cache, a long prompt), no fault.
    if (this.spikeLeft[i]! === 0 && r.next() < 0.004) {
      this.spikeLeft[i] = 1 + r.int(3);
      this.spikeFactor[i] = r.uniform(3, 10);
    }
    if (this.spikeLeft[i]! > 0) {
      this.spikeLeft[i]!--;
      logLatency += Math.log(this.spikeFactor[i]!);
    }
    const rhythm = agent.freeRhythm;
    if (rhythm) {
      const wave = rhythm.amplitude * Math.sin((2 * Math.PI * at) / (1000 * rhythm.periodSeconds) + rhythm.phase);
      if (rhythm.on === 'latency') logLatency += wave;
      else load *= 1 + wave;
    }
    const { sync, cascade, transition, learning } = this.plan;
    const phase = sync?.members.get(i);
    if (sync && phase !== undefined && at >= sync.fromMs && at < sync.toMs) {
      const wave = sync.amplitude * Math.sin((2 * Math.PI * (at - sync.fromMs)) / (1000 * sync.periodSeconds) + phase);
      if (sync.on === 'latency') logLatency += wave;
      else load *= 1 + wave;
    }
    if (cascade && this.failing(i, at)) {
      errorRate = cascade.errorRate;
      logLatency += Math.log(cascade.latencyFactor);
    }
    if (transition && agent.pool === transition.pool && at >= transition.buildUpFromMs) {
      logLatency += this.poolProcess;
      const progress = Math.min(1, (at - transition.buildUpFromMs) / (transition.jumpMs - transition.buildUpFromMs));
      load *= 1 + 0.3 * progress;
      if (at >= transition.jumpMs) {
        logLatency += Math.log(transition.latencyFactor);
        errorRate += transition.extraErrors;
      }
    }
    const learnedAt = learning?.learnedAt.get(i);
    if (learning && learnedAt !== undefined && at >= learnedAt)
      accuracy += learning.gain * Math.min(1, (at - learnedAt) / learning.rampMs);
    const requests = r.poisson(agent.rate * load * seconds);
    const quality: Record<string, number> = {};
    if (r.next() < 0.8) quality.accuracy = Math.min(1, Math.max(0, accuracy + agent.accuracyNoise * r.normal()));
    return {
      agentId: agent.id,
      timestamp: this.startMs + at,
      model: agent.index % 3 === 0 ? 'gpt-4o-mini' : 'claude-3-5-haiku',
      pool: agent.pool,
      type: 'worker',
      metrics: {
        requests,
        errors: r.binomial(requests, Math.min(1, errorRate)),
        ...(requests > 0 ? { response_time_seconds: Math.exp(logLatency) } : {}),
      },
      quality,
    };
  }

  private failing(i: number, at: number): boolean {
    const from = this.plan.cascade?.failFrom.get(i);
    return from !== undefined && at >= from && at < from + this.plan.cascade!.lastsMs;
  }

  /**
   * The transition pool's shared log-latency process: AR(1) stepped every 5 s whose coefficient rises from 0.5 to
   * 0.97 and noise from 0.02 to 0.06 over the build-up (critical slowing down: its variance and memory grow), then
   * back to 0.5 after the jump.
   */
  private stepPool(untilMs: number): void {
    const transition = this.plan.transition;
    if (!transition) return;
    for (; this.poolStep * POOL_STEP_MS < untilMs; this.poolStep++) {
      const at = this.poolStep * POOL_STEP_MS;
      const progress =
        at < transition.buildUpFromMs
          ? 0
          : at >= transition.jumpMs
            ? -1
            : (at - transition.buildUpFromMs) / (transition.jumpMs - transition.buildUpFromMs);
      const phi = progress < 0 ? 0.5 : 0.5 + 0.47 * progress;
      const sigma = progress < 0 ? 0.03 : 0.02 + 0.04 * progress;
      this.poolProcess = phi * this.poolProcess + sigma * this.noise.normal();
    }
  }
}

/** Natural load bursts of a pool: about one an hour, 30–80 % more load for 30–120 s. */
function poolBursts(random: Stream, durationMs: number): Array<{ fromMs: number; toMs: number; factor: number }> {
  const out: Array<{ fromMs: number; toMs: number; factor: number }> = [];
  for (
    let at = -Math.log(1 - random.next()) * 3_600_000;
    at < durationMs;
    at += -Math.log(1 - random.next()) * 3_600_000
  ) {
    out.push({ fromMs: at, toMs: at + random.uniform(30_000, 120_000), factor: random.uniform(1.3, 1.8) });
  }
  return out;
}
