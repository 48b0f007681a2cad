import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type AnomalyEvent, type WindowSummary } from '@swarmscope/core';
import { DDSketch } from '@datadog/sketches-js';
import { History, encodeSketch, retentionFrom, rollUpOldWindows } from '@swarmscope/history';

/**
 * A read timed once cold (the first after the file was written), then `HISTORY_READ_RUNS` more times: median and p95 in wall time
 * and in this process's CPU time (DuckDB's threads included). On a shared, loaded machine the CPU time is the steadier
 * figure; the load average at the time is reported beside them.
 */
export interface Timing {
  firstMs: number;
  medianMs: number;
  p95Ms: number;
  medianCpuMs: number;
  p95CpuMs: number;
}

export const HISTORY_READ_RUNS = 20;

async function timed<T>(read: () => Promise<T>): Promise<Timing & { result: T }> {
  let t = performance.now();
  const result = await read();
  const firstMs = performance.now() - t;
  const runs: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < HISTORY_READ_RUNS; i++) {
    t = performance.now();
    const before = process.cpuUsage();
    await read();
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000);
    runs.push(performance.now() - t);
  }
  // Nearest rank.
  const rank = (xs: number[], q: number) => xs.sort((a, b) => a - b)[Math.ceil(q * xs.length) - 1]!;
  return {
    firstMs,
    medianMs: rank(runs, 0.5),
    p95Ms: rank(runs, 0.95),
    medianCpuMs: rank(cpu, 0.5),
    p95CpuMs: rank(cpu, 0.95),
    result,
  };
}

export interface HistoryBenchResult {
  agents: number;
  minutes: number;
  /** CPU seconds of this process spent committing windows, per second of data (one core = 1). */
  writeCpuFraction: number;
  windowsPerSecond: number;
  eventsPerSecond: number;
  /** One pool's 30 days (7 of minutes, 23 of hours, as the default retention keeps them). */
  poolRange: Timing & { rows: number };
  /** The same range one window an hour (`step=hour`). */
  poolHourly: Timing & { rows: number };
  /**
   * The roll-up job's first run over the 7 days of the aggregates' minutes (167 hours × 11 series: it ran 55 minutes
   * ago, so the last hour's minutes are rolled up on read, as between two runs); then it rolls one hour an hour.
   */
  rollupSeconds: number;
  rolledHours: number;
  /** The fleet's p99 latency over a day from its merged sketches: time, answer, exact answer. */
  fleetPercentile: Timing;
  fleetP99: number;
  exactFleetP99: number;
  fleetWindows: number;
  /** For comparison: a percentile over every agent's minute windows of the day (a scan of agents × 1,440 rows). */
  agentScanMs: number;
  fleetRows: number;
  bytesPerAgentDay: number;
  restartMs: number;
  /** The 1-minute load average when the reads ran, and the cores (wall time waits for a core under load). */
  load: number;
  cores: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const POOLS = 10;
const timing = ({ firstMs, medianMs, p95Ms, medianCpuMs, p95CpuMs }: Timing): Timing => ({
  firstMs,
  medianMs,
  p95Ms,
  medianCpuMs,
  p95CpuMs,
});
const silent = createLogger({ name: 'bench', level: 'silent' });

function minuteWindow(start: number, i: number): WindowSummary {
  const count = 5 + (i % 17);
  return {
    start,
    durationMs: MINUTE,
    count,
    errors: i % 13 === 0 ? 1 : 0,
    errorRate: i % 13 === 0 ? 1 / count : 0,
    latency: { mean: 0.4 + (i % 7) * 0.05, p50: 0.35, p95: 0.9 + (i % 11) * 0.03, p99: 1.3, max: 2.1, samples: count },
    inputTokens: 400 * count,
    outputTokens: 120 * count,
    costUsd: 0.001 * count,
    means: { queue_depth: i % 5, cpu_percent: 30 + (i % 40) },
  };
}

/**
 * Writes a day of minute windows for the fleet and each pool, with latency sketches of a diurnal log-normal body and a
 * Pareto tail (seeded); resolves to the exact p99 of every latency of the day's fleet.
 */
async function writeSketchedDay(history: History, from: number, agents: number): Promise<number> {
  let seed = 7;
  const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  // Each drawn value stands for `weight` requests: a day of 10,000 agents' requests without drawing each one.
  const perMinute = 400;
  const weight = Math.max(1, Math.round((agents * 12) / perMinute));
  const all: number[] = [];
  for (let m = 0; m < 1440; m++) {
    const start = from + m * MINUTE;
    const diurnal = 0.6 + 0.4 * Math.sin((2 * Math.PI * m) / 1440);
    const fleet = new DDSketch({ relativeAccuracy: 0.01 });
    const pools = Array.from({ length: POOLS }, () => new DDSketch({ relativeAccuracy: 0.01 }));
    for (let i = 0; i < perMinute; i++) {
      const value =
        random() < 0.03 ? 2 * diurnal * (1 - random()) ** (-1 / 1.5) : diurnal * Math.exp(-0.7 + 0.5 * gaussian());
      fleet.accept(value, weight);
      pools[i % POOLS]!.accept(value, weight);
      all.push(value);
    }
    const entries = [
      { key: 'fleet', window: sketchedWindow(start, fleet) },
      ...pools.map((sketch, p) => ({ key: `pool:pool-${p}`, window: sketchedWindow(start, sketch) })),
    ];
    await history.writeWindows(entries);
  }
  all.sort((a, b) => a - b);
  // Every value has the same weight: the weighted p99 is the plain p99 of the values (nearest rank).
  return all[Math.ceil(0.99 * all.length) - 1]!;
}

function sketchedWindow(start: number, sketch: DDSketch): WindowSummary {
  const q = (p: number) => sketch.getValueAtQuantile(p);
  return {
    ...minuteWindow(start, 0),
    latency: {
      mean: sketch.sum / sketch.count,
      p50: q(0.5),
      p95: q(0.95),
      p99: q(0.99),
      max: sketch.max,
      samples: sketch.count,
    },
    latencySketch: encodeSketch(sketch),
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
    await history.writeAgents(
      ids.map((id, i) => ({
        id,
        model: `model-${i % 4}`,
        type: 'chat',
        pool: `pool-${i % POOLS}`,
        labels: {},
        registeredAt: now,
        lastSeen: now,
        status: 'healthy',
        healthScore: 1,
      })),
    );

    let windows = 0;
    let events = 0;
    const cpu = process.cpuUsage();
    const wall = performance.now();
    for (let m = 0; m < minutes; m++) {
      const start = now - (minutes - m) * MINUTE;
      const entries = ids.map((id, i) => ({ key: `agent:${id}`, window: minuteWindow(start, i + m) }));
      for (let p = 0; p < POOLS; p++) entries.push({ key: `pool:pool-${p}`, window: minuteWindow(start, p) });
      entries.push({ key: 'fleet', window: minuteWindow(start, m) });
      const anomalies: AnomalyEvent[] = ids
        .filter((_, i) => i % 100 === m % 100)
        .map((id) => ({
          id: `an-${id}-${m}`,
          event: 'opened',
          time: start,
          startedAt: start,
          agentId: id,
          model: 'model-0',
          pool: 'pool-0',
          type: 'chat',
          severity: 'medium',
          score: 0.7,
          confidence: 0.6,
          detectors: ['robust_z'],
          features: ['latency'],
          evidence: { observed: 2 },
          explanation: 'slow',
        }));
      await Promise.all([history.writeWindows(entries), history.writeAnomalies(anomalies)]);
      windows += entries.length;
      events += anomalies.length;
    }
    const used = process.cpuUsage(cpu);
    const wallSeconds = (performance.now() - wall) / 1000;
    const cpuSeconds = (used.user + used.system) / 1e6;

    // A day of minute windows for every agent, made by DuckDB itself.
    await history.select(`DELETE FROM windows`);
    await history.select(`DELETE FROM series_windows`);
    await history.select(
      `INSERT INTO windows SELECT 'agent:agent-' || lpad(a::VARCHAR, 6, '0'), 'agent', ${now - DAY} + m * ${MINUTE}, ${MINUTE},
         5 + (a + m) % 17, CASE WHEN (a + m) % 13 = 0 THEN 1 ELSE 0 END, 0, 0.4, 0.35, 0.9 + ((a * 7 + m) % 11) * 0.03, 1.3, 2.1,
         5 + (a + m) % 17, 2000, 600, 0.005, '{"queue_depth":1,"cpu_percent":35}', ${now}, NULL
       FROM range(${agents}) t(a), range(1440) u(m)`,
    );
    // An aggregate's 30 days as the default retention keeps them: hours (bins included) for days 30..8, minutes for
    // days 7..2 (generated, 40 bins each), then the last day written as the platform writes it, each window with its
    // sketch; the exact day's p99 of the fleet is known from the values the sketches were made of.
    const series = `CASE WHEN p = ${POOLS} THEN 'fleet' ELSE 'pool:pool-' || p END, CASE WHEN p = ${POOLS} THEN 'fleet' ELSE 'pool' END`;
    const bins = (n: string) => `[{'k': (-40 + b + (p + u.i) % 20)::INTEGER, 'n': ${n}} FOR b IN range(40)]`;
    await history.select(
      `INSERT INTO series_windows_hourly SELECT ${series}, ${now - 30 * DAY} + u.i * 3600000, 3600000, 500, 3, 0.006, 0.4, 0.35, 0.9, 1.3, 2.1,
         500, 200000, 60000, 0.5, '{"queue_depth":1}', ${now}, ${bins('12.5')}
       FROM range(${POOLS + 1}) t(p), range(${23 * 24}) u(i)`,
    );
    await history.select(
      `INSERT INTO series_windows SELECT ${series}, ${now - 7 * DAY} + u.i * ${MINUTE}, ${MINUTE}, 9, 0, 0, 0.4, 0.35, 0.9, 1.3, 2.1,
         9, 3600, 1080, 0.009, '{"queue_depth":1,"cpu_percent":35}', ${now}, ${bins('0.225')}
       FROM range(${POOLS + 1}) t(p), range(${6 * 1440}) u(i)`,
    );
    const exactFleetP99 = await writeSketchedDay(history, now - DAY, agents);
    // The roll-up job, as at the first start on this file, 55 minutes ago: every complete hour of the aggregates'
    // minutes but the last (a read rolls that one up from its 60 sketched minutes, as it does between two runs).
    let t = performance.now();
    const rolledHours = await rollUpOldWindows(history, now - 55 * MINUTE, retentionFrom({}));
    const rollupSeconds = (performance.now() - t) / 1000;
    await history.checkpoint();
    const bytesPerAgentDay = statSync(join(dataDir, 'history.duckdb')).size / agents;

    const load = loadavg()[0]!;
    const poolRange = await timed(() => history.windows('pool:pool-3', now - 30 * DAY, now));
    const poolHourly = await timed(() => history.hourlyWindows('pool:pool-3', now - 30 * DAY, now));
    const fleetPercentile = await timed(() => history.latencyPercentiles('fleet', now - DAY, now - 1, [0.99]));
    const fleetDay = fleetPercentile.result;
    t = performance.now();
    const fleet = await history.select(
      `SELECT quantile_cont(latency_p95, 0.99) AS p99, count(*) AS n FROM windows WHERE kind = 'agent' AND start >= $1`,
      [String(now - DAY)],
    );
    const agentScanMs = performance.now() - t;
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
      poolRange: { ...timing(poolRange), rows: poolRange.result.length },
      poolHourly: { ...timing(poolHourly), rows: poolHourly.result.length },
      rollupSeconds,
      rolledHours,
      fleetPercentile: timing(fleetPercentile),
      fleetP99: fleetDay.percentiles.p99!,
      exactFleetP99,
      fleetWindows: fleetDay.windows,
      agentScanMs,
      fleetRows: Number(fleet[0]!.n),
      bytesPerAgentDay,
      restartMs,
      load,
      cores: availableParallelism(),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
