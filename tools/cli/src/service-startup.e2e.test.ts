import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { MAINS } from './distributed-platform';
import { freePort } from '@swarmscope/testkit';

// Every service's own process (its built main), refused at start for a known cause: ONE line on stderr naming what
// is wrong and the variable that changes it, and exit code 2 (never a stack, never a silent fallback to memory).
const SERVICES = [
  { name: 'health-monitor', main: MAINS.healthMonitor, portVariable: 'HEALTH_MONITOR_PORT' },
  { name: 'anomaly-detector', main: MAINS.anomalyDetector, portVariable: 'ANOMALY_DETECTOR_PORT' },
  { name: 'emergence-detector', main: MAINS.emergenceDetector, portVariable: 'EMERGENCE_DETECTOR_PORT' },
  { name: 'autoscaler', main: MAINS.autoscaler, portVariable: 'AUTOSCALER_PORT' },
  { name: 'incidents', main: MAINS.incidents, portVariable: 'INCIDENTS_PORT' },
];

function runToExit(main: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      REDIS_URL: '',
      REDIS_CLUSTER_NODES: '',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}

describe.each(SERVICES)('$name refused at start', ({ name, main, portVariable }) => {
  it('names the busy port and its variable', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const { code, stderr } = await runToExit(main, { [portVariable]: String(port) });
      expect(stderr).toBe(
        `${name}: port ${port} on 127.0.0.1 is already in use (EADDRINUSE: is Swarmscope already running?): stop what holds it, or set ${portVariable} to a free port\n`,
      );
      expect(code).toBe(2);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('names the Redis it cannot reach and REDIS_URL', async () => {
    const nobody = await freePort();
    const { code, stderr } = await runToExit(main, { [portVariable]: '0', REDIS_URL: `redis://127.0.0.1:${nobody}` });
    expect(stderr).toBe(
      `${name}: Redis at redis://127.0.0.1:${nobody} is unreachable (connect ECONNREFUSED 127.0.0.1:${nobody}): start it, or set REDIS_URL to one that runs (unset it for the embedded in-memory mode)\n`,
    );
    expect(code).toBe(2);
  });

  it('names a bad variable', async () => {
    const { code, stderr } = await runToExit(main, { [portVariable]: 'eighty' });
    expect(stderr).toMatch(new RegExp(`^${name}: invalid configuration: ${portVariable}: .*\\(got "eighty"\\)\\n$`));
    expect(code).toBe(2);
  });
});
