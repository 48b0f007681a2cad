import type { SampleReport } from '@swarmscope/core';
import type { PoolObservation } from './pool-controller';

/** Latencies kept per pool per tick for the p95 (a deterministic stride sample beyond it). */
const MAX_LATENCIES = 4096;

interface PoolTick {
  requests: number;
  latencySum: number;
  latencies: number[];
  latencyCount: number;
  cpuSum: number;
  cpuCount: number;
  memorySum: number;
  memoryCount: number;
  agents: Set<string>;
}

/**
 * Folds samples into one observation per pool per tick: requests/s, mean and p95 latency, mean CPU and memory, agents
 * reporting. Samples are grouped by the tick they arrive in (not their timestamps): the decision is about now.
 */
export class PoolAggregator {
  private ticks = new Map<string, PoolTick>();
  private readonly known = new Set<string>();

  add(report: SampleReport): void {
    let tick = this.ticks.get(report.pool);
    if (!tick) {
      tick = {
        requests: 0,
        latencySum: 0,
        latencies: [],
        latencyCount: 0,
        cpuSum: 0,
        cpuCount: 0,
        memorySum: 0,
        memoryCount: 0,
        agents: new Set(),
      };
      this.ticks.set(report.pool, tick);
      this.known.add(report.pool);
    }
    const m = report.metrics;
    tick.agents.add(report.agentId);
    if (m.requests !== undefined) tick.requests += m.requests;
    const latency = m.response_time_seconds;
    if (latency !== undefined && latency >= 0) {
      tick.latencySum += latency;
      tick.latencyCount++;
      if (tick.latencies.length < MAX_LATENCIES) tick.latencies.push(latency);
      else tick.latencies[tick.latencyCount % MAX_LATENCIES] = latency;
    }
    if (m.cpu_percent !== undefined) {
      tick.cpuSum += m.cpu_percent;
      tick.cpuCount++;
    }
    if (m.memory_bytes !== undefined) {
      tick.memorySum += m.memory_bytes;
      tick.memoryCount++;
    }
  }

  /** Pools seen since start. */
  pools(): string[] {
    return [...this.known];
  }

  /** Closes the tick that ends at `at` and lasted `durationMs`: one observation per known pool (idle ones at 0). */
  close(at: number, durationMs: number): Array<PoolObservation & { pool: string }> {
    const ticks = this.ticks;
    this.ticks = new Map();
    return [...this.known].map((pool) => {
      const tick = ticks.get(pool);
      if (!tick)
        return {
          pool,
          at,
          durationMs,
          loadRps: 0,
          latencyMeanSeconds: 0,
          latencyP95Seconds: 0,
          latencySamples: 0,
          agentsReporting: 0,
        };
      return {
        pool,
        at,
        durationMs,
        loadRps: tick.requests / (durationMs / 1000),
        latencyMeanSeconds: tick.latencyCount ? tick.latencySum / tick.latencyCount : 0,
        latencyP95Seconds: quantile(tick.latencies, 0.95),
        latencySamples: tick.latencyCount,
        ...(tick.cpuCount ? { cpuPercent: tick.cpuSum / tick.cpuCount } : {}),
        ...(tick.memoryCount ? { memoryBytes: tick.memorySum / tick.memoryCount } : {}),
        agentsReporting: tick.agents.size,
      };
    });
  }
}

/** Nearest-rank quantile (0 for no values). */
function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
