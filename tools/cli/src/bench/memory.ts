// `swarmscope bench memory`: what one tracked agent costs the embedded health-monitor (heap after a forced GC).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { progress } from './ingest';

export async function runAgentMemoryBench(agents: number): Promise<void> {
  const result = await runAgentMemory(agents);
  process.stdout.write(
    `\nagent memory (embedded health-monitor, ${agents} agents, heap + buffers after GC):\n` +
      `  ${Math.round(result.bytesPerAgent)} bytes per tracked agent (registry, live health state; windows aside)\n` +
      `  ${Math.round(result.bytesPerAgentWithWindows)} bytes per agent with one open latency window each\n`,
  );
}

async function runAgentMemory(agents: number): Promise<{ bytesPerAgent: number; bytesPerAgentWithWindows: number }> {
  progress(`memory: tracking ${agents} agents...`);
  const child = spawn(process.execPath, ['--expose-gc', join(__dirname, 'agent-memory.js'), String(agents)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the memory benchmark exited with code ${code}`);
  return JSON.parse(output) as { bytesPerAgent: number; bytesPerAgentWithWindows: number };
}
