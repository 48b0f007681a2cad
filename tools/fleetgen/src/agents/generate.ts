import { clamp, round, type AgentPlan, type FleetPlan } from './plan';
import { Rng } from './random';

/** One report as `POST /v1/ingest` takes it (`{"reports":[…]}`). */
export interface IngestReport {
  agentId: string;
  timestamp: number;
  model: string;
  pool: string;
  type: string;
  metrics: Record<string, number>;
  quality?: Record<string, number>;
}

/** One agent-to-agent edge as `POST /v1/interactions` takes it (`{"interactions":[…]}`). */
export interface IngestInteraction {
  from: string;
  to: string;
  kind: 'delegation' | 'message' | 'tool_handoff';
  outcome: 'success' | 'error';
  latencySeconds: number;
  timestamp: number;
}

/** What the fleet sent in one block of data time [from, to), each list in timestamp order. */
export interface FleetBlock {
  from: number;
  to: number;
  reports: IngestReport[];
  interactions: IngestInteraction[];
}

/** Generation runs in blocks of this much data time; each (agent, block) has its own random stream. */
export const BLOCK_MS = 60_000;
const HOUR = 3_600_000;
/** Requests give up after this long (a client timeout): the heavy tail is cut here. */
const TIMEOUT_SECONDS = 120;

/** Blocks in the run. */
export function blockCount(plan: FleetPlan): number {
  return Math.ceil((plan.endEpochMs - plan.startEpochMs) / BLOCK_MS);
}

/** The state an agent is in at one instant: its fault's and spikes' effects multiplied in. */
interface Effects {
  latencyFactor: number;
  errorFloor: number;
  qualityShift: number;
  inputFactor: number;
  outputFactor: number;
  rateFactor: number;
  drifted: boolean;
  leakBytes: number;
}

const fx: Effects = {
  latencyFactor: 1,
  errorFloor: 0,
  qualityShift: 0,
  inputFactor: 1,
  outputFactor: 1,
  rateFactor: 1,
  drifted: false,
  leakBytes: 0,
};

/** The effects on `agent` at epoch ms `t` (into the shared `fx`). */
function effectsAt(agent: AgentPlan, t: number): Effects {
  fx.latencyFactor = 1 + agent.latencyDriftPerHour * Math.max(0, (t - agent.joinedAt) / HOUR);
  fx.errorFloor = 0;
  fx.qualityShift = 0;
  fx.inputFactor = 1;
  fx.outputFactor = 1;
  fx.rateFactor = 1;
  fx.drifted = false;
  fx.leakBytes = 0;
  for (const s of agent.spikes) {
    if (s.start > t) break;
    if (t >= s.end) continue;
    if (s.kind === 'latency') fx.latencyFactor *= s.level;
    else if (s.kind === 'errors') fx.errorFloor = Math.max(fx.errorFloor, s.level);
    else fx.inputFactor *= s.level;
  }
  const f = agent.fault;
  if (f && t >= f.start && t < f.end) {
    const p = f.params;
    switch (f.type) {
      case 'latency':
        fx.latencyFactor *= p.latencyFactor!;
        break;
      case 'error_burst':
        fx.errorFloor = Math.max(fx.errorFloor, p.errorRate!);
        break;
      case 'quality_slide':
        fx.qualityShift -= p.qualityDrop! * Math.min(1, (t - f.start) / (0.6 * (f.end - f.start)));
        break;
      case 'token_explosion':
        fx.inputFactor *= p.inputFactor!;
        fx.outputFactor *= p.outputFactor!;
        break;
      case 'model_drift':
        fx.drifted = true;
        break;
      case 'memory_leak':
        fx.leakBytes = (p.bytesPerSecond! * (t - f.start)) / 1000;
        break;
      case 'request_flood':
        fx.rateFactor *= p.rateFactor!;
        fx.errorFloor = Math.max(fx.errorFloor, p.errorRate!);
        break;
      case 'exfiltration':
        fx.outputFactor *= p.outputFactor!;
        break;
      case 'scan':
        break;
    }
  }
  return fx;
}

/**
 * Daily load of a pool at epoch ms `t`: business hours in its time zone, a morning and an afternoon hump over a
 * night floor (about 0.25 at night, 1 at the late-morning peak). Flat 1 for pools without a daily cycle.
 */
export function dailyLoad(agent: AgentPlan, t: number): number {
  if (!agent.pool.archetype.diurnal) return 1;
  const h = (((t / HOUR + agent.pool.utcOffsetHours) % 24) + 24) % 24;
  const hump = Math.exp(-(((h - 10.5) / 2.2) ** 2)) + 0.85 * Math.exp(-(((h - 15.5) / 2.4) ** 2));
  return 0.25 + 0.75 * Math.min(1, hump);
}

/**
 * Everything the fleet sends in block `block` (data time [start + block·BLOCK_MS, + BLOCK_MS)): request reports
 * (arrivals by thinning a Poisson process, Lewis & Shedler 1979), resource reports every resource interval, hand-offs
 * to neighbours and scan contacts. A pure function of (plan, block).
 */
export function generateBlock(plan: FleetPlan, block: number): FleetBlock {
  const from = plan.startEpochMs + block * BLOCK_MS;
  const to = Math.min(plan.endEpochMs, from + BLOCK_MS);
  const reports: IngestReport[] = [];
  const interactions: IngestInteraction[] = [];
  for (const agent of plan.agents) {
    const a0 = Math.max(from, agent.joinedAt);
    const a1 = Math.min(to, agent.stoppedAt);
    if (a1 <= a0) continue;
    const r = new Rng(plan.seed, 0xb10c, agent.index, block);
    resourceReports(plan, agent, r, a0, a1, reports);
    requests(plan, agent, r, a0, a1, reports, interactions);
    for (const c of agent.scan ?? []) {
      if (c.at >= a0 && c.at < a1)
        interactions.push({
          from: agent.id,
          to: c.to,
          kind: 'message',
          outcome: c.failed ? 'error' : 'success',
          latencySeconds: round(r.uniform(0.005, 0.05), 4),
          timestamp: c.at,
        });
    }
  }
  reports.sort((x, y) => x.timestamp - y.timestamp);
  interactions.sort((x, y) => x.timestamp - y.timestamp);
  return { from, to, reports, interactions };
}

function resourceReports(plan: FleetPlan, agent: AgentPlan, r: Rng, a0: number, a1: number, out: IngestReport[]): void {
  const every = plan.resourceIntervalMs;
  const base = agent.joinedAt + agent.resourcePhaseMs;
  for (let k = Math.ceil((a0 - base) / every); base + k * every < a1; k++) {
    // ±10 % jitter around the nominal instant, kept inside the block.
    const t = Math.min(a1 - 1, Math.max(a0, Math.round(base + k * every + r.uniform(-0.1, 0.1) * every)));
    const e = effectsAt(agent, t);
    const hours = (t - agent.joinedAt) / HOUR;
    const saw =
      ((((t - agent.joinedAt + agent.gcPhaseMs) % agent.gcPeriodMs) + agent.gcPeriodMs) % agent.gcPeriodMs) /
      agent.gcPeriodMs;
    const memory =
      agent.memoryBytes *
        (1 + agent.memoryDriftPerHour * hours) *
        (1 + agent.gcAmplitude * saw) *
        (1 + 0.005 * r.normal()) +
      e.leakBytes;
    const load = dailyLoad(agent, t) * e.rateFactor;
    out.push({
      agentId: agent.id,
      timestamp: t,
      model: agent.model.name,
      pool: agent.pool.name,
      type: agent.pool.archetype.agentType,
      metrics: {
        requests: 0,
        cpu_percent: round(clamp(agent.cpuBasePercent * (0.6 + 0.4 * load) + 3 * r.normal(), 0.5, 100), 1),
        memory_bytes: Math.round(memory),
        memory_percent: round(clamp((100 * memory) / agent.pool.archetype.memoryLimitBytes, 0, 100), 2),
      },
    });
  }
}

function requests(
  plan: FleetPlan,
  agent: AgentPlan,
  r: Rng,
  a0: number,
  a1: number,
  reports: IngestReport[],
  interactions: IngestInteraction[],
): void {
  const a = agent.pool.archetype;
  const m = agent.model;
  // Thinning: candidates at the block's highest rate, each kept with probability rate(t) / that bound.
  const flood =
    agent.fault?.type === 'request_flood' && agent.fault.start < a1 && agent.fault.end > a0
      ? agent.fault.params.rateFactor!
      : 1;
  const bound = agent.rate * Math.max(dailyLoad(agent, a0), dailyLoad(agent, a1)) * 1.01 * flood;
  for (let t = a0 + r.exponential(1000 / bound); t < a1; t += r.exponential(1000 / bound)) {
    const at = Math.floor(t);
    const e = effectsAt(agent, at);
    if (r.next() * bound > agent.rate * dailyLoad(agent, at) * e.rateFactor) continue;
    const failed = r.next() < Math.max(agent.errorRate, e.errorFloor);
    const input = Math.max(1, Math.round(r.logNormal(m.inputTokensMedian * a.inputFactor * e.inputFactor, 0.6)));
    let output = 0;
    if (!failed) {
      const median = m.outputTokensMedian * a.outputFactor * e.outputFactor;
      if (!e.drifted) output = r.logNormal(median, m.outputTokensSigma);
      else {
        const p = agent.fault!.params;
        output =
          r.next() < p.shortShare!
            ? r.logNormal(median * p.shortFactor!, 0.35)
            : r.logNormal(median * p.longFactor!, 0.3);
      }
      output = Math.max(1, Math.round(output));
    }
    // Time to first token: a log-normal body with a Pareto tail (queueing upstream); then decoding.
    const ttftMedian = m.ttftMedianSeconds * agent.ttftFactor;
    const ttft = r.next() < m.tailShare ? r.pareto(2 * ttftMedian, m.tailAlpha) : r.logNormal(ttftMedian, m.ttftSigma);
    const latency = Math.min(TIMEOUT_SECONDS, (ttft + output * m.secondsPerOutputToken) * e.latencyFactor);
    const report: IngestReport = {
      agentId: agent.id,
      timestamp: at,
      model: m.name,
      pool: agent.pool.name,
      type: a.agentType,
      metrics: {
        requests: 1,
        errors: failed ? 1 : 0,
        response_time_seconds: round(latency, 3),
        input_tokens: input,
        output_tokens: output,
        tool_calls: r.poisson(a.toolCallsMean),
        cost_usd: round((input * m.inputPrice + output * m.outputPrice) / 1e6, 7),
      },
    };
    if (!failed) {
      const q = agent.quality + e.qualityShift;
      report.quality = {
        accuracy: score(q + 0.05 * r.normal()),
        coherence: score(q + 0.03 + (e.drifted ? agent.fault!.params.coherenceShift! : 0) + 0.04 * r.normal()),
      };
    }
    reports.push(report);
    if (agent.neighbours.length > 0 && r.next() < a.handoffProbability) {
      const target = plan.agents[r.pick(agent.neighbours)]!;
      if (target.joinedAt <= at && target.stoppedAt > at) {
        // Reuses the shared effects: this request's own effects are no longer needed.
        const te = effectsAt(target, at);
        const error = r.next() < Math.max(target.errorRate, te.errorFloor);
        const wait =
          r.logNormal(target.model.ttftMedianSeconds * target.ttftFactor, target.model.ttftSigma) * te.latencyFactor;
        interactions.push({
          from: agent.id,
          to: target.id,
          kind: a.handoffKind,
          outcome: error ? 'error' : 'success',
          latencySeconds: round(wait, 3),
          timestamp: at,
        });
      }
    }
  }
}

function score(x: number): number {
  return round(clamp(x, 0, 1), 3);
}
