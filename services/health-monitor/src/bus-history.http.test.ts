import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DDSketch } from '@datadog/sketches-js';
import {
  createLogger,
  openBackends,
  parseEnv,
  publishByKey,
  startService,
  topics,
  type AnomalyEvent,
  type Backends,
  type Incident,
  type RunningService,
  type WindowSummary,
} from '@swarmscope/core';
import { encodeSketch, queryHistory } from '@swarmscope/history';
import { startRedisServer, type RedisServerHandle } from '@swarmscope/testkit';
import { healthMonitorEnv } from './env';
import { windowRetentionMs } from './run';
import { healthMonitorService } from './service';

// Distributed mode's history against a real redis-server: the replica given SWARMSCOPE_DATA_DIR writes what the bus
// carries (whoever published it) into its DuckDB file and answers range reads from it; a second replica given a data
// directory is refused; a restarted writer resumes the group where its file stopped.

const logger = createLogger({ name: 'test', level: 'silent' });
const MINUTE = 60_000;
const HOUR = 3_600_000;
// Hours ago, not years: the writer's maintenance jobs run (and prune what is older than the retention).
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;

let redis: RedisServerHandle;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-hm-bus-history-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const envOf = (dataDir: string | undefined) =>
  parseEnv(healthMonitorEnv, {
    HEALTH_MONITOR_PORT: '0',
    LOG_LEVEL: 'silent',
    REDIS_URL: redis.url,
    BUS_SHARDS: '2',
    ...(dataDir ? { SWARMSCOPE_DATA_DIR: dataDir } : {}),
  });

async function replica(dataDir: string | undefined): Promise<{ running: RunningService; backends: Backends }> {
  const env = envOf(dataDir);
  const backends = await openBackends({ env, windowRetentionMs: windowRetentionMs(env), logger });
  try {
    return { running: await startService(healthMonitorService, { env, backends, logger }), backends };
  } catch (error) {
    await backends.close();
    throw error;
  }
}

const stop = async ({ running, backends }: { running: RunningService; backends: Backends }) => {
  await running.stop();
  await backends.close();
};

const get = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as any };
};

/** Polls `read` until `done` holds (the writer consumes the bus on its own schedule); at most ~20 s. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await read();
    if (done(value) || attempt >= 200) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A pool's minute with latencies `values` (seconds), sketched as health-monitor sketches aggregate windows. */
function poolWindow(start: number, values: number[]): WindowSummary {
  const sketch = new DDSketch({ relativeAccuracy: 0.01 });
  for (const value of values) sketch.accept(value);
  return {
    start,
    durationMs: MINUTE,
    count: values.length,
    errors: 1,
    errorRate: 1 / values.length,
    latency: {
      mean: sketch.sum / sketch.count,
      p50: sketch.getValueAtQuantile(0.5),
      p95: sketch.getValueAtQuantile(0.95),
      p99: sketch.getValueAtQuantile(0.99),
      max: sketch.max,
      samples: values.length,
    },
    inputTokens: 10,
    outputTokens: 5,
    costUsd: 0.001,
    means: {},
    latencySketch: encodeSketch(sketch),
  };
}

const anomaly = (id: string, time: number): AnomalyEvent => ({
  id,
  event: 'opened',
  time,
  startedAt: time,
  agentId: 'a-1',
  model: 'gpt-4o',
  pool: 'support',
  type: 'chat',
  severity: 'high',
  score: 0.8,
  confidence: 0.7,
  detectors: ['zscore'],
  features: ['latency'],
  evidence: { observed: 3 },
  explanation: 'slow',
});

const incident = (id: string, status: Incident['status']): Incident => ({
  id,
  status,
  severity: 'high',
  title: 'support is slow',
  revision: 2,
  startedAt: T0,
  openedAt: T0,
  updatedAt: T0 + MINUTE,
  lastEventAt: T0 + MINUTE,
  pools: ['support'],
  models: ['gpt-4o'],
  agents: ['a-1'],
  agentCount: 1,
  anomalies: [],
  anomalyCount: 1,
  activeAnomalies: 1,
  emergence: [],
  reasons: ['same agent'],
  narrative: {
    source: 'template',
    template: 't1',
    revision: 2,
    generatedAt: T0,
    what: 'w',
    where: 'p',
    since: 's',
    cause: 'c',
    next: 'n',
  },
  timeline: [{ at: T0, kind: 'opened', detail: 'opened' }],
});

describe('distributed-mode history (Redis bus → one replica → DuckDB)', () => {
  it('keeps what the bus carries, answers range reads from the file, refuses a second writer, and resumes after a restart', async () => {
    const dataDir = tempDir();
    let writer = await replica(dataDir);
    // Another replica (no data directory): it publishes, as an ingest replica does; it keeps no history.
    const other = await replica(undefined);
    try {
      const bus = other.backends.bus;
      const first = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
      const second = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
      await publishByKey(
        bus,
        topics.windows,
        [
          { key: 'pool:support', window: poolWindow(T0, first) },
          { key: 'pool:support', window: poolWindow(T0 + MINUTE, second) },
        ],
        (event) => event.key,
      );
      await publishByKey(bus, topics.anomalies, [anomaly('an-1', T0)], (event) => event.agentId);
      await publishByKey(
        bus,
        topics.incidents,
        [
          { change: 'opened', incident: incident('in-1', 'open') },
          { change: 'resolved', incident: { ...incident('in-1', 'resolved'), resolvedAt: T0 + MINUTE } },
        ],
        (change) => change.incident.id,
      );

      // The windows never reached Redis's window store (only the bus): the answer is the history's.
      const url = writer.running.url;
      const range = `from=${T0}&to=${T0 + MINUTE}`;
      const percentiles = await eventually(
        () => get(`${url}/windows/pool/support/percentiles?${range}&q=0.5`),
        (r) => r.body.samples === 20,
      );
      expect(percentiles.body).toMatchObject({ windows: 2, samples: 20, method: 'sketch' });
      const all = new DDSketch({ relativeAccuracy: 0.01 });
      for (const value of [...first, ...second]) all.accept(value);
      expect(percentiles.body.percentiles.p50).toBeCloseTo(all.getValueAtQuantile(0.5), 9);
      const hourly = await get(`${url}/windows/pool/support?${range}&step=hour`);
      expect(hourly.body.windows).toHaveLength(1);
      expect(hourly.body.windows[0]).toMatchObject({ start: T0, durationMs: HOUR, count: 20, errors: 2 });
      expect((await get(`${url}/windows/pool/support?${range}`)).body.windows.map((w: any) => w.count)).toEqual([
        10, 10,
      ]);
      // Tool usage over a range is not kept in distributed mode (each replica counts its own reports): said, not [].
      const tools = await get(`${url}/tools/usage`);
      expect(tools.status).toBe(404);
      // The replica without a data directory has no history: its hourly read says so.
      expect((await get(`${other.running.url}/windows/pool/support?${range}&step=hour`)).status).toBe(400);

      // A second replica given a data directory is refused: one writer.
      await expect(replica(tempDir())).rejects.toThrow(/keeps the distributed history already \(lease "history"\)/);

      // The writer stops; meanwhile the bus carries more; the writer starts again and catches up from its group.
      await stop(writer);
      await publishByKey(bus, topics.anomalies, [anomaly('an-2', T0 + HOUR)], (event) => event.agentId);
      await publishByKey(
        bus,
        topics.windows,
        [{ key: 'pool:billing', window: poolWindow(T0 + HOUR, [1, 2, 3]) }],
        (event) => event.key,
      );
      writer = await replica(dataDir);
      const billing = await eventually(
        () => get(`${writer.running.url}/windows/pool/billing/percentiles?from=${T0 + HOUR}&to=${T0 + HOUR}`),
        (r) => r.body.samples === 3,
      );
      expect(billing.body.samples).toBe(3);
    } finally {
      await stop(other);
      await stop(writer);
    }
    // Every record kind the bus carried is in the file.
    const count = async (sql: string) => (await queryHistory(dataDir, sql)).rows;
    expect(await count('SELECT id FROM anomaly_events ORDER BY id')).toEqual([{ id: 'an-1' }, { id: 'an-2' }]);
    expect(await count('SELECT id, status FROM incidents')).toEqual([{ id: 'in-1', status: 'resolved' }]);
    expect(await count('SELECT count(*)::INTEGER AS n FROM incident_timeline')).toEqual([{ n: 1 }]);
    expect(await count('SELECT key, count(*)::INTEGER AS n FROM series_windows GROUP BY key ORDER BY key')).toEqual([
      { key: 'pool:billing', n: 1 },
      { key: 'pool:support', n: 2 },
    ]);
  });
});
