import type { ChildProcess } from 'node:child_process';

/**
 * The V8 flags Swarmscope's processes run with: `pnpm start` (package.json) and the image's NODE_OPTIONS (Dockerfile).
 * 64 MB semi-spaces instead of 16, so the per-report garbage is scavenged ≈ 4× less often — each scavenge of a heap
 * holding 10,000 agents' detector state pauses for ≈ 15–30 ms whatever its size (measured: p99 21.7 → 11.9 ms at
 * 100,000 samples/s).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=64'];

/** Waits until a service started as a child process answers /readyz (30 s at most; fails early if it exits). */
export async function waitReady(origin: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${origin}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${origin} did not become ready within 30 s`);
}
