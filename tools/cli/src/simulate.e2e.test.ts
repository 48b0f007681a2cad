import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Population } from '@swarmscope/simulator';
import { runCli } from './test-support/cli';
import { freePort } from '@swarmscope/testkit';

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as T;
}

describe('swarmscope simulate against the embedded platform', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swarmscope-simulate-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('makes the simulated agents appear, fills their windows, and reproduces the simulated topology in /graph', async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    // One-second windows so a short run closes several of them.
    const platform = runCli(['start', '--no-fleet'], {
      HEALTH_MONITOR_PORT: String(port),
      ANOMALY_DETECTOR_PORT: '0',
      EMERGENCE_DETECTOR_PORT: '0',
      AUTOSCALER_PORT: '0',
      INCIDENTS_PORT: '0',
      WINDOW_SECONDS: '1',
      WINDOW_GRACE_SECONDS: '0',
    });
    try {
      const deadline = Date.now() + 20_000;
      while (
        !(await fetch(`${origin}/readyz`).then(
          (r) => r.ok,
          () => false,
        ))
      ) {
        if (Date.now() > deadline) throw new Error(`platform did not start: ${platform.output().stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const truth = join(dir, 'truth.jsonl');
      const simulator = runCli([
        'simulate',
        '--agents',
        '60',
        '--duration',
        '6',
        '--seed',
        '11',
        '--target',
        origin,
        '--truth',
        truth,
        '--rate',
        '3',
      ]);
      expect(await simulator.exited).toBe(0);
      expect(simulator.output().stdout).toMatch(/sent/);

      const population = Population.build({ agents: 60, seed: 11 });
      const agents = await json<{ items: Array<{ id: string; pool: string; model: string }> }>(
        `${origin}/agents?limit=1000`,
      );
      expect(agents.items.map((a) => a.id).sort()).toEqual(
        population
          .agents()
          .map((a) => a.id)
          .sort(),
      );
      for (const agent of agents.items) {
        const simulated = population.agent(agent.id)!;
        expect(agent).toMatchObject({ pool: simulated.pool, model: simulated.model.name });
      }

      // Windows filled: the fleet's closed windows count the requests the simulator sent.
      const fleet = await json<{ windows: Array<{ count: number }> }>(`${origin}/windows/fleet/all`);
      expect(fleet.windows.length).toBeGreaterThanOrEqual(3);
      expect(fleet.windows.reduce((sum, w) => sum + w.count, 0)).toBeGreaterThan(0);
      const busiest = agents.items[0]!.id;
      expect((await json<{ windows: unknown[] }>(`${origin}/agents/${busiest}/trends`)).windows.length).toBeGreaterThan(
        0,
      );

      // Every edge the platform saw is an edge of the simulated graph (who hands work to whom).
      const simulatedEdges = new Set(population.agents().flatMap((a) => a.out.map((b) => `${a.id}>${b.id}`)));
      const graph = await json<{ edges: Array<{ from: string; to: string }> }>(`${origin}/graph`);
      expect(graph.edges.length).toBeGreaterThan(10);
      for (const edge of graph.edges) expect(simulatedEdges.has(`${edge.from}>${edge.to}`)).toBe(true);

      const firstLine = JSON.parse((await readFile(truth, 'utf8')).split('\n')[0]!) as { kind: string; seed: number };
      expect(firstLine).toMatchObject({ kind: 'run', seed: 11 });
    } finally {
      platform.child.kill('SIGINT');
      await platform.exited;
    }
  });
});
