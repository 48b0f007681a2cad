// The simulator at scale: the pure generator and the SDK's Fleet against a real health-monitor in a child process.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import {
  DEFAULT_GENERATOR,
  Population,
  SimulationRunner,
  createScenario,
  expectedReportsPerSecond,
  type GeneratorConfig,
} from '@swarmscope/simulator';
import { waitReady } from './child-service';
import { progress } from './progress';
import { freePort } from '@swarmscope/testkit';

export interface SimulatorScaleResult {
  agents: number;
  /** Reports the health-monitor acknowledged per second, after the warm-up. */
  reportsPerSecond: number;
  /** What the agents should produce per second (requests at 1 per agent and second, plus resource reports). */
  targetRate: number;
  /** CPU time of this (the simulator's) process over wall time: 1 = one core busy. */
  cpuFractionOf1Core: number;
  /** Reports the SDK dropped (queue overflow or retries exhausted) during the measurement. */
  dropped: number;
  /** Reports generated per second (lower than the target when generation could not keep up with the clock). */
  generatedPerSecond: number;
  interactionsPerSecond: number;
  /** Ticks skipped because generation fell behind the clock. */
  skippedTicks: number;
}

const DEFAULT_STEPS = [10_000, 25_000, 50_000, 100_000];

/**
 * For each step, a fresh health-monitor (embedded mode, `node services/health-monitor/dist/main.js`) and a
 * simulated fleet of that many agents at a flat 1 request per agent and second for `seconds`; measures what
 * reaches the server after a warm-up (the first reports register every agent).
 */
export async function runSimulatorScaleBench(options: {
  seconds: number;
  steps?: number[];
}): Promise<SimulatorScaleResult[]> {
  const results: SimulatorScaleResult[] = [];
  for (const agents of options.steps ?? DEFAULT_STEPS) results.push(await runStep(agents, options.seconds));
  return results;
}

async function runStep(agents: number, seconds: number): Promise<SimulatorScaleResult> {
  const port = await freePort();
  const main = join(dirname(require.resolve('@swarmscope/health-monitor/package.json')), 'dist', 'main.js');
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, HEALTH_MONITOR_PORT: String(port), LOG_LEVEL: 'warn', API_KEYS: '', REDIS_URL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitReady(origin, child);
    const seed = 1;
    const startEpochMs = Date.now();
    const population = Population.build({ agents, seed });
    const config: GeneratorConfig = { ...DEFAULT_GENERATOR, seed, startEpochMs, daySeconds: 0, requestsPerSecond: 1 };
    const runner = new SimulationRunner({
      endpoint: origin,
      population,
      scenario: createScenario('baseline', { population, seed, durationSeconds: seconds, startEpochMs }),
      config,
      durationMs: seconds * 1000,
      fleet: { batchSize: 2000, maxInFlight: 4, flushIntervalMs: 250, maxQueue: 500_000, maxInteractionQueue: 200_000 },
    });
    const warmUpMs = Math.min(5000, (seconds * 1000) / 4);
    progress(`simulator scale: ${agents} agents for ${seconds} s (measuring after ${warmUpMs / 1000} s)...`);
    runner.start();
    await new Promise((resolve) => setTimeout(resolve, warmUpMs));
    const from = { at: performance.now(), cpu: process.cpuUsage(), stats: runner.stats() };
    await runner.done;
    const to = { at: performance.now(), cpu: process.cpuUsage(), stats: runner.stats() };
    await runner.stop(2000);
    const wall = (to.at - from.at) / 1000;
    const cpu = (to.cpu.user + to.cpu.system - from.cpu.user - from.cpu.system) / 1e6;
    return {
      agents,
      reportsPerSecond: (to.stats.reports.sent - from.stats.reports.sent) / wall,
      targetRate: expectedReportsPerSecond(population, config, seconds / 2),
      cpuFractionOf1Core: cpu / wall,
      dropped: to.stats.reports.dropped,
      generatedPerSecond: (to.stats.reportsGenerated - from.stats.reportsGenerated) / wall,
      interactionsPerSecond: (to.stats.interactions.sent - from.stats.interactions.sent) / wall,
      skippedTicks: to.stats.skippedTicks,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  }
}
