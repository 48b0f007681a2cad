import { request as httpRequest } from 'node:http';
import { topics, type Backends, type Subscription } from '@swarmscope/core';
import { startRedisServer } from '@swarmscope/testkit';
import { Fleet, type FleetError } from '@swarmscope/telemetry-client';
import { startHarness, type Harness } from './test-support/http-harness';

// Back-pressure on a real health-monitor over loopback: in the embedded mode a reader of the samples topic that does
// not keep up makes ingest answer 503 with Retry-After at once (counted, nothing kept); the SDK waits and delivers.
// In the distributed mode only the in-flight bound sheds (a Redis group can outlive its readers).

const report = (agentId: string) => ({
  agentId,
  model: 'gpt-4o',
  pool: 'support',
  metrics: { requests: 1, response_time_seconds: 0.2 },
});

async function waitFor(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A reader of the samples topic held until released: the analysis falling behind. */
function heldReader(
  backends: Backends,
  group: string,
): { group: string; subscription: Subscription; received: string[]; release(): void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const received: string[] = [];
  const subscription = backends.bus.subscribe(
    topics.samples,
    { group, consumer: 'c', startFrom: 'earliest', batchSize: 1 },
    async (messages) => {
      await gate;
      for (const message of messages) received.push(message.payload.agentId);
    },
  );
  return { group, subscription, received, release };
}

describe('ingest back-pressure on the bus, embedded', () => {
  let h: Harness;
  let reader: ReturnType<typeof heldReader>;

  beforeEach(async () => {
    // One shard of 10 entries; shed once a reader has 5 of them unread.
    h = await startHarness({
      vars: { BUS_SHARDS: '1', BUS_MAX_LEN: '10', INGEST_MAX_BUS_FULLNESS: '0.5', INGEST_RETRY_AFTER_SECONDS: '1' },
    });
    reader = heldReader(h.backends, `slow-${Date.now()}`);
  });
  afterEach(async () => {
    reader.release();
    await reader.subscription.close();
    await h.stop();
  });

  it('answers 503 with Retry-After while the slowest reader is behind, counts it, keeps nothing of it, and takes ingest again once it catches up', async () => {
    let sent = 0;
    let shed: Awaited<ReturnType<Harness['post']>> | undefined;
    // Each accepted batch is one bus entry the held reader does not acknowledge.
    await waitFor(async () => {
      const answer = await h.post('/v1/ingest', { reports: [report(`a-${sent++}`)] });
      if (answer.status === 503) shed = answer;
      else expect(answer.status).toBe(200);
      return shed !== undefined;
    }, 'a shed request');
    expect(sent).toBeGreaterThanOrEqual(5);
    expect(shed!.retryAfter).toBe('1');
    expect(shed!.body.error.code).toBe('SWS_OVERLOADED');
    expect(shed!.body.error.message).toMatch(/INGEST_MAX_BUS_FULLNESS/);
    expect(await h.metric('swarmscope_ingest_shed_requests_total', 'reason="bus_backlog"')).toBeGreaterThanOrEqual(1);
    expect(await h.metric('swarmscope_ingest_rejected_batches_total', 'code="SWS_OVERLOADED"')).toBeGreaterThanOrEqual(
      1,
    );
    // The shed report was not kept: its agent is unknown. The bus trimmed nothing the reader had not seen.
    const shedAgent = `a-${sent - 1}`;
    expect((await fetch(`${h.url}/agents/${shedAgent}`)).status).toBe(404);
    expect(h.backends.bus.trimmedUnread(topics.samples, reader.group)).toBe(0);

    reader.release();
    await waitFor(
      async () => (await h.post('/v1/ingest', { reports: [report('after')] })).status === 200,
      'ingest taken again',
    );
    await waitFor(() => reader.received.includes('after'), 'the reader to get the new report');
    // Every accepted report reached the reader; the shed one never did.
    expect(reader.received).not.toContain(shedAgent);
    for (let i = 0; i < sent - 1; i++) expect(reader.received).toContain(`a-${i}`);
  });

  it('the SDK waits the Retry-After it is given, then delivers every report', async () => {
    // Fill the held reader's backlog until ingest sheds, so the SDK's first batch meets a 503 whatever the timing of
    // the admission's fullness samples (12 quick batches could all pass between two samples).
    let filled = 0;
    await waitFor(
      async () => (await h.post('/v1/ingest', { reports: [report(`fill-${filled++}`)] })).status === 503,
      'the backlog to shed ingest',
    );
    const events: FleetError[] = [];
    const fleet = new Fleet({
      endpoint: h.url,
      batchSize: 1,
      maxInFlight: 1,
      flushIntervalMs: 60_000,
      backoff: { baseMs: 1, maxMs: 5000 },
      onError: (e) => events.push(e),
    });
    try {
      for (let i = 0; i < 12; i++) fleet.record(report(`sdk-${i}`));
      await waitFor(() => events.some((e) => e.kind === 'retry' && e.status === 503), 'a 503 the SDK retries');
      reader.release();
      await fleet.flush();
      const retry = events.find((e) => e.kind === 'retry' && e.status === 503)!;
      // The wait is the server's Retry-After (1 s), not the 1 ms backoff.
      expect(retry.delayMs).toBe(1000);
      expect(fleet.stats()).toMatchObject({ recorded: 12, sent: 12, dropped: 0, rejected: 0 });
      await waitFor(
        () => Array.from({ length: 12 }, (_, i) => `sdk-${i}`).every((id) => reader.received.includes(id)),
        'every report on the bus',
      );
    } finally {
      await fleet.close({ timeoutMs: 1000 });
    }
  });
});

describe('ingest back-pressure on the backlog in reports, embedded', () => {
  let h: Harness;
  let reader: ReturnType<typeof heldReader>;
  const LIMIT = 1000;
  const BATCH = 300;

  beforeEach(async () => {
    // A bus far from full in entries (a few of 1,000), so only the backlog counted in reports can shed.
    h = await startHarness({
      vars: {
        BUS_SHARDS: '1',
        BUS_MAX_LEN: '1000',
        INGEST_MAX_BACKLOG_REPORTS: String(LIMIT),
        INGEST_RETRY_AFTER_SECONDS: '1',
      },
    });
    reader = heldReader(h.backends, `slow-${Date.now()}`);
  });
  afterEach(async () => {
    reader.release();
    await reader.subscription.close();
    await h.stop();
  });

  it('takes large batches until the held reader owes INGEST_MAX_BACKLOG_REPORTS reports, then answers 503, and loses nothing it took', async () => {
    const batch = (n: number) => Array.from({ length: BATCH }, (_, i) => report(`b${n}-${i}`));
    // The held reader acknowledges nothing, so its backlog only grows: below the limit every batch must be taken,
    // whenever the admission last read it (a stale read is lower, never higher).
    const accepted: number[] = [];
    for (let n = 0; n * BATCH < LIMIT; n++) {
      expect((await h.post('/v1/ingest', { reports: batch(n) })).status).toBe(200);
      accepted.push(n);
    }
    expect(accepted.length * BATCH).toBeGreaterThanOrEqual(LIMIT); // 4 batches, 1,200 reports, 4 bus entries
    let shed: Awaited<ReturnType<Harness['post']>> | undefined;
    let shedBatch = -1;
    await waitFor(async () => {
      const n = accepted.length + (shedBatch === -1 ? 0 : 1);
      const answer = await h.post('/v1/ingest', { reports: batch(n) });
      if (answer.status === 503) {
        shed = answer;
        shedBatch = n;
      } else {
        expect(answer.status).toBe(200);
        accepted.push(n);
      }
      return shed !== undefined;
    }, 'a shed request');
    expect(shed!.retryAfter).toBe('1');
    expect(shed!.body.error.code).toBe('SWS_OVERLOADED');
    expect(shed!.body.error.message).toMatch(
      new RegExp(`has \\d+ reports not yet analysed \\(INGEST_MAX_BACKLOG_REPORTS=${LIMIT}\\)`),
    );
    const owed = Number(/has (\d+) reports/.exec(shed!.body.error.message)![1]);
    expect(owed).toBeGreaterThanOrEqual(LIMIT);
    expect(owed % BATCH).toBe(0); // whole batches, counted in reports
    expect(await h.metric('swarmscope_ingest_shed_requests_total', 'reason="bus_backlog"')).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${h.url}/agents/b${shedBatch}-0`)).status).toBe(404);

    // Once the reader catches up ingest is taken again; every accepted report reached it once, the shed batch never.
    reader.release();
    await waitFor(
      async () => (await h.post('/v1/ingest', { reports: [report('after')] })).status === 200,
      'ingest taken again',
    );
    await waitFor(() => reader.received.includes('after'), 'the reader to get the new report');
    const expected = accepted.flatMap((n) => batch(n).map((r) => r.agentId)).concat('after');
    expect([...reader.received].sort()).toEqual(expected.sort());
    expect(h.backends.bus.trimmedUnread(topics.samples, reader.group)).toBe(0);
  });
});

describe.each([
  ['embedded (memory)', false],
  ['distributed (redis)', true],
])('ingest back-pressure on requests in flight, %s', (_name, withRedis) => {
  let redis: Awaited<ReturnType<typeof startRedisServer>> | undefined;
  let h: Harness;
  beforeAll(async () => {
    if (withRedis) redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    h = await startHarness({ vars: { INGEST_MAX_IN_FLIGHT: '1' }, redisUrl: redis?.url });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('sheds a request past INGEST_MAX_IN_FLIGHT before reading its body, and takes the next one once the first is answered', async () => {
    // A request whose body is still arriving holds the one slot.
    const body = JSON.stringify({ reports: [report('slow-body')] });
    const url = new URL(`${h.url}/v1/ingest`);
    let answered!: (status: number) => void;
    const first = new Promise<number>((resolve) => (answered = resolve));
    const slow = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        answered(response.statusCode!);
      },
    );
    slow.write(body.slice(0, 10));
    await waitFor(() => h.running.monitor.admission.inFlight === 1, 'the slow request to be admitted');

    const shed = await h.post('/v1/ingest', { reports: [report('shed')] });
    expect(shed.status).toBe(503);
    expect(shed.retryAfter).toBe('1');
    expect(shed.body.error.message).toMatch(/INGEST_MAX_IN_FLIGHT=1/);
    expect(await h.metric('swarmscope_ingest_shed_requests_total', 'reason="in_flight"')).toBe(1);

    slow.end(body.slice(10));
    expect(await first).toBe(200);
    await waitFor(() => h.running.monitor.admission.inFlight === 0, 'the slot to be free');
    expect((await h.post('/v1/ingest', { reports: [report('next')] })).status).toBe(200);
    expect((await fetch(`${h.url}/agents/shed`)).status).toBe(404);
  });
});
