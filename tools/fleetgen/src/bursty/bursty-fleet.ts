// A third fleet shape, written apart from both the simulator and fleetgen's `agents/` fleet, to judge per-agent
// detectors out of sample: other pools and sizes, reporting that is bursty (cron batches) or request-only (no
// heartbeat), latency with a Student-t body in log space (ν = 3–4) and a very heavy Pareto tail, noise correlated over
// about a minute, a 24 h and a 50-minute load cycle, and natural events that are NOT faults — latency excursions of
// exponentially distributed length (mean 50 s, so one in eleven outlasts two minutes), retry storms and single huge
// prompts. Seeded and pure: `burstyBlock(plan, b)` depends on (plan, b) only.
import { Rng } from '../agents/random';

export const BURSTY_FAULT_TYPES = [
  'latency',
  'token_explosion',
  'request_flood',
  'exfiltration',
  'error_burst',
  'silent',
] as const;
export type BurstyFaultType = (typeof BURSTY_FAULT_TYPES)[number];

export interface BurstyFault {
  id: string;
  type: BurstyFaultType;
  agentId: string;
  pool: string;
  start: number;
  end: number;
  params: Record<string, number>;
}

/** A natural event (not a fault): a latency excursion, a retry storm or one huge prompt. */
export interface BurstyEvent {
  kind: 'latency' | 'retries' | 'document';
  start: number;
  end: number;
  level: number;
}

interface PoolShape {
  name: string;
  /** Steady rate range, requests/s (batch pools: the rate inside a burst). */
  rate: readonly [number, number];
  /** Seconds between heartbeats (resource reports), or 0 for request-only agents. */
  heartbeatSeconds: number;
  /** Cron batches: period range (minutes) and requests per batch; absent for continuous pools. */
  batch?: { periodMinutes: readonly [number, number]; requests: readonly [number, number] };
  latencyMedian: number;
  /** Log-space scale and Student-t degrees of freedom of the latency body; Pareto tail share and index. */
  latencySigma: number;
  latencyNu: number;
  tailShare: number;
  tailAlpha: number;
  inputMedian: number;
  outputMedian: number;
  outputSigma: number;
  errorRate: number;
}

const POOLS: readonly PoolShape[] = [
  {
    name: 'voice-concierge',
    rate: [0.3, 1.5],
    heartbeatSeconds: 30,
    latencyMedian: 0.6,
    latencySigma: 0.35,
    latencyNu: 3,
    tailShare: 0.02,
    tailAlpha: 1.6,
    inputMedian: 350,
    outputMedian: 90,
    outputSigma: 0.45,
    errorRate: 0.01,
  },
  {
    name: 'batch-enricher',
    rate: [0.5, 2],
    heartbeatSeconds: 0,
    batch: { periodMinutes: [5, 12], requests: [15, 40] },
    latencyMedian: 3,
    latencySigma: 0.5,
    latencyNu: 4,
    tailShare: 0.02,
    tailAlpha: 1.8,
    inputMedian: 4000,
    outputMedian: 600,
    outputSigma: 0.4,
    errorRate: 0.015,
  },
  {
    name: 'legal-drafter',
    rate: [0.01, 0.05],
    heartbeatSeconds: 0,
    latencyMedian: 20,
    latencySigma: 0.6,
    latencyNu: 4,
    tailShare: 0.03,
    tailAlpha: 1.5,
    inputMedian: 9000,
    outputMedian: 2500,
    outputSigma: 0.8,
    errorRate: 0.02,
  },
  {
    name: 'sre-copilot',
    rate: [0.05, 0.3],
    heartbeatSeconds: 60,
    latencyMedian: 1.5,
    latencySigma: 0.45,
    latencyNu: 3,
    tailShare: 0.04,
    tailAlpha: 1.3,
    inputMedian: 1800,
    outputMedian: 300,
    outputSigma: 0.6,
    errorRate: 0.008,
  },
];

export interface BurstyAgent {
  index: number;
  id: string;
  pool: PoolShape;
  rate: number;
  latencyFactor: number;
  /** Phases of the 24 h and 50-minute load cycles, and of the cron batches. */
  dayPhase: number;
  cyclePhase: number;
  batchPeriodMs: number;
  batchPhaseMs: number;
  batchRequests: number;
  /** Slow latency drift, share per hour. */
  driftPerHour: number;
  events: BurstyEvent[];
  fault?: BurstyFault;
}

export interface BurstyPlan {
  seed: number;
  startEpochMs: number;
  endEpochMs: number;
  agents: BurstyAgent[];
  faults: BurstyFault[];
}

export interface BurstyOptions {
  seed: number;
  /** About this many agents (default 240), in the four pools. */
  agents?: number;
  hours?: number;
  faults?: boolean;
  /** Default 2026-05-04 06:00 UTC. */
  startEpochMs?: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
export const BURSTY_BLOCK_MS = 60_000;

export function planBurstyFleet(options: BurstyOptions): BurstyPlan {
  const seed = options.seed >>> 0;
  const total = Math.max(8, Math.round(options.agents ?? 240));
  const startEpochMs = options.startEpochMs ?? Date.UTC(2026, 4, 4, 6);
  const endEpochMs = startEpochMs + Math.round((options.hours ?? 2) * HOUR);
  const r = new Rng(seed, 0x3b0);
  const weights = POOLS.map(() => r.uniform(0.5, 1.5));
  const sum = weights.reduce((a, b) => a + b, 0);
  const agents: BurstyAgent[] = [];
  POOLS.forEach((pool, p) => {
    const n = Math.max(3, Math.round((total * weights[p]!) / sum));
    for (let i = 0; i < n; i++) {
      const a = new Rng(seed, 0x3b1, agents.length);
      const batchPeriodMs = Math.round(
        a.uniform(pool.batch?.periodMinutes[0] ?? 1, pool.batch?.periodMinutes[1] ?? 1) * MINUTE,
      );
      const agent: BurstyAgent = {
        index: agents.length,
        id: `${pool.name}-${String(i).padStart(3, '0')}`,
        pool,
        rate: a.uniform(pool.rate[0], pool.rate[1]),
        latencyFactor: a.logNormal(1, 0.2),
        dayPhase: a.uniform(0, 2 * Math.PI),
        cyclePhase: a.uniform(0, 2 * Math.PI),
        batchPeriodMs,
        batchPhaseMs: Math.round(a.uniform(0, batchPeriodMs)),
        batchRequests: a.intBetween(pool.batch?.requests[0] ?? 0, pool.batch?.requests[1] ?? 0),
        driftPerHour: a.bernoulli(0.2) ? a.uniform(0.03, 0.08) : 0,
        events: naturalEvents(new Rng(seed, 0x3b2, agents.length), startEpochMs, endEpochMs),
      };
      agents.push(agent);
    }
  });
  const faults = options.faults === false ? [] : plantFaults(new Rng(seed, 0x3b3), agents, startEpochMs, endEpochMs);
  return { seed, startEpochMs, endEpochMs, agents, faults };
}

/** Per agent-hour: 0.4 latency excursions (×2–5, length exponential, mean 50 s, ≤ 6 min), 0.2 retry storms, 0.5 huge prompts. */
function naturalEvents(r: Rng, from: number, to: number): BurstyEvent[] {
  const out: BurstyEvent[] = [];
  const hours = (to - from) / HOUR;
  for (let i = r.poisson(0.4 * hours); i > 0; i--) {
    const start = r.uniform(from, to);
    out.push({ kind: 'latency', start, end: start + Math.min(360_000, r.exponential(50_000)), level: r.uniform(2, 5) });
  }
  for (let i = r.poisson(0.2 * hours); i > 0; i--) {
    const start = r.uniform(from, to);
    out.push({ kind: 'retries', start, end: start + r.uniform(20_000, 90_000), level: r.uniform(3, 5) });
  }
  for (let i = r.poisson(0.5 * hours); i > 0; i--) {
    const start = r.uniform(from, to);
    out.push({ kind: 'document', start, end: start + 1, level: r.uniform(5, 20) });
  }
  return out.sort((a, b) => a.start - b.start);
}

function plantFaults(r: Rng, agents: BurstyAgent[], from: number, to: number): BurstyFault[] {
  const count = Math.max(BURSTY_FAULT_TYPES.length, Math.round(0.08 * agents.length));
  const order = r.shuffled(agents);
  const faults: BurstyFault[] = [];
  for (let k = 0; k < count && k < order.length; k++) {
    const agent = order[k]!;
    const type = BURSTY_FAULT_TYPES[k % BURSTY_FAULT_TYPES.length]!;
    // Long enough for ≥ 25 requests at the agent's mean rate (batch agents: their batches' mean rate).
    const meanRate = agent.pool.batch ? agent.batchRequests / (agent.batchPeriodMs / 1000) : agent.rate * 0.6;
    // A crash lasts 15–35 min (shorter, it can fall between two cron batches and show nowhere).
    const [lo, hi] = type === 'latency' ? [8, 20] : type === 'silent' ? [15, 35] : [5, 12];
    const length = Math.max(r.uniform(lo, hi) * MINUTE, (25 / meanRate) * 1000);
    const earliest = from + 0.35 * (to - from);
    const latest = to - 5 * MINUTE - length;
    if (latest <= earliest) continue;
    const start = Math.round(r.uniform(earliest, latest));
    const params: Record<string, number> =
      type === 'latency'
        ? { latencyFactor: r.uniform(2, 4) }
        : type === 'token_explosion'
          ? { inputFactor: r.uniform(2.5, 4), outputFactor: r.uniform(4, 7) }
          : type === 'request_flood'
            ? { rateFactor: r.uniform(5, 10) }
            : type === 'exfiltration'
              ? { outputFactor: r.uniform(8, 14) }
              : type === 'error_burst'
                ? { errorRate: r.uniform(0.2, 0.45) }
                : {};
    const fault: BurstyFault = {
      id: '',
      type,
      agentId: agent.id,
      pool: agent.pool.name,
      start,
      end: Math.round(start + length),
      params,
    };
    agent.fault = fault;
    faults.push(fault);
  }
  faults.sort((a, b) => a.start - b.start);
  faults.forEach((f, i) => (f.id = `bursty-${String(i + 1).padStart(3, '0')}`));
  return faults;
}

export interface BurstyReport {
  agentId: string;
  timestamp: number;
  model: string;
  pool: string;
  type: string;
  metrics: Record<string, number>;
  quality?: Record<string, number>;
}

export function burstyBlockCount(plan: BurstyPlan): number {
  return Math.ceil((plan.endEpochMs - plan.startEpochMs) / BURSTY_BLOCK_MS);
}

/** Load multiplier at t: a 24 h cycle (0.35–1) times a 50-minute campaign cycle (±40 %). */
function load(agent: BurstyAgent, t: number): number {
  const day = 0.675 + 0.325 * Math.sin((2 * Math.PI * t) / (24 * HOUR) + agent.dayPhase);
  return day * (1 + 0.4 * Math.sin((2 * Math.PI * t) / (50 * MINUTE) + agent.cyclePhase));
}

/** Log-latency noise correlated over about a minute: per-minute normal knots (σ 0.25) interpolated linearly. */
function slowNoise(plan: BurstyPlan, agent: BurstyAgent, t: number): number {
  const m = Math.floor((t - plan.startEpochMs) / MINUTE);
  const f = (t - plan.startEpochMs) / MINUTE - m;
  const knot = (k: number) => 0.25 * new Rng(plan.seed, 0x3b4, agent.index, k).normal();
  return (1 - f) * knot(m) + f * knot(m + 1);
}

function active(agent: BurstyAgent, t: number, type: BurstyFaultType): BurstyFault | undefined {
  const f = agent.fault;
  return f && f.type === type && t >= f.start && t < f.end ? f : undefined;
}

/** Everything the fleet sends in block b (data time [start + b·60 s, + 60 s)), in timestamp order. */
export function burstyBlock(plan: BurstyPlan, block: number): { reports: BurstyReport[] } {
  const from = plan.startEpochMs + block * BURSTY_BLOCK_MS;
  const to = Math.min(plan.endEpochMs, from + BURSTY_BLOCK_MS);
  const reports: BurstyReport[] = [];
  for (const agent of plan.agents) {
    const r = new Rng(plan.seed, 0x3b5, agent.index, block);
    const p = agent.pool;
    const base = { agentId: agent.id, model: `${p.name}-model`, pool: p.name, type: p.name };
    const crashed = (t: number) => active(agent, t, 'silent') !== undefined;
    if (p.heartbeatSeconds > 0) {
      const every = p.heartbeatSeconds * 1000;
      for (let t = Math.ceil((from - agent.index * 997) / every) * every + agent.index * 997; t < to; t += every) {
        if (t >= from && !crashed(t))
          reports.push({
            ...base,
            timestamp: t,
            metrics: { requests: 0, cpu_percent: Math.round(20 + 30 * load(agent, t) + 4 * r.normal()) },
          });
      }
    }
    const arrivals: number[] = [];
    if (p.batch) {
      // Cron batches: `batchRequests` requests at the pool's in-burst rate from each period's start.
      const flood = active(agent, from, 'request_flood');
      for (let k = Math.floor((from - plan.startEpochMs - agent.batchPhaseMs) / agent.batchPeriodMs) - 1; ; k++) {
        const s = plan.startEpochMs + agent.batchPhaseMs + k * agent.batchPeriodMs;
        if (s >= to) break;
        let t = s;
        const n = Math.round(agent.batchRequests * (flood ? flood.params.rateFactor! : 1));
        const rb = new Rng(plan.seed, 0x3b6, agent.index, k);
        for (let i = 0; i < n; i++) {
          t += rb.exponential(1000 / agent.rate);
          if (t >= from && t < to) arrivals.push(t);
        }
      }
    } else {
      // Thinning (Lewis & Shedler 1979) under the block's highest rate: the cycles' peak, a storm's and a flood's factor.
      let peak = 1.4;
      for (const e of agent.events) if (e.kind === 'retries' && e.start < to && e.end > from) peak *= e.level;
      const flood =
        agent.fault?.type === 'request_flood' && agent.fault.start < to && agent.fault.end > from
          ? agent.fault.params.rateFactor!
          : 1;
      const bound = agent.rate * peak * flood;
      for (let t = from + r.exponential(1000 / bound); t < to; t += r.exponential(1000 / bound)) {
        let rate = agent.rate * load(agent, t);
        for (const e of agent.events) if (e.kind === 'retries' && t >= e.start && t < e.end) rate *= e.level;
        const flood = active(agent, t, 'request_flood');
        if (flood) rate *= flood.params.rateFactor!;
        if (r.next() * bound < rate) arrivals.push(t);
      }
    }
    for (const at of arrivals) {
      const t = Math.floor(at);
      if (crashed(t)) continue;
      const hours = (t - plan.startEpochMs) / HOUR;
      let latencyFactor = agent.latencyFactor * (1 + agent.driftPerHour * hours);
      let inputFactor = 1;
      for (const e of agent.events) {
        if (e.kind === 'latency' && t >= e.start && t < e.end) latencyFactor *= e.level;
        if (e.kind === 'document' && t >= e.start && t < e.start + 2 * MINUTE && r.bernoulli(0.3))
          inputFactor *= e.level;
      }
      const lat = active(agent, t, 'latency');
      if (lat) latencyFactor *= lat.params.latencyFactor!;
      const tok = active(agent, t, 'token_explosion');
      const exf = active(agent, t, 'exfiltration');
      if (tok) inputFactor *= tok.params.inputFactor!;
      const outputFactor = (tok ? tok.params.outputFactor! : 1) * (exf ? exf.params.outputFactor! : 1);
      const errBurst = active(agent, t, 'error_burst');
      const failed = r.next() < Math.max(p.errorRate, errBurst ? errBurst.params.errorRate! : 0);
      // Student-t body in log space (ν degrees of freedom), a Pareto tail from 3× the median.
      const body = p.latencyMedian * Math.exp(p.latencySigma * studentT(r, p.latencyNu) + slowNoise(plan, agent, t));
      const latency = (r.next() < p.tailShare ? r.pareto(3 * p.latencyMedian, p.tailAlpha) : body) * latencyFactor;
      const output = failed ? 0 : Math.max(1, Math.round(r.logNormal(p.outputMedian * outputFactor, p.outputSigma)));
      reports.push({
        ...base,
        timestamp: t,
        metrics: {
          requests: 1,
          errors: failed ? 1 : 0,
          response_time_seconds: Math.round(Math.min(300, latency) * 1000) / 1000,
          input_tokens: Math.max(1, Math.round(r.logNormal(p.inputMedian * inputFactor, 0.5))),
          output_tokens: output,
        },
        quality: failed
          ? undefined
          : {
              accuracy: Math.min(1, Math.max(0, 0.82 + 0.05 * r.normal())),
              coherence: Math.min(1, Math.max(0, 0.85 + 0.04 * r.normal())),
            },
      });
    }
  }
  reports.sort((a, b) => a.timestamp - b.timestamp);
  return { reports };
}

/** A Student-t draw with ν degrees of freedom: a normal over the root of a scaled χ²_ν (sum of ν squared normals). */
function studentT(r: Rng, nu: number): number {
  let chi = 0;
  for (let i = 0; i < nu; i++) chi += r.normal() ** 2;
  return r.normal() / Math.sqrt(chi / nu);
}
