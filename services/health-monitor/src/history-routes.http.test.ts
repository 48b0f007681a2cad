import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DDSketch } from '@datadog/sketches-js';
import { createLogger, parseEnv, type Backends } from '@swarmscope/core';
import { History, ToolUsageRecorder, durableStore, restoreInto } from '@swarmscope/history';
import { healthMonitorEnv } from './env';
import { backendsFor, runHealthMonitor, type RunningHealthMonitor } from './run';

// The routes that read the history (percentiles over a range, hourly windows) against a real DuckDB file.

const logger = createLogger({ name: 'test', level: 'silent' });
const WINDOW = 60_000;
const HOUR = 3_600_000;
// 20 minutes into an hour: the two windows below share it.
const T0 = Math.floor(1_732_350_000_000 / HOUR) * HOUR + 20 * WINDOW;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(dataDir: string | undefined, now: number, vars: Record<string, string> = {}) {
  const env = parseEnv(healthMonitorEnv, { HEALTH_MONITOR_PORT: '0', LOG_LEVEL: 'silent', ...vars });
  const live = await backendsFor(env, logger);
  const history = dataDir ? await History.open({ dataDir, logger }) : undefined;
  // As `swarmscope start` does: the registry back before the service starts.
  if (history) await restoreInto(live.store, history);
  const backends: Backends = history ? { ...live, store: durableStore(live.store, history) } : live;
  const clock = { now };
  const running: RunningHealthMonitor = await runHealthMonitor(env, backends, logger, () => clock.now);
  const url = running.server.url;
  return {
    clock,
    running,
    history,
    get: async (path: string) => {
      const response = await fetch(url + path);
      return { status: response.status, body: (await response.json()) as any };
    },
    post: (path: string, body: unknown) =>
      fetch(url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    stop: async () => {
      await running.stop();
      await backends.close();
    },
  };
}

const report = (agentId: string, timestamp: number, seconds: number) => ({
  agentId,
  timestamp,
  model: 'gpt-4o',
  pool: 'support',
  type: 'chat',
  metrics: { response_time_seconds: seconds, requests: 1, errors: 0 },
});

/** What a sketch of every value answers (merging sketches loses nothing: the history's answer must be this one). */
function sketchAnswer(values: number[], q: number): number {
  const sketch = new DDSketch({ relativeAccuracy: 0.01 });
  for (const value of values) sketch.accept(value);
  return sketch.getValueAtQuantile(q);
}

describe('health-monitor over its history', () => {
  const values = Array.from({ length: 20 }, (_, i) => i + 1);
  let h: Awaited<ReturnType<typeof start>>;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-hm-history-'));
    dirs.push(dataDir);
    h = await start(dataDir, T0);
    // Window T0: a-1 answers in 1..5 s, a-2 in 6..10 s; window T0 + 1 min: a-1 in 11..15 s, a-2 in 16..20 s.
    const reports = values.map((v) =>
      report(v % 10 >= 1 && v % 10 <= 5 ? 'a-1' : 'a-2', (v <= 10 ? T0 : T0 + WINDOW) + v * 100, v),
    );
    expect((await h.post('/v1/ingest', { reports })).status).toBe(200);
    h.clock.now = T0 + 2 * WINDOW + 6000;
    await h.running.monitor.tick();
    // A restart: a fresh live store, the same file. What follows is read from disk.
    await h.stop();
    h = await start(dataDir, T0 + 3 * WINDOW);
  });
  afterAll(() => h.stop());

  it("answers a pool's and the fleet's percentiles over a range from their merged sketches", async () => {
    for (const path of [
      '/windows/pool/support/percentiles',
      '/windows/fleet/all/percentiles',
      '/windows/model/gpt-4o/percentiles',
    ]) {
      const { status, body } = await h.get(`${path}?from=${T0}&to=${T0 + WINDOW}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        from: T0,
        to: T0 + WINDOW,
        windows: 2,
        samples: 20,
        method: 'sketch',
        unsketched: 0,
      });
      for (const [name, q] of [
        ['p50', 0.5],
        ['p95', 0.95],
        ['p99', 0.99],
      ] as const)
        expect(body.percentiles[name]).toBeCloseTo(sketchAnswer(values, q), 9);
    }
    // Against the exact answers (nearest rank over 1..20: 10, 19, 19), within the sketches' 1 %.
    const { body } = await h.get(`/windows/pool/support/percentiles?from=${T0}&to=${T0 + WINDOW}&q=0.5,0.95,0.999`);
    expect(Object.keys(body.percentiles)).toEqual(['p50', 'p95', 'p99.9']);
    expect(Math.abs(body.percentiles.p50 - 10) / 10).toBeLessThan(0.01);
    expect(Math.abs(body.percentiles.p95 - 19) / 19).toBeLessThan(0.01);
    // Only the second window: 11..20.
    const second = await h.get(`/windows/pool/support/percentiles?from=${T0 + 1}&to=${T0 + WINDOW}&q=0.5`);
    expect(second.body).toMatchObject({ windows: 1, samples: 10 });
    expect(second.body.percentiles.p50).toBeCloseTo(sketchAnswer(values.slice(10), 0.5), 9);
  });

  it("answers an agent's from its windows' own percentiles, weighted by samples", async () => {
    const windows = (await h.get(`/agents/a-1/trends?from=${T0}&to=${T0 + WINDOW}`)).body.windows as Array<{
      latency: { p50: number; samples: number };
    }>;
    expect(windows.map((w) => w.latency.samples)).toEqual([5, 5]);
    const { status, body } = await h.get(`/windows/agent/a-1/percentiles?from=${T0}&to=${T0 + WINDOW}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ key: 'agent:a-1', windows: 2, samples: 10, method: 'window-mean' });
    expect(body.percentiles.p50).toBeCloseTo((windows[0]!.latency.p50 + windows[1]!.latency.p50) / 2, 9);
    expect(body.percentiles.p50).toBeCloseTo(
      (sketchAnswer([1, 2, 3, 4, 5], 0.5) + sketchAnswer([11, 12, 13, 14, 15], 0.5)) / 2,
      9,
    );
  });

  it('serves a range one window an hour', async () => {
    const { status, body } = await h.get(`/windows/pool/support?from=${T0}&to=${T0 + WINDOW}&step=hour`);
    expect(status).toBe(200);
    expect(body.step).toBe('hour');
    expect(body.windows).toHaveLength(1);
    expect(body.windows[0]).toMatchObject({
      start: T0 - 20 * WINDOW,
      durationMs: HOUR,
      count: 20,
      latency: { samples: 20, max: 20 },
    });
    expect(body.windows[0].latency.p99).toBeCloseTo(sketchAnswer(values, 0.99), 9);
    expect(
      (await h.get(`/windows/pool/support?from=${T0}&to=${T0 + WINDOW}`)).body.windows.map(
        (w: { durationMs: number }) => w.durationMs,
      ),
    ).toEqual([WINDOW, WINDOW]);
  });

  it('refuses bad query input naming the field, and keeps serving', async () => {
    const cases: Array<[string, string]> = [
      [`/windows/pool/support/percentiles?q=1.5`, 'query.q.0'],
      [`/windows/pool/support/percentiles?q=0.5,abc`, 'query.q.1'],
      [`/windows/pool/support/percentiles?q=`, 'query.q.0'],
      [`/windows/pool/support/percentiles?q=${Array(11).fill('0.5').join(',')}`, 'query.q'],
      [`/windows/pool/support/percentiles?from=${T0 + 1}&to=${T0}`, 'query.from'],
      [`/windows/pool/support/percentiles?from=yesterday`, 'query.from'],
      [`/windows/agent/a-1/percentiles?q=0.9`, 'query.q'],
      [`/windows/galaxy/x/percentiles`, 'params.kind'],
      [`/windows/pool/support?step=minute`, 'query.step'],
    ];
    for (const [path, field] of cases) {
      const { status, body } = await h.get(path);
      expect({ path, status, code: body.error.code }).toEqual({ path, status: 400, code: 'SWS_INVALID_FIELD' });
      expect(body.error.message.startsWith(field)).toBe(true);
    }
    expect((await h.get(`/windows/agent/a-1/percentiles?q=0.9`)).body.error.message).toBe(
      "query.q: an agent's windows keep p50, p95 and p99 only, not p90",
    );
    expect((await h.get(`/windows/pool/support/percentiles?from=${T0}&to=${T0 + WINDOW}`)).status).toBe(200);
  });
});

describe('health-monitor without a history (distributed mode)', () => {
  it('says percentiles over a range and hourly windows need the embedded history', async () => {
    const h = await start(undefined, T0);
    try {
      const percentiles = await h.get('/windows/pool/support/percentiles');
      expect(percentiles.status).toBe(404);
      expect(percentiles.body.error.message).toContain('percentiles over a range come from the embedded history');
      const hourly = await h.get('/windows/pool/support?step=hour');
      expect(hourly.status).toBe(400);
      expect(hourly.body.error.message).toMatch(/^query\.step: hour needs the embedded history/);
      const tools = await h.get('/tools/usage');
      expect(tools.status).toBe(404);
      expect(tools.body.error.message).toContain('tool usage over a range comes from the embedded history');
    } finally {
      await h.stop();
    }
  });
});

describe('tool usage over a range, from the history', () => {
  let h: Awaited<ReturnType<typeof start>>;
  const tools = (agentId: string, pool: string, timestamp: number, used: Record<string, [number, number, number]>) => ({
    ...report(agentId, timestamp, 1),
    pool,
    tools: Object.fromEntries(
      Object.entries(used).map(([tool, [calls, errors, durationSeconds]]) => [
        tool,
        { calls, errors, durationSeconds },
      ]),
    ),
  });

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-hm-tools-'));
    dirs.push(dataDir);
    h = await start(dataDir, T0);
    // The recorder as `swarmscope start` runs it: each window's calls, read from health-monitor's own tool totals.
    const recorder = new ToolUsageRecorder(h.history!, h.running.monitor.tools, { windowMs: WINDOW, logger });
    const post = async (...reports: unknown[]) => expect((await h.post('/v1/ingest', { reports })).status).toBe(200);
    // Window T0: support calls web_search 3 times (1 error, 1.5 s) and sql twice; billing calls web_search once.
    await post(
      tools('a-1', 'support', T0 + 100, { web_search: [2, 1, 1], sql: [2, 0, 0.5] }),
      tools('a-2', 'support', T0 + 200, { web_search: [1, 0, 0.5] }),
      tools('b-1', 'billing', T0 + 300, { web_search: [1, 0, 0.25] }),
    );
    await recorder.record(T0);
    // An hour later: support calls web_search 4 more times (2 errors).
    h.clock.now = T0 + HOUR;
    await post(tools('a-1', 'support', T0 + HOUR, { web_search: [4, 2, 2] }));
    await recorder.record(T0 + HOUR);
    // A restart: what follows is read from the file.
    await h.stop();
    h = await start(dataDir, T0 + 2 * HOUR);
  });
  afterAll(() => h.stop());

  it('sums calls by pool and tool over the range, most called first', async () => {
    const { status, body } = await h.get(`/tools/usage?from=${T0}&to=${T0 + HOUR}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      from: T0,
      to: T0 + HOUR,
      step: 'total',
      usage: [
        { pool: 'support', tool: 'web_search', calls: 7, errors: 3, durationSeconds: 3.5 },
        { pool: 'support', tool: 'sql', calls: 2, errors: 0, durationSeconds: 0.5 },
        { pool: 'billing', tool: 'web_search', calls: 1, errors: 0, durationSeconds: 0.25 },
      ],
    });
    // The range holds windows by their start: the second hour's window alone.
    const later = await h.get(`/tools/usage?from=${T0 + 1}&to=${T0 + HOUR}`);
    expect(later.body.usage).toEqual([
      { pool: 'support', tool: 'web_search', calls: 4, errors: 2, durationSeconds: 2 },
    ]);
  });

  it('gives a row per hour, and keeps only the pool or tool named', async () => {
    const hourStart = T0 - 20 * WINDOW;
    const { body } = await h.get(`/tools/usage?from=${T0}&to=${T0 + HOUR}&step=hour&tool=web_search`);
    expect(body).toMatchObject({ step: 'hour', tool: 'web_search' });
    expect(body.usage).toEqual([
      { start: hourStart, pool: 'support', tool: 'web_search', calls: 3, errors: 1, durationSeconds: 1.5 },
      { start: hourStart, pool: 'billing', tool: 'web_search', calls: 1, errors: 0, durationSeconds: 0.25 },
      { start: hourStart + HOUR, pool: 'support', tool: 'web_search', calls: 4, errors: 2, durationSeconds: 2 },
    ]);
    const billing = await h.get(`/tools/usage?from=${T0}&to=${T0 + HOUR}&pool=billing`);
    expect(billing.body.usage).toEqual([
      { pool: 'billing', tool: 'web_search', calls: 1, errors: 0, durationSeconds: 0.25 },
    ]);
    expect((await h.get(`/tools/usage?from=${T0}&to=${T0 + HOUR}&pool=nobody`)).body.usage).toEqual([]);
  });

  it('refuses bad query input naming the field, and keeps serving', async () => {
    const cases: Array<[string, string]> = [
      [`/tools/usage?step=minute`, 'query.step'],
      [`/tools/usage?from=${T0 + 1}&to=${T0}`, 'query.from'],
      [`/tools/usage?to=soon`, 'query.to'],
      [`/tools/usage?pool=`, 'query.pool'],
      [`/tools/usage?tool=${'x'.repeat(129)}`, 'query.tool'],
    ];
    for (const [path, field] of cases) {
      const { status, body } = await h.get(path);
      expect({ path, status, code: body.error.code }).toEqual({ path, status: 400, code: 'SWS_INVALID_FIELD' });
      expect(body.error.message.startsWith(field)).toBe(true);
    }
    expect((await h.get(`/tools/usage?from=${T0}&to=${T0 + HOUR}`)).status).toBe(200);
  });
});

describe("tool usage of reports ahead of the server's clock (issue 23)", () => {
  let h: Awaited<ReturnType<typeof start>>;
  const ahead = (agentId: string, timestamp: number, calls: number) => ({
    ...report(agentId, timestamp, 1),
    tools: { web_search: { calls, errors: 0, durationSeconds: calls / 2 } },
  });
  const usage = async () => (await h.get(`/tools/usage?from=${T0 - HOUR}&to=${T0 + 3 * HOUR}`)).body.usage;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-hm-skew-'));
    dirs.push(dataDir);
    h = await start(dataDir, T0, { MAX_FUTURE_SKEW_SECONDS: '300' });
  });
  afterAll(() => h.stop());

  it('counts every tool of a report within the allowed skew and refuses one beyond it whole, naming the field', async () => {
    const recorder = new ToolUsageRecorder(h.history!, h.running.monitor.tools, { windowMs: WINDOW, logger });
    // 4 minutes ahead (the skew allows 5): accepted, its 3 calls counted.
    const within = await h.post('/v1/ingest', { reports: [ahead('a-1', T0 + 4 * WINDOW, 3)] });
    expect({ status: within.status, body: await within.json() }).toMatchObject({
      status: 200,
      body: { accepted: 1, rejected: 0, errors: [] },
    });
    // An hour ahead, alone in its batch: refused with a 4xx naming the field and the allowed skew, nothing counted.
    const beyond = await h.post('/v1/ingest', { reports: [ahead('a-2', T0 + HOUR, 5)] });
    expect({ status: beyond.status, body: await beyond.json() }).toEqual({
      status: 400,
      body: {
        error: {
          code: 'SWS_INVALID_FIELD',
          message: 'reports.0.timestamp: more than 300 s in the future (MAX_FUTURE_SKEW_SECONDS)',
          issues: [{ path: 'reports.0.timestamp', message: 'more than 300 s in the future (MAX_FUTURE_SKEW_SECONDS)' }],
        },
      },
    });
    // Beside a good report: partial success, the item named; the good one's 7 calls counted, the refused one's 11 not.
    const mixed = await h.post('/v1/ingest', {
      reports: [ahead('a-3', T0 + 1000, 7), ahead('a-4', T0 + 6 * WINDOW, 11)],
    });
    expect({ status: mixed.status, body: await mixed.json() }).toMatchObject({
      status: 200,
      body: {
        accepted: 1,
        rejected: 1,
        errors: [
          {
            index: 1,
            path: 'reports.1.timestamp',
            message: 'more than 300 s in the future (MAX_FUTURE_SKEW_SECONDS)',
          },
        ],
      },
    });
    await recorder.record(T0);
    expect(await usage()).toEqual([{ pool: 'support', tool: 'web_search', calls: 10, errors: 0, durationSeconds: 5 }]);
    // The refused agents were not registered either: the report was refused whole.
    expect((await h.get('/agents/a-2')).status).toBe(404);
    expect((await h.get('/agents/a-4')).status).toBe(404);
  });
});
