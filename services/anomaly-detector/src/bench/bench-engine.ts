import { AgentAnomalyEngine, type AgentAnomalyEngineOptions, type AgentReport } from '../engine/agent-engine';
import { SeededRandom } from '../math/seeded-random';

export interface EngineBenchOptions {
  /** Agents reporting (default 2,000). */
  agents?: number;
  /** Rounds (one report from every agent, a second apart) fed before timing: detectors trained, JIT warm (default 400). */
  warmupRounds?: number;
  /** Rounds timed (default 50). */
  rounds?: number;
  /** Reports timed together (default 100: a timer read costs ≈ 50 ns, 0.5 ns a report at this size). */
  batch?: number;
  engine?: AgentAnomalyEngineOptions;
}

export interface EngineBenchResult {
  /** Median over batches of the time per report (ns): 7 metrics + 2 quality scores, every detector on. */
  medianNsPerReport: number;
  /** 99th percentile over batches (ns a report), GC pauses inside a batch included. */
  p99NsPerReport: number;
  /** medianNsPerReport / 9 samples. */
  medianNsPerSample: number;
  /** Heap + array buffers per agent after a forced GC (needs `node --expose-gc`; else the computed state bytes). */
  bytesPerAgent: number;
  /** What the engine reports (`stateBytes() / agents`), for comparison. */
  stateBytesPerAgent: number;
  /** True when bytesPerAgent was measured on the heap. */
  measured: boolean;
  /** Reports fed in all (warm-up included) and the anomalies opened on this anomaly-free load. */
  reports: number;
  opened: number;
}

const POOLS = ['support', 'research', 'coding', 'triage'];
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'llama-3.1-8b'];

/**
 * The agent engine's cost per report and memory per agent on realistic, anomaly-free load: `agents` agents each
 * send one report a second (latency, requests, errors, input/output tokens, cpu, memory + accuracy, coherence, drawn
 * from seeded log-normal/normal distributions like the simulator's). Reports are built before each timed batch, so
 * only `observe` is timed.
 */
export function runEngineBench(options: EngineBenchOptions = {}): EngineBenchResult {
  const agents = options.agents ?? 2000;
  const warmup = options.warmupRounds ?? 400;
  const rounds = options.rounds ?? 50;
  const batch = Math.max(1, Math.min(options.batch ?? 100, agents));
  const gc = (globalThis as { gc?: () => void }).gc;
  const heap = () => {
    gc!();
    gc!();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = gc ? heap() : 0;
  const engine = new AgentAnomalyEngine(options.engine);
  const load = new Load(agents, 42);
  let opened = 0;
  let reports = 0;
  for (let r = 0; r < warmup; r++) {
    for (const report of load.round(r)) {
      for (const e of engine.observe(report).events) if (e.event === 'opened') opened++;
      reports++;
    }
  }
  const perReport: number[] = [];
  for (let r = warmup; r < warmup + rounds; r++) {
    const all = load.round(r);
    for (let start = 0; start + batch <= all.length; start += batch) {
      const t0 = performance.now();
      for (let i = start; i < start + batch; i++) opened += engine.observe(all[i]!).events.length > 0 ? 1 : 0;
      perReport.push(((performance.now() - t0) * 1e6) / batch);
      reports += batch;
    }
  }
  perReport.sort((a, b) => a - b);
  const after = gc ? heap() : 0;
  const stateBytesPerAgent = engine.stateBytes() / engine.size;
  const median = quantile(perReport, 0.5);
  return {
    medianNsPerReport: median,
    p99NsPerReport: quantile(perReport, 0.99),
    medianNsPerSample: median / 9,
    bytesPerAgent: gc ? (after - before) / agents : stateBytesPerAgent,
    stateBytesPerAgent,
    measured: gc !== undefined,
    reports,
    opened,
  };
}

/** Seeded per-agent profiles and their reports, one round at a time. */
class Load {
  private readonly random: SeededRandom;
  private readonly profiles: Array<{
    id: string;
    model: string;
    pool: string;
    latency: number;
    tokens: number;
    cpu: number;
    memory: number;
    quality: number;
  }>;
  private readonly start = Date.UTC(2024, 0, 1);

  constructor(agents: number, seed: number) {
    this.random = new SeededRandom(seed);
    this.profiles = Array.from({ length: agents }, (_, i) => ({
      id: `${POOLS[i % 4]}-${String(i).padStart(5, '0')}`,
      model: MODELS[(i >> 2) % 4]!,
      pool: POOLS[i % 4]!,
      latency: 0.3 + 0.8 * this.random.next(),
      tokens: 400 + 800 * this.random.next(),
      cpu: 20 + 20 * this.random.next(),
      memory: 3e8 + 3e8 * this.random.next(),
      quality: 0.75 + 0.15 * this.random.next(),
    }));
  }

  round(r: number): AgentReport[] {
    const out: AgentReport[] = [];
    for (let i = 0; i < this.profiles.length; i++) {
      const p = this.profiles[i]!;
      const error = this.random.next() < 0.01 ? 1 : 0;
      const input = Math.round(p.tokens * Math.exp(0.5 * this.normal()));
      out.push({
        agentId: p.id,
        timestamp: this.start + r * 1000 + i * (1000 / this.profiles.length),
        model: p.model,
        pool: p.pool,
        metrics: {
          response_time_seconds: Math.round(p.latency * Math.exp(0.45 * this.normal()) * 1e4) / 1e4,
          requests: 1,
          errors: error,
          input_tokens: input,
          output_tokens: error ? 0 : Math.round(0.3 * p.tokens * Math.exp(0.6 * this.normal())),
          cpu_percent: Math.round((p.cpu + 4 * this.normal()) * 10) / 10,
          memory_bytes: p.memory,
        },
        quality: {
          accuracy: Math.round((p.quality + 0.04 * this.normal()) * 1000) / 1000,
          coherence: Math.round((p.quality + 0.02 + 0.04 * this.normal()) * 1000) / 1000,
        },
      });
    }
    return out;
  }

  /** Box–Muller standard normal. */
  private normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.random.next())) * Math.cos(2 * Math.PI * this.random.next());
  }
}

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
