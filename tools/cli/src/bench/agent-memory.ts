// Run by `swarmscope bench memory` as `node --expose-gc`: what one tracked agent costs the embedded health-monitor.
import { createLogger, parseEnv, type SampleReport } from '@swarmscope/core';
import { backendsFor, healthMonitorEnv, HealthMonitor } from '@swarmscope/health-monitor';

interface AgentMemoryResult {
  agents: number;
  /** Heap + array buffers per agent, registered and assessed, before any latency window exists. */
  bytesPerAgent: number;
  /** The same after one request each (adds each agent's open window and its latency sketch). */
  bytesPerAgentWithWindows: number;
}

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
  };
}

measure(Number(process.argv[2] ?? 100_000)).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
