import { AgentAnomalyEngine, type AgentAnomalyEngineOptions, type AgentReport } from '../engine/agent-engine';
import { SeededRandom } from '../math/seeded-random';

export interface StateBenchOptions {
  /** Agents measured (default 500). */
  agents?: number;
  /** Request reports an agent sends in the steady-state phase (default 1,500: fills every window, trains the forest). */
  reports?: number;
  /** The engine's options (the service's defaults when omitted). */
  engine?: AgentAnomalyEngineOptions;
  /** Seed of the synthetic fleet (default 1). */
  seed?: number;
}

export interface StateBenchResult {
  agents: number;
  reports: number;
  /** CPU ms (user + system) per new agent: its first report, detectors built — JIT warm (other agents went first). */
  cpuMsPerNewAgent: number;
  /** Heap + array buffers per agent after every agent's first report (after a forced GC; NaN without --expose-gc). */
  bytesPerNewAgent: number;
  /** The same once every agent sent `reports` reports: every window full, the forest trained (steady state). */
  bytesPerAgent: number;
  /** CPU µs per report in the last tenth of the steady-state phase. */
  cpuMicrosPerReport: number;
  /** What the engine counts per agent (`agentStateBytes`, mean), and by part (mean over agents, largest first). */
  stateBytesPerAgent: number;
  parts: Array<{ part: string; bytes: number }>;
}

const gc = (globalThis as { gc?: () => void }).gc;

function heapBytes(): number {
  if (!gc) return Number.NaN;
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/**
 * A synthetic agent's reports, shaped as fleetgen's: a request report a second (requests, errors at 2 %, heavy-tailed
 * latency, log-normal tokens, accuracy and coherence when it did not fail) and a resource report (cpu, memory with a
 * GC sawtooth) every 15 s. Deterministic for the seed.
 */
class SyntheticAgent {
  private readonly random: SeededRandom;
  private tick = 0;
  readonly id: string;

  constructor(
    readonly index: number,
    seed: number,
    private readonly start: number,
  ) {
    this.random = new SeededRandom((seed * 7919 + index * 104_729) >>> 0 || 1);
    this.id = `agent-${String(index).padStart(6, '0')}`;
  }

  private normal(): number {
    const u = this.random.next() || 1e-12;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random.next());
  }

  /** The next second's reports (one or two). */
  next(out: AgentReport[]): void {
    const t = this.start + this.tick * 1000 + (this.index % 997);
    const subject = { agentId: this.id, model: `model-${this.index % 3}`, pool: `pool-${this.index % 8}` };
    const failed = this.random.next() < 0.02;
    const spike = this.random.next() < 0.01 ? 3 + 5 * this.random.next() : 1;
    const output = failed ? 0 : Math.max(1, Math.round(300 * Math.exp(0.5 * this.normal())));
    out.push({
      ...subject,
      timestamp: t,
      metrics: {
        requests: 1,
        errors: failed ? 1 : 0,
        response_time_seconds: Math.round(1000 * spike * 0.8 * Math.exp(0.4 * this.normal())) / 1000,
        input_tokens: Math.max(1, Math.round(900 * Math.exp(0.6 * this.normal()))),
        output_tokens: output,
      },
      quality: failed ? undefined : { accuracy: 0.85 + 0.05 * this.normal(), coherence: 0.88 + 0.04 * this.normal() },
    });
    if (this.tick % 15 === 0) {
      const saw = ((this.tick + 37 * this.index) % 420) / 420;
      out.push({
        ...subject,
        timestamp: t + 1,
        metrics: {
          requests: 0,
          cpu_percent: Math.round(10 * (25 + 3 * this.normal())) / 10,
          memory_bytes: Math.round(4e8 * (1 + 0.2 * saw) * (1 + 0.005 * this.normal())),
        },
      });
    }
    this.tick++;
  }
}

/**
 * What an agent costs the anomaly engine: CPU per new agent (its first report builds its detectors), heap per agent
 * after the first report and at steady state (every window full, the forest trained), CPU per report at steady state,
 * and the engine's own count by detector. Run under `node --expose-gc` for the heap figures.
 */
export function runStateBench(options: StateBenchOptions = {}): StateBenchResult {
  const agents = options.agents ?? 500;
  const reports = options.reports ?? 1500;
  const seed = options.seed ?? 1;
  const start = Date.UTC(2026, 0, 5);
  const engine = new AgentAnomalyEngine({ ...options.engine, idleMs: Number.POSITIVE_INFINITY });
  const batch: AgentReport[] = [];
  const feed = (fleet: SyntheticAgent[]) => {
    for (const a of fleet) a.next(batch);
    for (const r of batch) engine.observe(r);
    batch.length = 0;
  };

  // JIT warm-up on agents not measured: every detector's code paths, first reports included.
  const warm = Array.from({ length: 64 }, (_, i) => new SyntheticAgent(1_000_000 + i, seed, start));
  for (let k = 0; k < 400; k++) feed(warm);
  const fleet = Array.from({ length: agents }, (_, i) => new SyntheticAgent(i, seed, start));

  const before = heapBytes();
  const cpu0 = cpuMs();
  feed(fleet);
  const cpuFirst = cpuMs() - cpu0;
  const afterFirst = heapBytes();

  const timedFrom = reports - Math.max(1, Math.floor(reports / 10));
  let cpuTimed = 0;
  let timedReports = 0;
  for (let k = 1; k < reports; k++) {
    if (k < timedFrom) {
      feed(fleet);
      continue;
    }
    const reportsBefore = engine.stats().reports;
    const c = cpuMs();
    feed(fleet);
    cpuTimed += cpuMs() - c;
    timedReports += engine.stats().reports - reportsBefore;
  }
  const steady = heapBytes();

  const totals = new Map<string, number>();
  let stateBytes = 0;
  for (const a of fleet) {
    stateBytes += engine.agentStateBytes(a.id);
    for (const [part, bytes] of Object.entries(engine.agentStateParts(a.id) ?? {}))
      totals.set(part, (totals.get(part) ?? 0) + bytes);
  }
  return {
    agents,
    reports,
    cpuMsPerNewAgent: cpuFirst / agents,
    bytesPerNewAgent: (afterFirst - before) / agents,
    bytesPerAgent: (steady - before) / agents,
    cpuMicrosPerReport: (1000 * cpuTimed) / timedReports,
    stateBytesPerAgent: stateBytes / agents,
    parts: [...totals].map(([part, bytes]) => ({ part, bytes: bytes / agents })).sort((a, b) => b.bytes - a.bytes),
  };
}
