import type { Incident } from '../bus/topics';
import type { AgentRecord, AgentStatus, Store, WindowSummary } from '../store/types';

export interface StoreUnderTest {
  store: Store;
  cleanup(): Promise<void>;
}
export type StoreFactory = (options: { windowRetentionMs: number }) => Promise<StoreUnderTest>;

const RETENTION_MS = 60_000;

export function agent(id: string, overrides: Partial<AgentRecord> = {}): AgentRecord {
  return {
    id,
    model: 'gpt-4o',
    type: 'support',
    pool: 'default',
    labels: { region: 'eu' },
    registeredAt: 1_700_000_000_000,
    lastSeen: 1_700_000_100_000,
    status: 'healthy',
    healthScore: 0.9,
    ...overrides,
  };
}

export function windowAt(start: number, overrides: Partial<WindowSummary> = {}): WindowSummary {
  return {
    start,
    durationMs: 10_000,
    count: 10,
    errors: 1,
    errorRate: 0.1,
    latency: { mean: 0.2, p50: 0.15, p95: 0.4, p99: 0.6, max: 0.7, samples: 10 },
    inputTokens: 100,
    outputTokens: 50,
    costUsd: 0.01,
    means: { 'quality.relevance': 0.8 },
    ...overrides,
  };
}

export function incidentAt(id: string, openedAt: number, overrides: Partial<Incident> = {}): Incident {
  return {
    id,
    status: 'open',
    severity: 'high',
    title: 'latency spike on 3 agents of pool support',
    revision: 1,
    startedAt: openedAt - 30_000,
    openedAt,
    updatedAt: openedAt,
    lastEventAt: openedAt,
    pools: ['support'],
    models: ['gpt-4o'],
    agents: ['a-1', 'a-2', 'a-3'],
    agentCount: 3,
    anomalies: [
      {
        id: 'a-1:1',
        agentId: 'a-1',
        pool: 'support',
        model: 'gpt-4o',
        type: 'latency_spike',
        severity: 'high',
        score: 0.9,
        startedAt: openedAt - 30_000,
        evidence: { value: 9.2, baseline: 0.8 },
      },
    ],
    anomalyCount: 1,
    activeAnomalies: 1,
    emergence: [],
    reasons: ['same pool, onsets within 60 s'],
    narrative: {
      source: 'template',
      template: 'cohort',
      revision: 1,
      generatedAt: openedAt,
      what: 'w',
      where: 'p',
      since: 's',
      cause: 'c',
      next: 'n',
    },
    timeline: [{ at: openedAt, kind: 'opened', detail: 'opened with 1 anomaly' }],
    ...overrides,
  };
}

const pad = (n: number) => String(n).padStart(4, '0');
const STATUSES: AgentStatus[] = ['healthy', 'degraded', 'unhealthy', 'unresponsive'];

/** A fleet whose ids sort as a-0000 .. ; statuses, models and pools cycle with different periods. */
function fleet(size: number): AgentRecord[] {
  return Array.from({ length: size }, (_, i) =>
    agent(`a-${pad(i)}`, { status: STATUSES[i % 4]!, model: i % 3 === 0 ? 'claude' : 'gpt-4o', pool: `p${i % 5}` }),
  );
}

/** Shuffled copy (deterministic), so insertion order never matches id order by accident. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  let seed = 42;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The shared behaviour of every Store implementation. */
export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: Store;

    beforeEach(async () => {
      subject = await factory({ windowRetentionMs: RETENTION_MS });
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    describe('agents', () => {
      it('returns what was upserted, and undefined for an unknown id', async () => {
        const record = agent('a-1', { labels: { region: 'eu', tier: 'gold' } });
        await store.agents.upsert([record]);
        expect(await store.agents.get('a-1')).toEqual(record);
        expect(await store.agents.get('nope')).toBeUndefined();
      });

      it('replaces the whole record on upsert (no field merging)', async () => {
        await store.agents.upsert([agent('a-1', { labels: { region: 'eu', tier: 'gold' }, status: 'healthy' })]);
        const replacement = agent('a-1', { labels: { region: 'us' }, status: 'degraded', healthScore: 0.4 });
        await store.agents.upsert([replacement]);
        expect(await store.agents.get('a-1')).toEqual(replacement);
        expect(await store.agents.count()).toBe(1);
      });

      it('keeps the last record when an id repeats within one batch', async () => {
        await store.agents.upsert([agent('a-1', { pool: 'first' }), agent('a-1', { pool: 'second' })]);
        expect((await store.agents.get('a-1'))?.pool).toBe('second');
        expect(await store.agents.count()).toBe(1);
      });

      it('does not share objects with callers', async () => {
        const record = agent('a-1');
        await store.agents.upsert([record]);
        record.labels.region = 'mutated-input';
        const read = (await store.agents.get('a-1'))!;
        read.labels.region = 'mutated-output';
        expect((await store.agents.get('a-1'))!.labels.region).toBe('eu');
      });

      it('treats an empty upsert as a no-op', async () => {
        await store.agents.upsert([]);
        expect(await store.agents.count()).toBe(0);
        expect(await store.agents.all()).toEqual([]);
      });

      it('counts distinct agents and returns all of them in id order', async () => {
        const agents = fleet(30);
        await store.agents.upsert(shuffled(agents));
        await store.agents.upsert(agents.slice(0, 5)); // re-upserting doesn't add
        expect(await store.agents.count()).toBe(30);
        expect(await store.agents.all()).toEqual(agents);
      });

      it('upserts a large batch (10,000 agents) in one call', async () => {
        const agents = fleet(10_000);
        await store.agents.upsert(agents);
        expect(await store.agents.count()).toBe(10_000);
        expect(await store.agents.get('a-9999')).toEqual(agents[9_999]);
        const page = await store.agents.list({}, { limit: 3, cursor: 'a-5000' });
        expect(page.items.map((a) => a.id)).toEqual(['a-5001', 'a-5002', 'a-5003']);
      });

      it('lists in ascending id order whatever the insertion order', async () => {
        const ids = ['b', 'a-10', 'a-2', 'A', 'a-1', 'z', '0'];
        for (const id of ids) await store.agents.upsert([agent(id)]);
        const page = await store.agents.list({}, { limit: 100 });
        expect(page.items.map((a) => a.id)).toEqual([...ids].sort());
        expect(page.next).toBeUndefined();
      });

      it('filters by status, model and pool, alone and combined', async () => {
        const agents = fleet(60);
        await store.agents.upsert(shuffled(agents));
        const ids = async (filter: Parameters<Store['agents']['list']>[0]) =>
          (await store.agents.list(filter, { limit: 1000 })).items.map((a) => a.id);
        const expected = (pred: (a: AgentRecord) => boolean) => agents.filter(pred).map((a) => a.id);

        expect(await ids({ status: 'degraded' })).toEqual(expected((a) => a.status === 'degraded'));
        expect(await ids({ model: 'claude' })).toEqual(expected((a) => a.model === 'claude'));
        expect(await ids({ pool: 'p2' })).toEqual(expected((a) => a.pool === 'p2'));
        expect(await ids({ status: 'healthy', model: 'claude', pool: 'p0' })).toEqual(
          expected((a) => a.status === 'healthy' && a.model === 'claude' && a.pool === 'p0'),
        );
        expect(await ids({ pool: 'no-such-pool' })).toEqual([]);
      });

      it('paginates a filtered listing without duplicates or gaps', async () => {
        const agents = fleet(1_300); // more than one Redis scan chunk between matches
        await store.agents.upsert(shuffled(agents));
        for (const filter of [{}, { pool: 'p3' }, { status: 'unresponsive' as const, model: 'claude' }]) {
          const expected = agents
            .filter(
              (a) =>
                (!('pool' in filter) || a.pool === filter.pool) &&
                (!('status' in filter) || (a.status === filter.status && a.model === filter.model)),
            )
            .map((a) => a.id);
          const seen: string[] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = await store.agents.list(filter, { limit: 7, ...(cursor === undefined ? {} : { cursor }) });
            // Every page but the last is full; the last one says so by having no `next`.
            if (page.next !== undefined) expect(page.items).toHaveLength(7);
            else expect(page.items.length).toBeLessThanOrEqual(7);
            seen.push(...page.items.map((a) => a.id));
            cursor = page.next;
            expect(++pages).toBeLessThan(400);
          } while (cursor !== undefined);
          expect(seen).toEqual(expected);
        }
      });

      it('has no next page when the last page is exactly full', async () => {
        await store.agents.upsert(fleet(10));
        const first = await store.agents.list({}, { limit: 5 });
        expect(first.next).toBe('a-0004');
        const second = await store.agents.list({}, { limit: 5, cursor: first.next! });
        expect(second.items.map((a) => a.id)).toEqual(['a-0005', 'a-0006', 'a-0007', 'a-0008', 'a-0009']);
        expect(second.next).toBeUndefined();
      });

      it('lists nothing from an empty store, and resumes after a cursor that is not an id', async () => {
        expect(await store.agents.list({}, { limit: 10 })).toEqual({ items: [] });
        await store.agents.upsert(fleet(5));
        const page = await store.agents.list({}, { limit: 10, cursor: 'a-0002x' });
        expect(page.items.map((a) => a.id)).toEqual(['a-0003', 'a-0004']);
        expect(await store.agents.list({}, { limit: 10, cursor: 'zzz' })).toEqual({ items: [] });
      });

      it('rejects page limits outside 1..1000', async () => {
        await store.agents.upsert(fleet(3));
        for (const limit of [0, -1, 1001, 2.5, Number.NaN]) {
          await expect(store.agents.list({}, { limit })).rejects.toThrow(RangeError);
        }
        await expect(store.agents.list({}, { limit: 1000 })).resolves.toMatchObject({ items: expect.any(Array) });
      });
    });

    describe('windows', () => {
      const BASE = 1_700_000_000_000;

      it('returns windows whose start lies in [from, to], ascending, whatever the append order', async () => {
        const starts = [3, 0, 4, 1, 2].map((i) => BASE + i * 10_000);
        await store.windows.append(
          starts.map((start) => ({ key: 'agent:a-1', window: windowAt(start, { count: start }) })),
        );
        const all = await store.windows.range('agent:a-1', BASE, BASE + 40_000);
        expect(all.map((w) => w.start)).toEqual([0, 1, 2, 3, 4].map((i) => BASE + i * 10_000));
        expect(all[2]).toEqual(windowAt(BASE + 20_000, { count: BASE + 20_000 }));
        // Both ends are inclusive; bounds between starts cut cleanly.
        expect((await store.windows.range('agent:a-1', BASE + 10_000, BASE + 30_000)).map((w) => w.start)).toEqual([
          BASE + 10_000,
          BASE + 20_000,
          BASE + 30_000,
        ]);
        expect((await store.windows.range('agent:a-1', BASE + 10_001, BASE + 29_999)).map((w) => w.start)).toEqual([
          BASE + 20_000,
        ]);
        expect(await store.windows.range('agent:a-1', BASE + 41_000, BASE + 99_000)).toEqual([]);
      });

      it('keeps keys apart and returns nothing for an unknown key or an inverted range', async () => {
        await store.windows.append([
          { key: 'agent:a-1', window: windowAt(BASE, { count: 1 }) },
          { key: 'model:gpt-4o', window: windowAt(BASE, { count: 2 }) },
          { key: 'pool:support', window: windowAt(BASE, { count: 3 }) },
        ]);
        expect((await store.windows.range('model:gpt-4o', BASE, BASE)).map((w) => w.count)).toEqual([2]);
        expect((await store.windows.range('pool:support', BASE, BASE)).map((w) => w.count)).toEqual([3]);
        expect(await store.windows.range('agent:unknown', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
        expect(await store.windows.range('agent:a-1', BASE + 1, BASE - 1)).toEqual([]);
      });

      it('keeps interaction graph windows apart from series windows under the same key', async () => {
        const edges = [{ from: 'a-1', to: 'a-2', kind: 'delegation', count: 3, errors: 1, latencySumSeconds: 1.5 }];
        await store.graph.append([{ key: 'fleet', window: { start: BASE, durationMs: 10_000, edges } }]);
        await store.windows.append([{ key: 'fleet', window: windowAt(BASE, { count: 7 }) }]);
        expect(await store.graph.range('fleet', BASE, BASE)).toEqual([{ start: BASE, durationMs: 10_000, edges }]);
        expect((await store.windows.range('fleet', BASE, BASE)).map((w) => w.count)).toEqual([7]);
        const [copy] = await store.graph.range('fleet', BASE, BASE);
        copy!.edges[0]!.count = 99;
        expect((await store.graph.range('fleet', BASE, BASE))[0]!.edges[0]!.count).toBe(3);
      });

      it('replaces a window appended again with the same start (redelivered events)', async () => {
        await store.windows.append([{ key: 'agent:a-1', window: windowAt(BASE, { count: 1 }) }]);
        await store.windows.append([{ key: 'agent:a-1', window: windowAt(BASE, { count: 2 }) }]);
        await store.windows.append([{ key: 'agent:a-1', window: windowAt(BASE, { count: 2 }) }]);
        expect((await store.windows.range('agent:a-1', BASE, BASE)).map((w) => w.count)).toEqual([2]);
      });

      it('drops windows older than the retention, relative to the newest window of the key', async () => {
        const key = 'agent:a-1';
        await store.windows.append(
          [0, 10_000, 20_000, 30_000, 40_000].map((o) => ({ key, window: windowAt(BASE + o) })),
        );
        await store.windows.append([{ key: 'agent:other', window: windowAt(BASE) }]);
        // Newest = BASE + 100s, retention 60 s: starts before BASE + 40 s go, BASE + 40 s stays.
        await store.windows.append([{ key, window: windowAt(BASE + 100_000) }]);
        expect((await store.windows.range(key, 0, Number.MAX_SAFE_INTEGER)).map((w) => w.start - BASE)).toEqual([
          40_000, 100_000,
        ]);
        // A late window already older than the retention is dropped at once.
        await store.windows.append([{ key, window: windowAt(BASE + 30_000) }]);
        expect((await store.windows.range(key, 0, Number.MAX_SAFE_INTEGER)).map((w) => w.start - BASE)).toEqual([
          40_000, 100_000,
        ]);
        // Other keys are untouched by this key's retention.
        expect(await store.windows.range('agent:other', BASE, BASE)).toHaveLength(1);
      });

      it('does not share window objects with callers', async () => {
        const window = windowAt(BASE);
        await store.windows.append([{ key: 'agent:a-1', window }]);
        window.means['quality.relevance'] = -1;
        const [read] = await store.windows.range('agent:a-1', BASE, BASE);
        read!.latency.p99 = -1;
        const [again] = await store.windows.range('agent:a-1', BASE, BASE);
        expect(again).toEqual(windowAt(BASE));
      });
    });

    describe('incidents', () => {
      const T = 1_700_000_000_000;

      it('returns what was upserted, replaces by id, and does not share objects with callers', async () => {
        const first = incidentAt('inc-1', T);
        await store.incidents.upsert([first]);
        expect(await store.incidents.get('inc-1')).toEqual(first);
        expect(await store.incidents.get('nope')).toBeUndefined();
        first.agents.push('mutated-input');
        const read = (await store.incidents.get('inc-1'))!;
        read.timeline.push({ at: T, kind: 'narrated', detail: 'mutated-output' });
        expect(await store.incidents.get('inc-1')).toEqual(incidentAt('inc-1', T));
        const acknowledged = incidentAt('inc-1', T, { status: 'acknowledged', revision: 2, updatedAt: T + 5 });
        await store.incidents.upsert([acknowledged]);
        expect(await store.incidents.get('inc-1')).toEqual(acknowledged);
        await store.incidents.upsert([]);
        expect(await store.incidents.list({}, 10)).toEqual([acknowledged]);
      });

      it('lists newest first (opened time, then id) and filters by status, severity, risk, pool, agent and since', async () => {
        await store.incidents.upsert([
          incidentAt('b', T + 2000, { severity: 'critical', risk: 'high', pools: ['coding', 'support'] }),
          incidentAt('a', T + 2000, { status: 'resolved', resolvedAt: T + 9000, updatedAt: T + 9000 }),
          incidentAt('c', T, { status: 'acknowledged', severity: 'low', pools: ['coding'] }),
          incidentAt('d', T + 5000, {
            pools: ['triage'],
            risk: 'low',
            agents: ['t-1'],
            anomalies: [{ ...incidentAt('x', T).anomalies[0]!, id: 'a-9:1', agentId: 'a-9' }],
          }),
        ]);
        const ids = async (filter: Parameters<Store['incidents']['list']>[0], limit = 100) =>
          (await store.incidents.list(filter, limit)).map((i) => i.id);
        expect(await ids({})).toEqual(['d', 'a', 'b', 'c']);
        expect(await ids({}, 2)).toEqual(['d', 'a']);
        expect(await ids({ status: 'open' })).toEqual(['d', 'b']);
        expect(await ids({ status: 'resolved' })).toEqual(['a']);
        expect(await ids({ severity: 'critical' })).toEqual(['b']);
        expect(await ids({ pool: 'coding' })).toEqual(['b', 'c']);
        expect(await ids({ pool: 'coding', severity: 'low', status: 'acknowledged' })).toEqual(['c']);
        expect(await ids({ since: T + 5000 })).toEqual(['d', 'a']);
        expect(await ids({ pool: 'nowhere' })).toEqual([]);
        // An agent named in the listed agents, or only in an anomaly (past the listed ones).
        expect(await ids({ agent: 'a-2' })).toEqual(['a', 'b', 'c']);
        expect(await ids({ agent: 't-1' })).toEqual(['d']);
        expect(await ids({ agent: 'a-9' })).toEqual(['d']);
        expect(await ids({ agent: 'a-1', status: 'open' })).toEqual(['b']);
        expect(await ids({ agent: 'nobody' })).toEqual([]);
        // An incident without a risk class (an older replica's) counts as low.
        expect(await ids({ risk: 'high' })).toEqual(['b']);
        expect(await ids({ risk: 'low' })).toEqual(['d', 'a', 'c']);
        expect(await ids({ risk: 'medium' })).toEqual([]);
      });

      it('orders ties by id across many incidents and returns only the limit', async () => {
        // 1,200 incidents opened in 3 distinct instants: ties span any read chunk of the Redis store.
        const all = Array.from({ length: 1200 }, (_, i) =>
          incidentAt(`inc-${pad(i)}`, T + (i % 3) * 1000, { severity: i % 2 === 0 ? 'low' : 'high' }),
        );
        await store.incidents.upsert(shuffled(all));
        const expected = [...all].sort((x, y) => y.openedAt - x.openedAt || (x.id < y.id ? -1 : 1));
        expect((await store.incidents.list({}, 1000)).map((i) => i.id)).toEqual(
          expected.slice(0, 1000).map((i) => i.id),
        );
        expect((await store.incidents.list({ severity: 'high' }, 5)).map((i) => i.id)).toEqual(
          expected
            .filter((i) => i.severity === 'high')
            .slice(0, 5)
            .map((i) => i.id),
        );
      });

      it('lists the unresolved ones, following status changes', async () => {
        await store.incidents.upsert([
          incidentAt('x', T),
          incidentAt('y', T + 1, { status: 'acknowledged' }),
          incidentAt('z', T + 2, { status: 'resolved' }),
        ]);
        expect((await store.incidents.unresolved()).map((i) => i.id)).toEqual(['y', 'x']);
        await store.incidents.upsert([
          incidentAt('x', T, { status: 'resolved' }),
          incidentAt('z', T + 2, { status: 'open' }),
        ]);
        expect((await store.incidents.unresolved()).map((i) => i.id)).toEqual(['z', 'y']);
      });

      it('prunes resolved incidents changed before the cutoff and keeps the rest', async () => {
        await store.incidents.upsert([
          incidentAt('old-resolved', T, { status: 'resolved', updatedAt: T + 10 }),
          incidentAt('old-open', T, { updatedAt: T + 10 }),
          incidentAt('late-resolved', T, { status: 'resolved', updatedAt: T + 50_000 }),
        ]);
        expect(await store.incidents.prune(T + 20_000)).toBe(1);
        expect(await store.incidents.get('old-resolved')).toBeUndefined();
        expect((await store.incidents.list({}, 10)).map((i) => i.id).sort()).toEqual(['late-resolved', 'old-open']);
        expect(await store.incidents.prune(T + 20_000)).toBe(0);
      });

      it('rejects listing limits outside 1..1000', async () => {
        for (const limit of [0, 1001, 1.5]) await expect(store.incidents.list({}, limit)).rejects.toThrow(RangeError);
      });
    });

    describe('documents', () => {
      it('keeps the last document put under each key of a collection, apart from other collections', async () => {
        await store.documents.put('policies', 'support', { pool: 'support', minReplicas: 2 });
        await store.documents.put('policies', 'billing', { pool: 'billing', minReplicas: 1 });
        await store.documents.put('policies', 'support', { pool: 'support', minReplicas: 7 });
        await store.documents.put('other', 'support', { x: 1 });
        const all = (await store.documents.all('policies')) as Array<{ pool: string; minReplicas: number }>;
        expect(all.sort((a, b) => a.pool.localeCompare(b.pool))).toEqual([
          { pool: 'billing', minReplicas: 1 },
          { pool: 'support', minReplicas: 7 },
        ]);
        expect(await store.documents.all('none')).toEqual([]);
      });

      it('hands out copies: changing what was put or read changes nothing stored', async () => {
        const policy = { pool: 'support', schedules: [{ minReplicas: 1 }] };
        await store.documents.put('policies', 'support', policy);
        policy.schedules[0]!.minReplicas = 9;
        const [read] = (await store.documents.all('policies')) as Array<typeof policy>;
        read!.schedules[0]!.minReplicas = 8;
        expect(await store.documents.all('policies')).toEqual([{ pool: 'support', schedules: [{ minReplicas: 1 }] }]);
      });
    });

    describe('logs', () => {
      it('keeps the newest entries up to the cap, oldest first', async () => {
        await store.logs.append('decisions', [{ n: 1 }, { n: 2 }], 3);
        await store.logs.append('decisions', [], 3);
        await store.logs.append('decisions', [{ n: 3 }, { n: 4 }], 3);
        await store.logs.append('other', [{ n: 0 }], 3);
        expect(await store.logs.read('decisions')).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }]);
        expect(await store.logs.read('none')).toEqual([]);
      });
    });

    describe('lifecycle', () => {
      it('answers ping while open and rejects every call once closed', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
        await store.close();
        await expect(store.ping()).rejects.toThrow(/closed/);
        await expect(store.agents.get('a-1')).rejects.toThrow(/closed/);
        await expect(store.agents.upsert([agent('a-1')])).rejects.toThrow(/closed/);
        await expect(store.windows.range('agent:a-1', 0, 1)).rejects.toThrow(/closed/);
        await expect(store.incidents.get('inc-1')).rejects.toThrow(/closed/);
        await expect(store.documents.all('policies')).rejects.toThrow(/closed/);
        await expect(store.logs.append('decisions', [{}], 1)).rejects.toThrow(/closed/);
        await store.close(); // idempotent
      });
    });
  });
}
