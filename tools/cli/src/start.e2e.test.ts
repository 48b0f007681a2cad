import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { runCli, waitFor } from './test-support/cli';
import { freePort } from '@swarmscope/testkit';

// Runs the built CLI, as a user would.

describe('swarmscope start', () => {
  it('runs the platform with a simulated fleet whose agents appear, and stops by itself after --duration', async () => {
    const port = await freePort();
    const cli = runCli(['start', '--', '--agents', '40', '--duration', '6'], {
      HEALTH_MONITOR_PORT: String(port),
      ANOMALY_DETECTOR_PORT: '0',
      EMERGENCE_DETECTOR_PORT: '0',
      AUTOSCALER_PORT: '0',
      INCIDENTS_PORT: '0',
    });
    const summary = await waitFor('the fleet of 40', async () => {
      const body = (await (await fetch(`http://127.0.0.1:${port}/fleet/summary`)).json()) as {
        agents: { total: number };
      };
      return body.agents.total === 40 ? body : undefined;
    });
    expect(summary.agents.total).toBe(40);
    const agents = (await (await fetch(`http://127.0.0.1:${port}/agents?limit=1000`)).json()) as { items: unknown[] };
    expect(agents.items).toHaveLength(40);
    expect(await cli.exited).toBe(0);
    const { stdout } = cli.output();
    expect(stdout).toContain(`health-monitor    http://127.0.0.1:${port}`);
    expect(stdout).toMatch(/anomaly-detector {2}http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/emergence {9}http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/autoscaler {8}http:\/\/127\.0\.0\.1:\d+ .*\/decisions/);
    expect(stdout).toMatch(/incidents {9}http:\/\/127\.0\.0\.1:\d+ .*\/incidents/);
    expect(stdout).toMatch(
      /agents 40 \(healthy \d+ · degraded \d+ · unhealthy \d+ · unresponsive \d+\) · [\d,]+ samples\/s · rejected 0 · p95 /,
    );
    expect(stdout).toContain('stopped cleanly');
  });

  it('shuts down cleanly on SIGINT, flushing the fleet', async () => {
    const port = await freePort();
    const cli = runCli(['start', '--agents', '10'], {
      HEALTH_MONITOR_PORT: String(port),
      ANOMALY_DETECTOR_PORT: '0',
      EMERGENCE_DETECTOR_PORT: '0',
      AUTOSCALER_PORT: '0',
      INCIDENTS_PORT: '0',
    });
    await waitFor('the platform', async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok ? true : undefined));
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.output().stdout).toContain('stopped cleanly');
  });

  it('refuses a bad flag value with exit code 2 and one line pointing to --help', async () => {
    const cli = runCli(['start', '--agents', 'many']);
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr).toBe(
      'swarmscope: --agents: must be a whole number from 1 to 1000000 (got "many") (see swarmscope start --help)\n',
    );
  });

  it('refuses an unknown flag with exit code 2 and one line naming it, not the whole usage', async () => {
    const cli = runCli(['start', '--bogus']);
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr).toBe('swarmscope: unknown flag --bogus (see swarmscope start --help)\n');
  });

  it('refuses a bad environment variable in one line naming it, exit code 2', async () => {
    const cli = runCli(['start', '--no-fleet'], { AGENT_TIMEOUT_SECONDS: 'soon' });
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr).toMatch(
      /^swarmscope: invalid configuration: AGENT_TIMEOUT_SECONDS: .* \(got "soon"\)\n$/,
    );
  });

  it('refuses to start beside a running one: one line naming the busy port and the variable that moves it, exit code 2', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const busy = (holder.address() as AddressInfo).port;
    try {
      const cli = runCli(['start', '--no-fleet'], {
        HEALTH_MONITOR_PORT: '0',
        ANOMALY_DETECTOR_PORT: String(busy),
        EMERGENCE_DETECTOR_PORT: '0',
        AUTOSCALER_PORT: '0',
        INCIDENTS_PORT: '0',
      });
      expect(await cli.exited).toBe(2);
      const lines = cli
        .output()
        .stderr.split('\n')
        .filter((line) => line.startsWith('swarmscope:'));
      expect(lines).toEqual([
        `swarmscope: port ${busy} on 127.0.0.1 is already in use (EADDRINUSE: is Swarmscope already running?): stop what holds it, or set ANOMALY_DETECTOR_PORT to a free port`,
      ]);
      expect(cli.output().stderr).not.toContain('    at ');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('refuses to start when its Redis does not answer: one line naming it and REDIS_URL, exit code 2, no fallback to memory', async () => {
    const nobody = await freePort();
    const cli = runCli(['start', '--no-fleet'], {
      REDIS_URL: `redis://127.0.0.1:${nobody}`,
      HEALTH_MONITOR_PORT: '0',
      ANOMALY_DETECTOR_PORT: '0',
      EMERGENCE_DETECTOR_PORT: '0',
      AUTOSCALER_PORT: '0',
      INCIDENTS_PORT: '0',
    });
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr).toMatch(
      new RegExp(
        `^swarmscope: Redis at redis://127\\.0\\.0\\.1:${nobody} is unreachable \\(.*ECONNREFUSED.*\\): start it, or set REDIS_URL`,
        'm',
      ),
    );
    expect(cli.output().stdout).not.toContain('Swarmscope is running');
  });
});
