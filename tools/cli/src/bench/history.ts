import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type AnomalyEvent, type WindowSummary } from '@swarmscope/core';
import { History } from '@swarmscope/history';

export interface HistoryBenchResult {
  agents: number;
  minutes: number;
  /** CPU seconds of this process spent committing windows, per second of data (one core = 1). */
  writeCpuFraction: number;
  windowsPerSecond: number;
  eventsPerSecond: number;
  poolRangeMs: number;
  poolRangeRows: number;
  fleetPercentileMs: number;
  fleetRows: number;
  bytesPerAgentDay: number;
  restartMs: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const POOLS = 10;
const silent = createLogger({ name: 'bench', level: 'silent' });

function minuteWindow(start: number, i: number): WindowSummary {
  const count = 5 + (i % 17);
  return {
    start, durationMs: MINUTE, count, errors: i % 13 === 0 ? 1 : 0, errorRate: i % 13 === 0 ? 1 / count : 0,
    latency: { mean: 0.4 + (i % 7) * 0.05, p50: 0.35, p95: 0.9 + (i % 11) * 0.03, p99: 1.3, max: 2.1, samples: count },
    inputTokens: 400 * count, outputTokens: 120 * count, costUsd: 0.001 * count, means: { queue_depth: i % 5, cpu_percent: 30 + (i % 40) },
  };
}

/**
 * The history at `agents` agents: `minutes` minutes of window closes written as the platform writes them (one commit
 * per minute: every agent's window, its pool's and the fleet's, plus an anomaly event per 100 agents), timed in CPU;
 * then a day of every agent's minute windows and 30 days of hourly pool windows generated inside DuckDB, for the
 * range query, the fleet percentile, the file size per agent-day and the time to reopen and load the registry.
 */
export async function runHistoryBench(options: { agents: number; minutes: number }): Promise<HistoryBenchResult> {
  const { agents, minutes } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-bench-history-'));
  try {
    const now = Math.floor(Date.now() / DAY) * DAY;
    let history = await History.open({ dataDir, logger: silent, now: () => now });
    const ids = Array.from({ length: agents }, (_, i) => `agent-${String(i).padStart(6, '0')}`);
    await history.writeAgents(ids.map((id, i) => ({ id, model: `model-${i % 4}`, type: 'chat', pool: `pool-${i % POOLS}`, labels: {}, registeredAt: now, lastSeen: now, status: 'healthy', healthScore: 1 })));

    let windows = 0;
    let events = 0;
    const cpu = process.cpuUsage();
    const wall = performance.now();
    for (let m = 0; m < minutes; m++) {
      const start = now - (minutes - m) * MINUTE;
      const entries = ids.map((id, i) => ({ key: `agent:${id}`, window: minuteWindow(start, i + m) }));
      for (let p = 0; p < POOLS; p++) entries.push({ key: `pool:pool-${p}`, window: minuteWindow(start, p) });
      entries.push({ key: 'fleet', window: minuteWindow(start, m) });
      const anomalies: AnomalyEvent[] = ids.filter((_, i) => i % 100 === m % 100).map((id) => ({
        id: `an-${id}-${m}`, event: 'opened', time: start, startedAt: start, agentId: id, model: 'model-0', pool: 'pool-0', type: 'chat',
        severity: 'medium', score: 0.7, confidence: 0.6, detectors: ['robust_z'], features: ['latency'], evidence: { observed: 2 }, explanation: 'slow',
      }));
      await Promise.all([history.writeWindows(entries), history.writeAnomalies(anomalies)]);
      windows += entries.length;
      events += anomalies.length;
    }
    const used = process.cpuUsage(cpu);
    const wallSeconds = (performance.now() - wall) / 1000;
    const cpuSeconds = (used.user + used.system) / 1e6;

    // A day of minute windows for every agent, and 30 days of hourly windows per pool, made by DuckDB itself.
    await history.select(`DELETE FROM windows`);
    await history.select(
      `INSERT INTO windows SELECT 'agent:agent-' || lpad(a::VARCHAR, 6, '0'), 'agent', ${now - DAY} + m * ${MINUTE}, ${MINUTE},
         5 + (a + m) % 17, CASE WHEN (a + m) % 13 = 0 THEN 1 ELSE 0 END, 0, 0.4, 0.35, 0.9 + ((a * 7 + m) % 11) * 0.03, 1.3, 2.1,
         5 + (a + m) % 17, 2000, 600, 0.005, '{"queue_depth":1,"cpu_percent":35}', ${now}
       FROM range(${agents}) t(a), range(1440) u(m)`,
    );
    await history.select(
      `INSERT INTO windows_hourly SELECT 'pool:pool-' || p, 'pool', ${now - 30 * DAY} + h * 3600000, 3600000, 500, 3, 0.006, 0.4, 0.35, 0.9, 1.3, 2.1,
         500, 200000, 60000, 0.5, '{"queue_depth":1}', ${now}
       FROM range(${POOLS}) t(p), range(720) u(h)`,
    );
    await history.checkpoint();
    const bytesPerAgentDay = statSync(join(dataDir, 'history.duckdb')).size / agents;

    let t = performance.now();
    const range = await history.windows('pool:pool-3', now - 30 * DAY, now);
    const poolRangeMs = performance.now() - t;
    t = performance.now();
    const fleet = await history.select(
      `SELECT quantile_cont(latency_p95, 0.99) AS p99, count(*) AS n FROM windows WHERE kind = 'agent' AND start >= $1`,
      [String(now - DAY)],
    );
    const fleetPercentileMs = performance.now() - t;
    await history.close();

    t = performance.now();
    history = await History.open({ dataDir, logger: silent });
    const restored = await history.agents();
    await history.unresolvedIncidents();
    const restartMs = performance.now() - t;
    if (restored.length !== agents) throw new Error(`restored ${restored.length} agents of ${agents}`);
    await history.close();

    return {
      agents,
      minutes,
      writeCpuFraction: cpuSeconds / (minutes * 60),
      windowsPerSecond: windows / wallSeconds,
      eventsPerSecond: events / wallSeconds,
      poolRangeMs,
      poolRangeRows: range.length,
      fleetPercentileMs,
      fleetRows: Number(fleet[0]!.n),
      bytesPerAgentDay,
      restartMs,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
