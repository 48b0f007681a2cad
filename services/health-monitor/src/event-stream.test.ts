import { once } from 'node:events';
import { listen, type RunningServer } from '@swarmscope/core';
import { EventSource } from 'eventsource';
import express from 'express';
import { EventStream } from './event-stream';

/** An EventSource's events of one name, as they come. */
function collect(
  source: EventSource,
  name: string,
): { values: unknown[]; next(count: number): Promise<void>; until(done: () => boolean): Promise<void> } {
  const values: unknown[] = [];
  const waiting: Array<() => void> = [];
  source.addEventListener(name, (event) => {
    values.push(JSON.parse((event as unknown as { data: string }).data));
    for (const wake of waiting.splice(0)) wake();
  });
  return {
    values,
    async next(count) {
      await this.until(() => values.length >= count);
    },
    async until(done) {
      while (!done()) await new Promise<void>((resolve) => waiting.push(resolve));
    },
  };
}

describe('EventStream (Server-Sent Events, read by the eventsource client the console bundles)', () => {
  let server: RunningServer;
  let reads: number;
  let stream: EventStream<{ n: number }>;
  const sources: EventSource[] = [];

  beforeEach(async () => {
    reads = 0;
    stream = new EventStream('count', () => ({ n: ++reads }), 20);
    const app = express();
    app.get('/stream', (request, response) => stream.subscribe(request, response));
    server = await listen(app, { port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    for (const source of sources.splice(0)) source.close();
    await server.close(60_000);
  });
  const open = () => {
    const source = new EventSource(`${server.url}/stream`);
    sources.push(source);
    return source;
  };

  it('sends the value at once, then every interval, one read per interval for every subscriber', async () => {
    const a = collect(open(), 'count');
    await a.next(1);
    const b = collect(open(), 'count');
    await b.next(3);
    // b joined after a's first value: its first is read for it, then both get the same pushes.
    const pushed = (b.values as Array<{ n: number }>).slice(1).map((v) => v.n);
    await a.until(() => (a.values as Array<{ n: number }>).some((v) => v.n >= pushed.at(-1)!));
    for (const n of pushed) expect(a.values).toContainEqual({ n });
    expect(stream.size).toBe(2);
  });

  it('forgets a client that went, and stops reading when none is left', async () => {
    const source = open();
    await collect(source, 'count').next(2);
    source.close();
    expect(stream.reading).toBe(true);
    while (stream.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stream.reading).toBe(false);
  });

  it('ends its streams when the server stops accepting, so the drain does not wait on them', async () => {
    const source = open();
    await collect(source, 'count').next(1);
    const ended = once(source, 'error');
    // A drain of a minute: it returns at once only if the stream ended on `closing`.
    const closing = server.close(60_000);
    await ended;
    source.close();
    await closing;
    expect(stream.size).toBe(0);
  });

  it('adds one closing listener to the server however many streams are open (no MaxListenersExceededWarning)', async () => {
    const clients = Array.from({ length: 12 }, () => collect(open(), 'count'));
    await Promise.all(clients.map((client) => client.next(1)));
    expect(stream.size).toBe(12);
    expect(server.server.listenerCount('closing')).toBe(1);
  });
});
