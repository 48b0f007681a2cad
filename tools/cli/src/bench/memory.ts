// `swarmscope bench memory`: what one tracked agent costs the embedded health-monitor (heap after a forced GC).
import { runInGcChild } from './gc-child';
import { progress } from './progress';

export async function runAgentMemoryBench(agents: number): Promise<void> {
  progress(`memory: tracking ${agents} agents...`);
  const result = await runInGcChild<{
    bytesPerAgent: number;
    bytesPerAgentWithWindows: number;
    bytesPerAgentSteady: number;
  }>('agent-memory.js', [String(agents)]);
  process.stdout.write(
    `\nagent memory (embedded health-monitor, ${agents} agents, heap + buffers after GC):\n` +
      `  ${Math.round(result.bytesPerAgent)} bytes per tracked agent (registry, live health state; windows aside)\n` +
      `  ${Math.round(result.bytesPerAgentWithWindows)} bytes per agent with one open latency window each\n` +
      `  ${Math.round(result.bytesPerAgentSteady)} bytes per agent at steady state (POST /v1/ingest, the ingest bench's reports: 7 metrics, 2 quality scores; 40 an agent in its open window)\n`,
  );
}
