import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { probeReports, runCli, waitFor } from './test-support/cli';
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
  return Object.fromEntries([...text.matchAll(/^swarmscope_history_rows_committed\{table="(\w+)"[^}]*\} (\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
}

async function startPlatform(dataDir: string) {
  const [health, incidents, autoscaler] = [await freePort(), await freePort(), await freePort()];
  const cli = run(['start', '--no-fleet'], { SWARMSCOPE_DATA_DIR: dataDir, HEALTH_MONITOR_PORT: String(health), INCIDENTS_PORT: String(incidents), AUTOSCALER_PORT: String(autoscaler) });
  const url = `http://127.0.0.1:${health}`;
  // The banner comes once every service listens.
  await waitFor('the platform to start', async () => (cli.output().stdout.includes('Ctrl-C stops') ? true : undefined));
  return { cli, url, incidentsUrl: `http://127.0.0.1:${incidents}`, autoscalerUrl: `http://127.0.0.1:${autoscaler}` };
}

describe('swarmscope start keeps its history', () => {
  it('finds the registry, closed windows, anomalies, the open incident and a policy again after kill -9', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-kill-'));
    const first = await startPlatform(dataDir);
    expect(first.cli.output().stdout).toContain(join(dataDir, 'history.duckdb'));
    const posted = await fetch(`${first.url}/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reports: probeReports(PROBE, Date.now()) }) });
    expect(posted.status).toBe(200);
    const policy = await fetch(`${first.autoscalerUrl}/policies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pool: 'probe', minReplicas: 7, maxReplicas: 20 }) });
    expect(policy.status).toBe(200);
    const incident = await waitFor('an incident naming the probe', async () => {
      const body = await getJson(`${first.incidentsUrl}/incidents?limit=50`);
      return body.items.find((i: { agents: string[] }) => i.agents.includes(PROBE)) as { id: string; status: string } | undefined;
    });
    const before = await waitFor('the pool\'s windows', async () => {
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
    const after = (await getJson(`${second.url}/windows/pool/probe`)).windows as Array<{ start: number; count: number }>;
    expect(after.map((w) => [w.start, w.count])).toEqual(expect.arrayContaining(before.map((w) => [w.start, w.count])));
    expect(await getJson(`${second.autoscalerUrl}/policies/probe`)).toMatchObject({ pool: 'probe', minReplicas: 7, maxReplicas: 20 });
    const reopened = await getJson(`${second.incidentsUrl}/incidents/${incident.id}`);
    expect(reopened.id).toBe(incident.id);
    second.cli.child.kill('SIGTERM');
    expect(await second.cli.exited).toBe(0);

    const query = run(['query', '--format', 'json', `SELECT count(*)::INTEGER AS n FROM anomaly_events WHERE agent_id = '${PROBE}'`], { SWARMSCOPE_DATA_DIR: dataDir });
    expect(await query.exited).toBe(0);
    expect(JSON.parse(query.output().stdout).n).toBeGreaterThan(0);
  }, 120_000);
});

describe('swarmscope start refuses a data directory it cannot use', () => {
  const ports = async () => ({ HEALTH_MONITOR_PORT: String(await freePort()), INCIDENTS_PORT: String(await freePort()) });

  it('exits 2 naming a data directory that is not writable', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'swarmscope-ro-'));
    writeFileSync(join(parent, 'a-file'), '');
    const dataDir = join(parent, 'a-file', 'data');
    const cli = run(['start', '--no-fleet'], { SWARMSCOPE_DATA_DIR: dataDir, ...(await ports()) });
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^swarmscope: history store ${dataDir}: data directory is not writable \\(.*\\); set SWARMSCOPE_DATA_DIR`))]);
  });

  it('exits 2 naming a corrupt database file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-corrupt-'));
    writeFileSync(join(dataDir, 'history.duckdb'), Buffer.alloc(64 * 1024, 7));
    const cli = run(['start', '--no-fleet'], { SWARMSCOPE_DATA_DIR: dataDir, ...(await ports()) });
    expect(await cli.exited).toBe(2);
    const lines = cli.output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`swarmscope: history store ${join(dataDir, 'history.duckdb')}: cannot open the database (`);
    expect(lines[0]).toContain('move it aside to start afresh');
  });

  it('exits 2 naming a database of a newer schema version', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-newer-'));
    const instance = await DuckDBInstance.create(join(dataDir, 'history.duckdb'));
    const connection = await instance.connect();
    await connection.run(`CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL); INSERT INTO meta VALUES ('schema_version', '99')`);
    connection.closeSync();
    instance.closeSync();
    const cli = run(['start', '--no-fleet'], { SWARMSCOPE_DATA_DIR: dataDir, ...(await ports()) });
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr.trim()).toBe(
      `swarmscope: history store ${join(dataDir, 'history.duckdb')}: written by a newer Swarmscope (schema version 99; this one reads up to 1)`,
    );
  });
});
