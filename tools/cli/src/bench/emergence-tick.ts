// The cost of one emergence analysis tick at the size the issue names (10,000 agents × a 60-tick horizon, a
// 50,000-edge interaction graph), on a seeded synthetic fleet rather than the simulator's: its graph is ~30,000
// edges at 10,000 agents, and a fleet we did not design is the fairer test. Pure: data time, no HTTP.
import { performance } from 'node:perf_hooks';
import { EmergenceEngine } from '@swarmscope/emergence-detector';
import { Random } from '@swarmscope/simulator';
import { percentile } from './percentile';

export type GraphShape = 'random' | 'scale-free';

export interface EmergenceTickOptions {
  agents: number;
  edges: number;
  graph: GraphShape;
  seed: number;
  /** Ticks timed after the horizon has filled (two horizons when not given). */
  timedTicks?: number;
  /** Wall-clock budget, seconds: timing stops at the first tick past it, and the result says how many were timed. */
  maxSeconds?: number;
}

export interface EmergenceTickResult extends EmergenceTickOptions {
  /** Edges in the engine's window at the end (the talking pairs and those fallen silent within the horizon: ≈ `edges`). */
  windowEdges: number;
  /** Ticks analysed with a full horizon behind them (fewer than asked when the budget ran out). */
  ticks: number;
  /** Whether the wall-clock budget ended the run before every tick asked for was timed. */
  cutShort: boolean;
  /** Wall time of the run (filling the horizon included), seconds. */
  wallSeconds: number;
  tickMs: { median: number; p99: number; max: number };
  /**
   * The same ticks in CPU time of the process (process.cpuUsage, user + system, GC threads included): what a tick
   * costs whatever else the machine runs, where wall time on a shared machine also counts the time it waited.
   */
  cpuMs: { median: number; p99: number; max: number };
  /** The ticks that also refresh the graph measures (Louvain, PageRank, betweenness, clustering). */
  graphTickMs: { median: number; max: number };
  graphCpuMs: { median: number; max: number };
}

const TICK_MS = 10_000;
const POOLS = ['support', 'research', 'coding', 'ops', 'sales'];
/**
 * Each tick this share of the talking pairs falls silent and as many new ones start, so the window's graph keeps
 * changing; a silent pair stays in the window for a horizon, so fewer pairs talk than the window holds.
 */
const CHURN = 0.005;

/**
 * Fills the horizon, then times every tick of another two horizons (or `timedTicks`, within `maxSeconds`). Load is Poisson-like around a per-agent rate;
 * one agent in 50 runs a rhythm of its own (random period and phase), so the synchrony search has work to do and
 * finds no group; errors and quality are noise. A scale-free graph (preferential attachment: hubs) is the costlier
 * shape for clustering and betweenness; a random one (Erdős–Rényi) for Louvain.
 */
export function measureEmergenceTick(options: EmergenceTickOptions): EmergenceTickResult {
  const { agents, edges, graph, seed } = options;
  const random = new Random(seed);
  const engine = new EmergenceEngine({ seed });
  const { horizonTicks, graphEveryTicks } = engine.options;
  const rates = Array.from({ length: agents }, () => random.uniform(2, 12));
  const rhythms = Array.from({ length: agents }, () =>
    random.next() < 0.02 ? { period: random.uniform(3, 12), phase: random.uniform(0, 2 * Math.PI) } : undefined,
  );
  const source = new EdgeSource(agents, graph, random);
  const talking = Math.round(edges / (1 + CHURN * horizonTicks));
  const graphEdges = Array.from({ length: talking }, () => source.draw());
  const start = Date.UTC(2026, 0, 5, 6);
  const timings: { ms: number; cpu: number; graph: boolean }[] = [];
  const total = horizonTicks + (options.timedTicks ?? 2 * horizonTicks);
  const began = performance.now();
  const deadline = began + 1000 * (options.maxSeconds ?? Infinity);
  let cutShort = false;
  for (let tick = 0; tick < total; tick++) {
    if (performance.now() > deadline) {
      cutShort = true;
      break;
    }
    const at = start + tick * TICK_MS;
    for (let i = 0; i < agents; i++) {
      const rhythm = rhythms[i];
      const rate = rates[i]! * (rhythm ? 1 + 0.5 * Math.sin((2 * Math.PI * tick) / rhythm.period + rhythm.phase) : 1);
      const requests = Math.max(0, Math.round(rate + Math.sqrt(rate) * random.normal()));
      engine.ingest({
        agentId: `agent-${i}`,
        timestamp: at + random.int(TICK_MS),
        model: 'model',
        pool: POOLS[i % POOLS.length]!,
        type: 'worker',
        metrics: {
          requests,
          errors: random.next() < 0.01 * requests ? 1 : 0,
          response_time_seconds: random.logNormal(0.8, 0.3),
        },
        quality: { accuracy: Math.min(1, Math.max(0, 0.8 + 0.05 * random.normal())) },
      });
    }
    for (let k = 0; k < graphEdges.length; k++) {
      if (random.next() < CHURN) graphEdges[k] = source.draw();
      // Every edge speaks within the horizon (each tick with probability ½), so none ages out but the churned.
      if (tick === 0 || random.next() < 0.5) {
        const [from, to] = graphEdges[k]!;
        engine.ingestInteraction({
          from: `agent-${from}`,
          to: `agent-${to}`,
          kind: 'delegation',
          outcome: 'success',
          latencySeconds: 1,
          timestamp: at + random.int(TICK_MS),
        });
      }
    }
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const analyses = engine.advance(at + TICK_MS);
    const cpuUsed = process.cpuUsage(cpuBefore);
    const ms = performance.now() - started;
    if (tick >= horizonTicks && analyses.length === 1)
      timings.push({
        ms,
        cpu: (cpuUsed.user + cpuUsed.system) / 1000,
        graph: (tick - horizonTicks) % graphEveryTicks === 0,
      });
  }
  const all = timings.map((t) => t.ms).sort((a, b) => a - b);
  const graphTicks = timings
    .filter((t) => t.graph)
    .map((t) => t.ms)
    .sort((a, b) => a - b);
  const cpu = timings.map((t) => t.cpu).sort((a, b) => a - b);
  const graphCpu = timings
    .filter((t) => t.graph)
    .map((t) => t.cpu)
    .sort((a, b) => a - b);
  return {
    ...options,
    windowEdges: engine.interactions.size,
    ticks: all.length,
    cutShort,
    wallSeconds: (performance.now() - began) / 1000,
    tickMs: { median: percentile(all, 0.5), p99: percentile(all, 0.99), max: all[all.length - 1] ?? 0 },
    cpuMs: { median: percentile(cpu, 0.5), p99: percentile(cpu, 0.99), max: cpu[cpu.length - 1] ?? 0 },
    graphTickMs: { median: percentile(graphTicks, 0.5), max: graphTicks[graphTicks.length - 1] ?? 0 },
    graphCpuMs: { median: percentile(graphCpu, 0.5), max: graphCpu[graphCpu.length - 1] ?? 0 },
  };
}

/** Distinct directed pairs of one shape: uniform ends, or (scale-free) a target drawn in proportion to its degree + 1. */
class EdgeSource {
  private readonly drawn = new Set<number>();
  /** Both ends of every pair drawn: a uniform pick from it is a pick in proportion to degree. */
  private readonly ends: number[] = [];

  constructor(
    private readonly agents: number,
    private readonly shape: GraphShape,
    private readonly random: Random,
  ) {}

  draw(): [number, number] {
    const { agents, random, ends } = this;
    for (;;) {
      const from = random.int(agents);
      const uniform = this.shape === 'random' || random.next() < agents / (agents + ends.length);
      const to = uniform ? random.int(agents) : ends[random.int(ends.length)]!;
      const key = from * agents + to;
      if (from === to || this.drawn.has(key)) continue;
      this.drawn.add(key);
      ends.push(from, to);
      return [from, to];
    }
  }
}
