// Run by `swarmscope bench memory` as `node --expose-gc`: what one tracked agent costs the embedded health-monitor.
import { createLogger, parseEnv, type SampleReport } from '@swarmscope/core';
import { backendsFor, healthMonitorEnv, HealthMonitor, runHealthMonitor } from '@swarmscope/health-monitor';
import { buildIngestBodies } from './ingest-bodies';

interface AgentMemoryResult {
  agents: number;
  /** Heap + array buffers per agent, registered and assessed, before any latency window exists. */
  bytesPerAgent: number;
  /** The same after one request each (adds each agent's open window and its latency sketch). */
  bytesPerAgentWithWindows: number;
  /**
   * Steady state, through `POST /v1/ingest` as clients send it: the ingest bench's report shape (7 metrics, 2 quality
   * scores: custom series, the agent's series budget) `STEADY_ROUNDS` times an agent in one open window (past the raw
   * latencies a window keeps before its sketch).
   */
  bytesPerAgentSteady: number;
}

/** Reports an agent sends in one window in the steady-state figure (a report every 1.5 s of a 60-s window). */
const STEADY_ROUNDS = 40;

const gc = (globalThis as { gc?: () => void }).gc;

function used(): number {
  gc!();
  gc!();
  const memory = process.memoryUsage();
  return memory.heapUsed + memory.arrayBuffers;
}

async function measure(agents: number): Promise<AgentMemoryResult> {
  if (!gc) throw new Error('run with node --expose-gc');
  const env = parseEnv(healthMonitorEnv, { LOG_LEVEL: 'silent' });
  const logger = createLogger({ name: 'bench', level: 'silent' });
  const backends = await backendsFor(env, logger);
  const monitor = new HealthMonitor({ env, store: backends.store, bus: backends.bus, logger });
  const now = Date.now();
  const batch = (kind: 'heartbeat' | 'request', from: number, to: number): SampleReport[] =>
    Array.from({ length: to - from }, (_, k) => ({
      agentId: `agent-${from + k}`,
      timestamp: now,
      model: 'gpt-4o',
      pool: `pool-${(from + k) % 8}`,
      type: 'general',
      metrics: (kind === 'heartbeat'
        ? { requests: 0 }
        : {
            response_time_seconds: 0.2 + ((from + k) % 100) / 100,
            requests: 1,
            errors: 0,
            input_tokens: 500,
            output_tokens: 120,
          }) as Record<string, number>,
      quality: {},
    }));
  await monitor.tick();
  const before = used();
  for (let i = 0; i < agents; i += 1000) await monitor.accept(batch('heartbeat', i, Math.min(agents, i + 1000)));
  await monitor.tick();
  const registered = used();
  for (let i = 0; i < agents; i += 1000) await monitor.accept(batch('request', i, Math.min(agents, i + 1000)));
  await monitor.tick();
  const withWindows = used();
  await backends.close();
  return {
    agents,
    bytesPerAgent: (registered - before) / agents,
    bytesPerAgentWithWindows: (withWindows - before) / agents,
    bytesPerAgentSteady: await measureSteady(agents),
  };
}

/**
 * A health-monitor on a loopback port in this process, fed the ingest bench's bodies over HTTP. Its clock stands still
 * at the end of the window the reports fall in, so that window stays open however long feeding takes (no window is
 * closed into the store's history, which is not per-agent live state).
 */
async function measureSteady(agents: number): Promise<number> {
  const env = parseEnv(healthMonitorEnv, { LOG_LEVEL: 'silent', HEALTH_MONITOR_PORT: '0', MAX_BATCH_REPORTS: '5000' });
  const logger = createLogger({ name: 'bench', level: 'silent' });
  const backends = await backendsFor(env, logger);
  const windowMs = env.WINDOW_SECONDS * 1000;
  const windowStart = Math.floor(Date.now() / windowMs) * windowMs - windowMs;
  const step = Math.floor(windowMs / STEADY_ROUNDS);
  const clock = windowStart + STEADY_ROUNDS * step - 1;
  const running = await runHealthMonitor(env, backends, logger, () => clock);
  try {
    const post = async (body: Buffer) => {
      const response = await fetch(`${running.server.url}/v1/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      if (!response.ok) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
    };
    await running.service.tick();
    const before = used();
    for (let round = 0; round < STEADY_ROUNDS; round++) {
      for (const body of buildIngestBodies(agents, 5000, windowStart + round * step, 'request', round + 1))
        await post(body.bytes);
    }
    await running.service.tick();
    return (used() - before) / agents;
  } finally {
    await running.stop();
    await backends.close();
  }
}

measure(Number(process.argv[2] ?? 100_000)).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
