import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { SCHEMA_VERSION } from '@swarmscope/history';
import { probeReports, runCli, runCliOnSmallDisk, tempDataDir, waitFor } from './test-support/cli';
import { freePort } from '@swarmscope/testkit';

// Runs the built CLI on a data directory of its own, as a user would, and kills it.

const PROBE = 'history-probe';

// A failed expectation must not leave a platform running (and jest waiting for it).
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});

function run(args: string[], env: Record<string, string>) {
  const cli = runCli(args, { ANOMALY_DETECTOR_PORT: '0', EMERGENCE_DETECTOR_PORT: '0', AUTOSCALER_PORT: '0', ...env });
  children.add(cli.child);
  return cli;
}

const getJson = async (url: string) => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as any;
};

/** Rows the history committed, by table, from health-monitor's /metrics. */
async function committed(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Object.fromEntries(
    [...text.matchAll(/^swarmscope_history_rows_committed\{table="(\w+)"[^}]*\} (\d+)/gm)].map((m) => [
      m[1]!,
      Number(m[2]),
    ]),
  );
}

async function startPlatform(dataDir: string) {
  const [health, incidents, autoscaler, anomaly, emergence] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const cli = run(['start', '--no-fleet'], {
    SWARMSCOPE_DATA_DIR: dataDir,
    HEALTH_MONITOR_PORT: String(health),
    INCIDENTS_PORT: String(incidents),
    AUTOSCALER_PORT: String(autoscaler),
    ANOMALY_DETECTOR_PORT: String(anomaly),
    EMERGENCE_DETECTOR_PORT: String(emergence),
  });
  const url = `http://127.0.0.1:${health}`;
  // The banner comes once every service listens.
  await waitFor('the platform to start', async () => (cli.output().stdout.includes('Ctrl-C stops') ? true : undefined));
  return {
    cli,
    url,
    incidentsUrl: `http://127.0.0.1:${incidents}`,
    autoscalerUrl: `http://127.0.0.1:${autoscaler}`,
    anomalyUrl: `http://127.0.0.1:${anomaly}`,
    emergenceUrl: `http://127.0.0.1:${emergence}`,
  };
}

describe('swarmscope start keeps its history', () => {
  it('finds the registry, closed windows, anomalies, the open incident and a policy again after kill -9, and says its detectors warm up again', async () => {
    const dataDir = tempDataDir('swarmscope-kill-');
    const first = await startPlatform(dataDir);
    expect(first.cli.output().stdout).toContain(join(dataDir, 'history.duckdb'));
    const posted = await fetch(`${first.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reports: probeReports(PROBE, Date.now()) }),
    });
    expect(posted.status).toBe(200);
    const policy = await fetch(`${first.autoscalerUrl}/policies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pool: 'probe', minReplicas: 7, maxReplicas: 20 }),
    });
    expect(policy.status).toBe(200);
    const incident = await waitFor('an incident naming the probe', async () => {
      const body = await getJson(`${first.incidentsUrl}/incidents?limit=50`);
      return body.items.find((i: { agents: string[] }) => i.agents.includes(PROBE)) as
        { id: string; status: string } | undefined;
    });
    const before = await waitFor("the pool's windows", async () => {
      const body = await getJson(`${first.url}/windows/pool/probe`);
      return body.windows.length >= 30 ? (body.windows as Array<{ start: number; count: number }>) : undefined;
    });
    // Anomalies are written by the history's own consumer: wait until it committed some, then kill without warning.
    await waitFor('anomaly events and the policy on disk', async () => {
      const rows = await committed(first.url);
      return (rows.anomaly_events ?? 0) > 0 && (rows.policies ?? 0) > 0 ? true : undefined;
    });
    first.cli.child.kill('SIGKILL');
    await first.cli.exited;

    const second = await startPlatform(dataDir);
    expect(second.cli.output().stdout).toMatch(/restored 1 agents, [1-9]\d* open incidents/);
    expect((await getJson(`${second.url}/agents/${PROBE}`)).pool).toBe('probe');
    const after = (await getJson(`${second.url}/windows/pool/probe`)).windows as Array<{
      start: number;
      count: number;
    }>;
    expect(after.map((w) => [w.start, w.count])).toEqual(expect.arrayContaining(before.map((w) => [w.start, w.count])));
    expect(await getJson(`${second.autoscalerUrl}/policies/probe`)).toMatchObject({
      pool: 'probe',
      minReplicas: 7,
      maxReplicas: 20,
    });
    const reopened = await getJson(`${second.incidentsUrl}/incidents/${incident.id}`);
    expect(reopened.id).toBe(incident.id);
    // The pool's latency percentiles over the windows from before the kill, read from the file: every sample of them.
    const percentiles = await getJson(
      `${second.url}/windows/pool/probe/percentiles?from=${before[0]!.start}&to=${before.at(-1)!.start}`,
    );
    expect(percentiles).toMatchObject({ method: 'sketch', unsketched: 0, windows: before.length });
    expect(percentiles.samples).toBe(
      before.reduce((sum, w) => sum + (w as unknown as { latency: { samples: number } }).latency.samples, 0),
    );
    expect(percentiles.percentiles.p99).toBeGreaterThanOrEqual(percentiles.percentiles.p50);

    // The anomaly list continues: the probe's anomalies are listed again, those left open closed by the restart
    // (their detector starts without a baseline), and the detectors say they are warming up.
    expect(second.cli.output().stdout).toMatch(
      /[1-9]\d* anomalies \([1-9]\d* open ones closed: baselines warm up again\)/,
    );
    const listed = await waitFor("the probe's anomalies closed by the restart", async () => {
      const items = (await getJson(`${second.anomalyUrl}/anomalies?agentId=${PROBE}&limit=100`)).items as Array<{
        status: string;
        explanation: string;
      }>;
      return items.length > 0 && items.every((a) => a.status === 'resolved') ? items : undefined;
    });
    expect(listed.some((a) => a.explanation.includes('closed at a restart of the platform'))).toBe(true);
    expect((await getJson(`${second.anomalyUrl}/detectors`)).warmUp).toEqual({
      agents: 0,
      warming: 0,
      reportsToWarm: expect.any(Number),
    });
    // The last fresh report used a tool: its usage is written with the open window when the platform stops.
    const reports: Array<Record<string, unknown>> = probeReports(PROBE, Date.now()).slice(-20);
    reports[19] = { ...reports[19]!, tools: { web_search: { calls: 3, errors: 1, durationSeconds: 0.9 } } };
    const fresh = await fetch(`${second.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reports }),
    });
    expect(fresh.status).toBe(200);
    const warming = await waitFor('the probe warming up', async () => {
      const { warmUp } = await getJson(`${second.anomalyUrl}/detectors`);
      return warmUp.agents === 1 ? warmUp : undefined;
    });
    expect(warming.warming).toBe(1);
    const { horizon } = await getJson(`${second.emergenceUrl}/fleet/state`);
    expect(horizon).toMatchObject({ full: false });
    expect(horizon.ticks).toBeLessThan(horizon.of);
    second.cli.child.kill('SIGTERM');
    expect(await second.cli.exited).toBe(0);

    const query = run(
      ['query', '--format', 'json', `SELECT count(*)::INTEGER AS n FROM anomaly_events WHERE agent_id = '${PROBE}'`],
      { SWARMSCOPE_DATA_DIR: dataDir },
    );
    expect(await query.exited).toBe(0);
    expect(JSON.parse(query.output().stdout).n).toBeGreaterThan(0);
    const tools = run(
      [
        'query',
        '--format',
        'json',
        `SELECT tool, sum(calls)::INTEGER AS calls, sum(errors)::INTEGER AS errors FROM tool_usage WHERE pool = 'probe' GROUP BY tool`,
      ],
      { SWARMSCOPE_DATA_DIR: dataDir },
    );
    expect(await tools.exited).toBe(0);
    expect(JSON.parse(tools.output().stdout)).toEqual({ tool: 'web_search', calls: 3, errors: 1 });
  }, 120_000);
});

describe('swarmscope start refuses a data directory it cannot use', () => {
  const ports = async () => ({
    HEALTH_MONITOR_PORT: String(await freePort()),
    INCIDENTS_PORT: String(await freePort()),
  });

  it('exits 2 naming a data directory that is not writable', async () => {
    const parent = tempDataDir('swarmscope-ro-');
    writeFileSync(join(parent, 'a-file'), '');
    const dataDir = join(parent, 'a-file', 'data');
    const cli = run(['start', '--no-fleet'], { SWARMSCOPE_DATA_DIR: dataDir, ...(await ports()) });
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^swarmscope: history store ${dataDir}: data directory is not writable \\(.*\\); set SWARMSCOPE_DATA_DIR`,
        ),
      ),
    ]);
  });

  it('exits 2 naming a corrupt database file', async () => {
    const dataDir = tempDataDir('swarmscope-corrupt-');
    writeFileSync(join(dataDir, 'history.duckdb'), Buffer.alloc(64 * 1024, 7));
    const cli = run(['start', '--no-fleet'], { SWARMSCOPE_DATA_DIR: dataDir, ...(await ports()) });
    expect(await cli.exited).toBe(2);
    const lines = cli.output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      `swarmscope: history store ${join(dataDir, 'history.duckdb')}: cannot open the database (`,
    );
    expect(lines[0]).toContain('move it aside to start afresh');
  });

  it('exits 2 naming a database of a newer schema version', async () => {
    const dataDir = tempDataDir('swarmscope-newer-');
    const instance = await DuckDBInstance.create(join(dataDir, 'history.duckdb'));
    const connection = await instance.connect();
    await connection.run(
      `CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL); INSERT INTO meta VALUES ('schema_version', '99')`,
    );
    connection.closeSync();
    instance.closeSync();
    const cli = run(['start', '--no-fleet'], { SWARMSCOPE_DATA_DIR: dataDir, ...(await ports()) });
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr.trim()).toBe(
      `swarmscope: history store ${join(dataDir, 'history.duckdb')}: written by a newer Swarmscope (schema version 99; this one reads up to ${SCHEMA_VERSION})`,
    );
  });
});

/** Writes zeros to `path` until the disk under it is full; resolves to the bytes written. */
function fillDisk(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(256 * 1024);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk, 0, chunk.length);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return written;
}

describe('swarmscope start on a disk that fills up', () => {
  const ports = async () => ({
    HEALTH_MONITOR_PORT: String(await freePort()),
    INCIDENTS_PORT: String(await freePort()),
    ANOMALY_DETECTOR_PORT: '0',
    EMERGENCE_DETECTOR_PORT: '0',
    AUTOSCALER_PORT: '0',
  });

  it('stops cleanly with one line naming the full disk and exit code 2 when a write finds no space', async () => {
    const env = await ports();
    const cli = runCliOnSmallDisk(['start', '--no-fleet'], { sizeMb: 64 }, env);
    children.add(cli.child);
    await waitFor('the platform to start', async () =>
      cli.output().stdout.includes('Ctrl-C stops') ? true : undefined,
    );
    expect(fillDisk(cli.diskPath('filler'))).toBeGreaterThan(0);
    // A new agent and its closed windows must be committed before they are shown: with no space left, they cannot be.
    await fetch(`http://127.0.0.1:${env.HEALTH_MONITOR_PORT}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reports: probeReports(PROBE, Date.now()) }),
    }).catch(() => undefined);
    expect(await cli.exited).toBe(2);
    const { stdout, stderr } = cli.output();
    const line = `swarmscope: history store ${join(cli.dataDir, 'history.duckdb')}: the disk is full (`;
    expect(stderr.trim().split('\n').at(-1)).toContain(line);
    expect(stderr.trim().split('\n').at(-1)).toMatch(
      /No space left on device.*\); stopped writing: free space or point SWARMSCOPE_DATA_DIR at another disk, then start again$/,
    );
    expect(stderr.split(line)).toHaveLength(2);
    expect(stdout).toContain('stopping (history store fault)');
    expect(stdout).toContain('stopped cleanly');
  }, 90_000);

  it('refuses to start with one line and exit code 2 when the disk is full already', async () => {
    const cli = runCliOnSmallDisk(['start', '--no-fleet'], { sizeMb: 8, full: true }, await ports());
    children.add(cli.child);
    expect(await cli.exited).toBe(2);
    const lines = cli.output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^swarmscope: history store ${join(cli.dataDir, 'history.duckdb')}: the disk is full \\(.*No space left on device.*\\); free space there or set SWARMSCOPE_DATA_DIR to another disk$`,
      ),
    );
  }, 60_000);
});
