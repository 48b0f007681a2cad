import type { FleetError } from './errors';
import { Fleet } from './fleet';
import { IngestServer } from './test-support/ingest-server';
import { balance, idle, waitFor } from './test-support/wait-for';
import type { FleetOptions, Interaction, Report } from './types';

let server: IngestServer;
const fleets: Fleet[] = [];

beforeEach(async () => {
  server = await new IngestServer().start();
});

afterEach(async () => {
  await Promise.all(fleets.splice(0).map((fleet) => fleet.close({ timeoutMs: 100 })));
  await server.stop();
});

/** A fleet on the test server with small backoff, no timer flush unless asked, and its events kept. */
function makeFleet(options: Partial<FleetOptions> = {}): { fleet: Fleet; events: FleetError[] } {
  const events: FleetError[] = [];
  const fleet = new Fleet({
    endpoint: server.url,
    flushIntervalMs: 60_000,
    backoff: { baseMs: 1, maxMs: 20 },
    onError: (error) => events.push(error),
    ...options,
  });
  fleets.push(fleet);
  return { fleet, events };
}

/** Report number i: its agentId identifies it on the server. */
const report = (i: number): Report => ({ agentId: `a-${i}`, metrics: { requests: 1 } });
const ids = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `a-${from + i}`);
const byNumber = (a: string, b: string): number => Number(a.slice(2)) - Number(b.slice(2));

function recordRange(fleet: Fleet, from: number, to: number): void {
  for (let i = from; i < to; i++) fleet.record(report(i));
}

describe('Fleet batching', () => {
  it('sends a batch once batchSize reports wait, never inside record()', async () => {
    const { fleet } = makeFleet({ batchSize: 5 });
    recordRange(fleet, 0, 12);
    expect(fleet.stats()).toMatchObject({ recorded: 12, queued: 12, inFlight: 0 });
    expect(server.requests).toHaveLength(0);

    await waitFor(() => fleet.stats().sent === 10, 'two full batches');
    expect(server.requests.map((r) => r.reports.length)).toEqual([5, 5]);
    expect(fleet.stats()).toMatchObject({ queued: 2, inFlight: 0, batchesSent: 2 });

    await fleet.flush();
    expect(server.acceptedIds()).toEqual(ids(0, 12));
    expect(fleet.stats()).toMatchObject({ recorded: 12, queued: 0, sent: 12, batchesSent: 3, dropped: 0, retries: 0 });
    expect(fleet.stats().lastSuccessAt).toEqual(expect.any(Number));
  });

  it('sends partial batches every flushIntervalMs', async () => {
    const { fleet } = makeFleet({ batchSize: 1000, flushIntervalMs: 20 });
    recordRange(fleet, 0, 3);
    await waitFor(() => fleet.stats().sent === 3, 'the timer flush');
    expect(server.requests.map((r) => r.reports.length)).toEqual([3]);
    recordRange(fleet, 3, 5);
    await waitFor(() => fleet.stats().sent === 5, 'the next timer flush');
    expect(server.acceptedIds()).toEqual(ids(0, 5));
  });

  it('flush() resolves at once when nothing is queued', async () => {
    const { fleet } = makeFleet();
    await fleet.flush();
    expect(server.requests).toHaveLength(0);
  });
});

describe('Fleet bounded queue', () => {
  it('drops the oldest reports when full, with exact counts', async () => {
    const { fleet, events } = makeFleet({ maxQueue: 10, batchSize: 100 });
    recordRange(fleet, 0, 25);
    expect(fleet.stats()).toMatchObject({ recorded: 25, queued: 10, dropped: 15 });
    // One warning per overflow episode, not one per report.
    expect(events.map((e) => e.kind)).toEqual(['dropped']);

    await fleet.flush();
    expect(server.acceptedIds()).toEqual(ids(15, 25));
    const stats = fleet.stats();
    expect(stats).toMatchObject({ sent: 10, dropped: 15, queued: 0, inFlight: 0 });
    expect(balance(stats)).toBe(stats.recorded);
  });
});

describe('Fleet failures', () => {
  it('retries 503 with backoff, then delivers', async () => {
    server.script.push({ kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    const { fleet, events } = makeFleet({ batchSize: 4 });
    recordRange(fleet, 0, 4);
    await fleet.flush();
    expect(fleet.stats()).toMatchObject({ sent: 4, retries: 2, rejected: 0, dropped: 0, batchesSent: 1 });
    expect(server.requests.map((r) => r.reports.map((x) => x.agentId))).toEqual([ids(0, 4), ids(0, 4), ids(0, 4)]);
    expect(events.map((e) => [e.kind, e.status, e.attempt])).toEqual([
      ['retry', 503, 1],
      ['retry', 503, 2],
    ]);
    expect(fleet.stats().lastError).toMatch(/HTTP 503/);
  });

  it('honours Retry-After on 429', async () => {
    server.script.push({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    const { fleet, events } = makeFleet({ backoff: { baseMs: 1, maxMs: 5000 } });
    fleet.record(report(0));
    await fleet.flush();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'retry', status: 429, delayMs: 1000 });
    expect(fleet.stats()).toMatchObject({ sent: 1, retries: 1 });
  });

  it('holds every new batch back for a Retry-After, not only the refused one', async () => {
    server.script.push({ kind: 'status', status: 503, headers: { 'retry-after': '1' } });
    // Two slots and no retries: the refused batch is dropped at once, so nothing but the pause can delay the next.
    const { fleet, events } = makeFleet({
      batchSize: 2,
      maxInFlight: 2,
      maxRetries: 0,
      backoff: { baseMs: 1, maxMs: 5000 },
    });
    recordRange(fleet, 0, 2);
    await waitFor(() => events.some((e) => e.kind === 'dropped'), 'the refused batch');
    recordRange(fleet, 2, 4);
    await fleet.flush();
    expect(server.requests.map((r) => [r.status, r.reports.map((x) => x.agentId)])).toEqual([
      [503, ids(0, 2)],
      [200, ids(2, 4)],
    ]);
    // The next batch went once the second the server asked for had passed (timers may fire a millisecond early).
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(990);
    expect(fleet.stats()).toMatchObject({ sent: 2, dropped: 2 });
  });

  it('caps Retry-After at backoff.maxMs', async () => {
    server.script.push({ kind: 'status', status: 503, headers: { 'retry-after': '3600' } });
    const { fleet, events } = makeFleet({ backoff: { baseMs: 1, maxMs: 20 } });
    fleet.record(report(0));
    await fleet.flush();
    expect(events[0]).toMatchObject({ kind: 'retry', status: 503, delayMs: 20 });
    expect(fleet.stats().sent).toBe(1);
  });

  it('does not retry a 400: the whole batch is rejected', async () => {
    server.fallback = { kind: 'status', status: 400, body: 'bad batch' };
    const { fleet, events } = makeFleet();
    recordRange(fleet, 0, 3);
    await fleet.flush();
    expect(server.requests).toHaveLength(1);
    expect(fleet.stats()).toMatchObject({ sent: 0, rejected: 3, retries: 0, dropped: 0, batchesSent: 0 });
    expect(events.map((e) => [e.kind, e.status, e.count])).toEqual([['rejected', 400, 3]]);
    expect(fleet.stats().lastError).toMatch(/HTTP 400.*bad batch/);
  });

  it('counts partially rejected reports and never retries them', async () => {
    const { fleet, events } = makeFleet();
    fleet.record(report(0));
    fleet.record({ agentId: 'a-1', metrics: { cpu_percent: -1 } });
    fleet.record(report(2));
    fleet.record({ agentId: 'a-3', quality: { accuracy: 1.5 } });
    fleet.record(report(4));
    await fleet.flush();
    expect(server.requests).toHaveLength(1);
    expect(server.acceptedIds()).toEqual(['a-0', 'a-2', 'a-4']);
    expect(fleet.stats()).toMatchObject({ sent: 3, rejected: 2, retries: 0, batchesSent: 1 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'rejected', status: 200, count: 2 });
    expect(events[0].errors?.map((e) => e.path)).toEqual([
      'reports.1.metrics.cpu_percent',
      'reports.3.quality.accuracy',
    ]);
  });

  it('splits a batch on 413 until the server takes the halves', async () => {
    server.maxItems = 3;
    const { fleet } = makeFleet({ batchSize: 10 });
    recordRange(fleet, 0, 10);
    await fleet.flush();
    expect(server.requests.map((r) => [r.reports.length, r.status])).toEqual([
      [10, 413],
      [5, 413],
      [3, 200],
      [2, 200],
      [5, 413],
      [3, 200],
      [2, 200],
    ]);
    expect(server.acceptedIds()).toEqual(ids(0, 10));
    expect(fleet.stats()).toMatchObject({ sent: 10, rejected: 0, retries: 0, batchesSent: 4 });
  });

  it('rejects a single report that is still too large', async () => {
    server.maxBytes = 10;
    const { fleet } = makeFleet();
    recordRange(fleet, 0, 2);
    await fleet.flush();
    expect(server.requests.map((r) => r.reports.length)).toEqual([2, 1, 1]);
    expect(fleet.stats()).toMatchObject({ sent: 0, rejected: 2, retries: 0 });
  });

  it('refuses an unserializable report locally and sends the others', async () => {
    const { fleet, events } = makeFleet();
    const circular: Report & { self?: unknown } = { agentId: 'a-2' };
    circular.self = circular;
    fleet.record(report(0));
    fleet.record(report(1));
    fleet.record(circular);
    fleet.record(report(3));
    await fleet.flush();
    expect(server.acceptedIds()).toEqual(['a-0', 'a-1', 'a-3']);
    expect(fleet.stats()).toMatchObject({ sent: 3, rejected: 1, retries: 0 });
    expect(events.map((e) => e.kind)).toEqual(['rejected']);
  });

  it('retries after a request timeout, without duplicates', async () => {
    server.script.push({ kind: 'slow', ms: 1000 });
    const { fleet, events } = makeFleet({ requestTimeoutMs: 100 });
    recordRange(fleet, 0, 2);
    await fleet.flush();
    expect(fleet.stats()).toMatchObject({ sent: 2, rejected: 0, dropped: 0 });
    expect(fleet.stats().retries).toBeGreaterThanOrEqual(1);
    expect(events[0].message).toMatch(/timed out after 100 ms/);
    expect(server.acceptedIds()).toEqual(ids(0, 2));
  });

  it('retries when the connection closes without an answer', async () => {
    server.script.push({ kind: 'destroy' });
    const { fleet } = makeFleet();
    recordRange(fleet, 0, 2);
    await fleet.flush();
    expect(fleet.stats()).toMatchObject({ sent: 2, retries: 1, dropped: 0 });
    expect(server.acceptedIds()).toEqual(ids(0, 2));
  });

  it('drops a batch after maxRetries and counts it', async () => {
    server.fallback = { kind: 'status', status: 503 };
    const { fleet, events } = makeFleet({ maxRetries: 2 });
    recordRange(fleet, 0, 3);
    await fleet.flush();
    expect(server.requests).toHaveLength(3);
    expect(fleet.stats()).toMatchObject({ sent: 0, rejected: 0, dropped: 3, retries: 2, inFlight: 0, queued: 0 });
    expect(events.map((e) => e.kind)).toEqual(['retry', 'retry', 'dropped']);
  });

  it('survives the platform going down and coming back: nothing lost beyond the bound, exact counters', async () => {
    const { fleet } = makeFleet({
      batchSize: 10,
      maxQueue: 50,
      maxInFlight: 2,
      flushIntervalMs: 20,
      maxRetries: 1_000_000,
      backoff: { baseMs: 2, maxMs: 30 },
    });
    recordRange(fleet, 0, 10);
    await waitFor(() => fleet.stats().sent === 10, 'delivery while up');

    await server.stop();
    // Synchronous: 100 reports into a queue of 50 evict the 50 oldest (a-10..a-59).
    recordRange(fleet, 10, 110);
    expect(fleet.stats()).toMatchObject({ queued: 50, inFlight: 0, dropped: 50 });

    await waitFor(() => fleet.stats().retries >= 3, 'retries while down');
    // Two batches (a-60..a-79) wait for their retry; the rest keeps queueing.
    let stats = fleet.stats();
    expect(stats).toMatchObject({ sent: 10, queued: 30, inFlight: 20, dropped: 50 });
    expect(stats.lastError).toMatch(/retry/);

    recordRange(fleet, 110, 150); // evicts a-80..a-99
    stats = fleet.stats();
    expect(stats).toMatchObject({ queued: 50, inFlight: 20, dropped: 70 });
    // The memory bound: queue ≤ maxQueue, in flight ≤ maxInFlight × batchSize.
    expect(stats.queued + stats.inFlight).toBeLessThanOrEqual(50 + 2 * 10);

    await server.start(); // same port
    await waitFor(() => fleet.stats().sent === 80, 'delivery after recovery, by itself');
    stats = fleet.stats();
    expect(stats).toMatchObject({ recorded: 150, sent: 80, dropped: 70, rejected: 0, queued: 0, inFlight: 0 });
    expect(balance(stats)).toBe(stats.recorded);
    expect([...server.acceptedIds()].sort(byNumber)).toEqual([...ids(0, 10), ...ids(60, 80), ...ids(100, 150)]);
  });
});

describe('Fleet encoding', () => {
  it('gzips bodies the server decodes to the same reports, with the API key', async () => {
    const { fleet } = makeFleet({ compression: 'gzip', apiKey: 'k-123', batchSize: 500 });
    const reports: Report[] = Array.from({ length: 200 }, (_, i) => ({
      agentId: `a-${i}`,
      timestamp: 1732350000000 + i,
      model: 'gpt-4o',
      pool: 'support',
      type: 'general',
      metrics: {
        response_time_seconds: 0.42,
        cpu_percent: 37.5,
        memory_bytes: 536870912,
        input_tokens: 512,
        output_tokens: 128,
        requests: 1,
        errors: 0,
        cost_usd: 0.0012,
      },
      quality: { accuracy: 0.93, coherence: 0.88 },
    }));
    for (const r of reports) fleet.record(r);
    await fleet.flush();
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ contentEncoding: 'gzip', authorization: 'Bearer k-123', status: 200 });
    expect(request.bodyBytes).toBeLessThan(JSON.stringify({ reports }).length / 3);
    expect(server.accepted).toEqual(reports);
  });

  it('sends plain JSON without Content-Encoding or Authorization by default', async () => {
    const { fleet } = makeFleet();
    fleet.record(report(0));
    await fleet.flush();
    expect(server.requests[0].contentEncoding).toBeUndefined();
    expect(server.requests[0].authorization).toBeUndefined();
    expect(server.accepted).toEqual([report(0)]);
  });
});

describe('Fleet close', () => {
  it('flushes what is queued, then counts record() as a dropped no-op', async () => {
    const { fleet } = makeFleet({ batchSize: 100 });
    recordRange(fleet, 0, 7);
    await fleet.close();
    expect(server.acceptedIds()).toEqual(ids(0, 7));
    fleet.record(report(7));
    const stats = fleet.stats();
    expect(stats).toMatchObject({ recorded: 8, sent: 7, dropped: 1, queued: 0, inFlight: 0 });
    expect(balance(stats)).toBe(stats.recorded);
    expect(server.requests).toHaveLength(1);
    await expect(fleet.close()).resolves.toBeUndefined();
  });

  it('counts what it could not deliver within the timeout as dropped', async () => {
    server.fallback = { kind: 'status', status: 503 };
    const { fleet, events } = makeFleet({ batchSize: 10, maxInFlight: 1, maxRetries: 1_000_000 });
    recordRange(fleet, 0, 25);
    await waitFor(() => fleet.stats().retries >= 2, 'a batch retrying');
    await fleet.close({ timeoutMs: 200 });
    const stats = fleet.stats();
    expect(stats).toMatchObject({ recorded: 25, sent: 0, dropped: 25, queued: 0, inFlight: 0 });
    expect(events.at(-1)).toMatchObject({ kind: 'dropped', count: 25 });
  });

  it('closes promptly while the endpoint is unreachable', async () => {
    await server.stop();
    const { fleet } = makeFleet({ maxRetries: 1_000_000 });
    recordRange(fleet, 0, 5);
    const flushed = fleet.flush();
    await fleet.close({ timeoutMs: 100 });
    await flushed; // flush() waiters are released by close()
    expect(fleet.stats()).toMatchObject({ sent: 0, dropped: 5, queued: 0, inFlight: 0 });
    expect(idle(fleet)()).toBe(true);
  });
});

describe('Fleet options', () => {
  it.each([
    [{ endpoint: 'not a url' }, /endpoint/],
    [{ endpoint: 'ftp://127.0.0.1' }, /endpoint/],
    [{ batchSize: 0 }, /batchSize/],
    [{ batchSize: 5001 }, /batchSize/],
    [{ maxQueue: 0 }, /maxQueue/],
    [{ maxInFlight: 1.5 }, /maxInFlight/],
    [{ maxRetries: -1 }, /maxRetries/],
    [{ backoff: { baseMs: 100, maxMs: 10 } }, /backoff\.maxMs/],
    [{ compression: 'br' }, /compression/],
    [{ requestTimeoutMs: 0 }, /requestTimeoutMs/],
    [{ flushIntervalMs: Number.NaN }, /flushIntervalMs/],
    [{ apiKey: 'a\r\nb' }, /apiKey/],
    [{ maxInteractionQueue: 0 }, /maxInteractionQueue/],
  ])('refuses %j with a TypeError naming the field', (options, field) => {
    const build = () => new Fleet({ endpoint: 'http://127.0.0.1:1', ...(options as Partial<FleetOptions>) });
    expect(build).toThrow(TypeError);
    expect(build).toThrow(field);
  });
});

/** Interaction number i: its `to` identifies it on the server. */
const edge = (i: number): Interaction => ({
  from: 'planner',
  to: `w-${i}`,
  kind: 'delegation',
  outcome: 'success',
  latencySeconds: 0.5,
});
const edgeIds = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `w-${from + i}`);
const targets = (): string[] => server.acceptedInteractions.map((interaction) => interaction.to);

function recordEdges(fleet: Fleet, from: number, to: number): void {
  for (let i = from; i < to; i++) fleet.recordInteraction(edge(i));
}

describe('Fleet interactions', () => {
  it('batch to /v1/interactions on their own queue, counted apart from reports', async () => {
    const { fleet } = makeFleet({ batchSize: 3 });
    recordEdges(fleet, 0, 7);
    fleet.record(report(0));
    await fleet.flush();
    expect(server.requestsTo('/v1/interactions').map((r) => r.interactions.length)).toEqual([3, 3, 1]);
    expect(server.requestsTo('/v1/interactions')[0]?.body).toEqual({ interactions: [edge(0), edge(1), edge(2)] });
    expect(server.requestsTo('/v1/ingest').map((r) => r.reports.length)).toEqual([1]);
    expect(targets()).toEqual(edgeIds(0, 7));
    const stats = fleet.stats();
    expect(stats).toMatchObject({ recorded: 1, sent: 1 });
    expect(stats.interactions).toEqual({
      recorded: 7,
      queued: 0,
      inFlight: 0,
      sent: 7,
      rejected: 0,
      dropped: 0,
      retries: 0,
      batchesSent: 3,
      lastError: undefined,
      lastSuccessAt: expect.any(Number),
    });
  });

  it('have the same delivery rules: retry, partial success, 413 split, bounded queue', async () => {
    const { fleet, events } = makeFleet({ batchSize: 10, maxInteractionQueue: 8 });
    server.maxItems = 4;
    server.script.push({ kind: 'status', status: 503 });
    recordEdges(fleet, 0, 9);
    fleet.recordInteraction({ ...edge(9), outcome: 'maybe' as 'success' }); // invalid
    // A queue of 8 holds w-2..w-9: w-0 and w-1 were dropped.
    await fleet.flush();
    // 503 → retry → 413 (more than 4) → two halves of 4, the second with the invalid one refused.
    expect(server.requestsTo('/v1/interactions').map((r) => [r.interactions.length, r.status])).toEqual([
      [8, 503],
      [8, 413],
      [4, 200],
      [4, 200],
    ]);
    expect(targets()).toEqual(edgeIds(2, 9));
    expect(fleet.stats().interactions).toMatchObject({
      recorded: 10,
      sent: 7,
      rejected: 1,
      dropped: 2,
      retries: 1,
      queued: 0,
      inFlight: 0,
    });
    expect(events.map((e) => [e.channel, e.kind, e.count])).toEqual([
      ['interactions', 'dropped', 1],
      ['interactions', 'retry', 8],
      ['interactions', 'rejected', 1],
    ]);
    expect(events[2]?.errors?.map((e) => e.path)).toEqual(['interactions.3.outcome']);
    expect(fleet.stats()).toMatchObject({ recorded: 0, sent: 0, dropped: 0 });
  });

  it('survive the platform going down and coming back, with exact counters', async () => {
    const { fleet } = makeFleet({
      batchSize: 10,
      maxInteractionQueue: 30,
      maxInFlight: 1,
      flushIntervalMs: 20,
      maxRetries: 1_000_000,
      backoff: { baseMs: 2, maxMs: 30 },
    });
    recordEdges(fleet, 0, 10);
    await waitFor(() => fleet.stats().interactions.sent === 10, 'delivery while up');

    await server.stop();
    recordEdges(fleet, 10, 20);
    await waitFor(() => fleet.stats().interactions.retries >= 2, 'retries while down');
    // w-10..w-19 wait in flight for their retry; 40 more into a queue of 30 evict the 10 oldest.
    recordEdges(fleet, 20, 60);
    let stats = fleet.stats().interactions;
    expect(stats).toMatchObject({ sent: 10, inFlight: 10, queued: 30, dropped: 10 });
    expect(stats.queued + stats.inFlight).toBeLessThanOrEqual(30 + 1 * 10);

    await server.start(); // same port
    await waitFor(() => fleet.stats().interactions.sent === 50, 'delivery after recovery, by itself');
    stats = fleet.stats().interactions;
    expect(stats).toMatchObject({ recorded: 60, sent: 50, dropped: 10, rejected: 0, queued: 0, inFlight: 0 });
    expect(balance(stats)).toBe(stats.recorded);
    expect([...targets()].sort(byNumber)).toEqual([...edgeIds(0, 20), ...edgeIds(30, 60)]);
  });

  it('close() flushes both channels, then counts later interactions as dropped', async () => {
    const { fleet } = makeFleet();
    recordEdges(fleet, 0, 3);
    fleet.record(report(0));
    await fleet.close();
    fleet.recordInteraction(edge(3));
    expect(targets()).toEqual(edgeIds(0, 3));
    expect(server.acceptedIds()).toEqual(['a-0']);
    expect(fleet.stats().interactions).toMatchObject({ recorded: 4, sent: 3, dropped: 1 });
  });
});

describe('Fleet flush with a timeout', () => {
  it('resolves while the platform is down; what waits is still delivered later', async () => {
    const { fleet } = makeFleet({ maxRetries: 1_000_000, backoff: { baseMs: 2, maxMs: 20 } });
    await server.stop();
    fleet.record(report(0));
    fleet.recordInteraction(edge(0));
    await fleet.flush({ timeoutMs: 50 });
    expect(fleet.stats()).toMatchObject({ sent: 0, inFlight: 1, dropped: 0 });
    expect(fleet.stats().interactions).toMatchObject({ sent: 0, inFlight: 1, dropped: 0 });

    await server.start();
    await fleet.flush();
    expect(server.acceptedIds()).toEqual(['a-0']);
    expect(targets()).toEqual(['w-0']);
  });

  it('refuses a bad timeout', async () => {
    const { fleet } = makeFleet();
    await expect(fleet.flush({ timeoutMs: -1 })).rejects.toThrow(/timeoutMs/);
  });
});
