import { Redis } from 'ioredis';
import {
  Collector,
  describeBusContract,
  sleep,
  testTopic,
  waitFor,
  type TestEvent,
} from '../test-support/bus.contract';
import { MemoryBus } from './memory-bus';
import { RedisBus } from './redis-bus';
import { startRedisServer, type RedisServerHandle } from '@swarmscope/testkit';

const event = (n: number): TestEvent => ({ n, tag: 'e' });

describeBusContract('memory', async (options) => {
  const bus = new MemoryBus(options);
  return { bus, cleanup: () => bus.close() };
});

describe('MemoryBus specifics', () => {
  it('keeps maxLenPerShard entries per shard, dropping and counting the oldest', async () => {
    const bus = new MemoryBus({ shards: 2, maxLenPerShard: 3 });
    for (let i = 0; i < 5; i++)
      await bus.publish(testTopic, 0, [
        { n: i, tag: 'e' },
        { n: i, tag: 'e' },
      ]);
    await bus.publish(testTopic, 1, [{ n: 100, tag: 'e' }]);
    expect(bus.stats.droppedEntries).toBe(2);
    const got = new Collector();
    const sub = bus.subscribe(testTopic, { group: 'g', consumer: 'c', startFrom: 'earliest' }, got.handler);
    await waitFor(() => got.messages.length === 7, 10_000, 'the retained messages');
    expect(got.ns(0)).toEqual([2, 2, 3, 3, 4, 4]);
    expect(got.messages.find((m) => m.shard === 0)!.id).toBe('3-0/0'); // per-shard counter ids
    await sub.close();
    await bus.close();
  });

  it('counts only retained entries in the lag of a group that fell behind', async () => {
    const bus = new MemoryBus({ shards: 1, maxLenPerShard: 2 });
    const sub = bus.subscribe(testTopic, { group: 'g', consumer: 'c', startFrom: 'earliest' }, async () => {});
    await sub.close();
    for (let i = 0; i < 5; i++) await bus.publish(testTopic, 0, [{ n: i, tag: 'e' }]);
    expect(await bus.lag(testTopic, 'g')).toBe(2);
    await bus.close();
  });

  it('skips schema validation when validate is false (producers that validated at their edge)', async () => {
    const bus = new MemoryBus({ shards: 1, validate: false });
    const got = new Collector();
    const sub = bus.subscribe(testTopic, { group: 'g', consumer: 'c', startFrom: 'earliest' }, got.handler);
    const unchecked = { n: 'not a number', tag: 'e' } as unknown as TestEvent;
    await bus.publish(testTopic, 0, [unchecked]);
    await waitFor(() => got.messages.length === 1, 10_000, 'the unchecked message');
    expect(got.messages[0]!.payload).toBe(unchecked); // delivered as published, not copied
    await sub.close();
    await bus.close();
  });

  it('with keepRead false holds only what some group has not acknowledged, and still redelivers what failed', async () => {
    const bus = new MemoryBus({ shards: 1, keepRead: false, redeliverAfterMs: 50 });
    await bus.publish(testTopic, 0, [event(0)]);
    await bus.publish(testTopic, 0, [event(1)]); // nobody reads the topic: entry 0 is let go
    const first = new Collector();
    const g = bus.subscribe(testTopic, { group: 'g', consumer: 'c', startFrom: 'earliest' }, first.handler);
    await waitFor(() => first.messages.length === 1, 10_000, 'the one entry kept');
    expect(first.ns()).toEqual([1]);
    await waitFor(async () => (await bus.lag(testTopic, 'g')) === 0, 10_000, 'g acknowledged it');
    // A group whose handler fails keeps its entries pending: they stay, and come again.
    let failures = 1;
    const flaky = new Collector();
    const f = bus.subscribe(testTopic, { group: 'f', consumer: 'c', startFrom: 'latest' }, async (batch) => {
      if (failures-- > 0) throw new Error('not yet');
      await flaky.handler(batch);
    });
    await bus.publish(testTopic, 0, [event(2)]);
    await bus.publish(testTopic, 0, [event(3)]);
    await waitFor(() => flaky.ns().includes(3), 10_000, 'the failed entry redelivered');
    expect(flaky.ns()).toEqual([2, 3]);
    await waitFor(
      async () => (await bus.lag(testTopic, 'f')) === 0 && (await bus.lag(testTopic, 'g')) === 0,
      10_000,
      'both groups done',
    );
    await bus.publish(testTopic, 0, [event(4)]);
    // Entries 2 and 3, acknowledged by both groups, are gone: a late group from 'earliest' starts at 4.
    const late = new Collector();
    const l = bus.subscribe(testTopic, { group: 'late', consumer: 'c', startFrom: 'earliest' }, late.handler);
    await waitFor(() => late.messages.length === 1, 10_000, 'the late group');
    expect(late.ns()).toEqual([4]);
    expect(bus.stats.droppedEntries).toBe(0); // let go, not trimmed unread
    await Promise.all([g.close(), f.close(), l.close()]);
    await bus.close();
  });

  it("counts the slowest group's backlog in payloads: undelivered and pending entries whole, trimmed ones not", async () => {
    const bus = new MemoryBus({ shards: 2, maxLenPerShard: 3 });
    const batch = (size: number, from: number) => Array.from({ length: size }, (_, i) => event(from + i));
    await bus.publish(testTopic, 0, batch(1, 0));
    expect(bus.backlog(testTopic)).toBe(0); // no group reads it: nobody to fall behind
    await bus.publish(testTopic, 0, batch(5, 10));
    await bus.publish(testTopic, 1, batch(4, 20));
    // `held` takes one entry per shard (batchSize 1) and sits on the first message; `fast` reads everything.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered = false;
    const held = bus.subscribe(
      testTopic,
      { group: 'held', consumer: 'c', startFrom: 'earliest', batchSize: 1 },
      async () => {
        entered = true;
        await gate;
      },
    );
    const fast = new Collector();
    const fastSub = bus.subscribe(testTopic, { group: 'fast', consumer: 'c', startFrom: 'earliest' }, fast.handler);
    await waitFor(
      () => entered && fast.messages.length === 10,
      10_000,
      'held to sit on its first delivery, fast to read all',
    );
    // held: shard 0 pending [1] + undelivered [5]; shard 1 pending [4] (counted whole while unacknowledged).
    expect(bus.backlog(testTopic)).toBe(1 + 5 + 4);
    expect(await bus.lag(testTopic, 'held')).toBe(3); // in entries
    // Three more entries of 2 on shard 0 (cap 3): the pending [1] and the undelivered [5] are trimmed, not owed.
    for (let i = 0; i < 3; i++) await bus.publish(testTopic, 0, batch(2, 30 + 2 * i));
    expect(bus.backlog(testTopic)).toBe(3 * 2 + 4);
    release();
    await waitFor(() => bus.backlog(testTopic) === 0, 10_000, 'backlog 0 once held caught up');
    await held.close();
    await fastSub.close();
    await bus.close();
  });

  it('rejects a shard count that is not a positive integer', () => {
    expect(() => new MemoryBus({ shards: 0 })).toThrow(RangeError);
    expect(() => new MemoryBus({ shards: 1.5 })).toThrow(RangeError);
  });
});

describe('redis', () => {
  let server: RedisServerHandle;
  let prefixes = 0;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const connect = async () => {
    const redis = new Redis(server.url);
    await redis.ping(); // quitting a client still in its ready check leaves a 2 s ioredis timer behind
    return redis;
  };

  // One server per file; a fresh key prefix per test keeps tests apart without flushing.
  describeBusContract('redis', async (options) => {
    const redis = await connect();
    const bus = new RedisBus({ redis, prefix: `t${++prefixes}`, ...options });
    return {
      bus,
      cleanup: async () => {
        await bus.close();
        await redis.quit();
      },
    };
  });

  describe('RedisBus specifics', () => {
    let redis: Redis;
    let bus: RedisBus;
    let prefix: string;
    const errors: unknown[] = [];
    beforeEach(async () => {
      redis = await connect();
      prefix = `s${++prefixes}`;
      errors.length = 0;
      bus = new RedisBus({ redis, prefix, shards: 2, onError: (e) => errors.push(e) });
    });
    afterEach(async () => {
      await bus.close();
      await redis.quit();
    });

    it('writes one stream entry per publish call, payloads as a JSON array in field d', async () => {
      await bus.publish(testTopic, 1, [
        { n: 1, tag: 'a' },
        { n: 2, tag: 'b' },
      ]);
      const entries = await redis.xrange(`${prefix}:bus:test-events:1`, '-', '+');
      expect(entries).toHaveLength(1);
      expect(entries[0]![1]).toEqual([
        'd',
        JSON.stringify([
          { n: 1, tag: 'a' },
          { n: 2, tag: 'b' },
        ]),
      ]);
      expect(await redis.exists(`${prefix}:bus:test-events:0`)).toBe(0);
    });

    it('skips and counts malformed entries and payloads without stopping the loop', async () => {
      const key = `${prefix}:bus:test-events:0`;
      const got = new Collector();
      const sub = bus.subscribe(
        testTopic,
        { group: 'g', consumer: 'c', shards: [0], startFrom: 'earliest' },
        got.handler,
      );
      await redis.xadd(key, '*', 'd', 'not json');
      await redis.xadd(key, '*', 'other', 'field');
      await redis.xadd(key, '*', 'd', '{"n":1}');
      await redis.xadd(key, '*', 'd', JSON.stringify([{ n: 1, tag: 'ok' }, { n: 'bad' }, { n: 3, tag: 'ok' }]));
      await bus.publish(testTopic, 0, [{ n: 4, tag: 'ok' }]);

      await waitFor(() => got.messages.length === 3, 10_000, 'the valid messages');
      expect(got.ns()).toEqual([1, 3, 4]);
      expect(got.messages[1]!.id).toMatch(/\/2$/); // index within the entry, bad payload skipped
      expect(bus.stats.malformed).toBe(4); // three entries and one payload
      expect(errors).toHaveLength(4);
      await waitFor(async () => (await bus.lag(testTopic, 'g')) === 0, 10_000, 'malformed entries acked');
      await sub.close();
    });

    it('blocks on a dedicated connection, and close() interrupts a long block without unhandled rejections', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const patient = new RedisBus({ redis, prefix, shards: 2, blockMs: 60_000, redeliverAfterMs: 120_000 });
        const got = new Collector();
        const sub = patient.subscribe(testTopic, { group: 'g', consumer: 'c' }, got.handler);
        await waitFor(
          async () => String(await redis.client('LIST')).includes('cmd=xreadgroup'),
          10_000,
          'a blocking XREADGROUP',
        );
        // The shared connection is free while the subscription blocks.
        expect(await redis.ping()).toBe('PONG');
        await patient.publish(testTopic, 0, [{ n: 1, tag: 'e' }]);
        await waitFor(() => got.messages.length === 1, 10_000, 'the message');
        await waitFor(
          async () => String(await redis.client('LIST')).includes('cmd=xreadgroup'),
          10_000,
          'the next blocking XREADGROUP',
        );
        const started = Date.now();
        await sub.close();
        expect(Date.now() - started).toBeLessThan(10_000); // not the 60 s block
        await patient.close();
        await sleep(50);
        expect(unhandled).toEqual([]);
        expect(await redis.ping()).toBe('PONG'); // the caller's connection stays open
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('counts no lag for a topic never published', async () => {
      expect(await bus.lag(testTopic, 'g')).toBe(0);
    });

    it('rejects a shard count that is not a positive integer', () => {
      expect(() => new RedisBus({ redis, shards: 0 })).toThrow(RangeError);
    });
  });
});
