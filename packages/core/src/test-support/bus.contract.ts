import { z } from 'zod';
import { shardOf } from '../bus/shard';
import type { Bus, BusMessage, Subscription, Topic } from '../bus/types';

export interface BusUnderTest {
  bus: Bus;
  cleanup(): Promise<void>;
}
export type BusFactory = (options: BusFactoryOptions) => Promise<BusUnderTest>;
export interface BusFactoryOptions {
  shards: number;
  redeliverAfterMs?: number;
  maxLenPerShard?: number;
}

/** Polls `cond` until it holds; fails with `what` after `timeoutMs`. The only kind of waiting tests do. */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const testEventSchema = z.object({ n: z.number(), tag: z.string() });
export type TestEvent = z.infer<typeof testEventSchema>;
export const testTopic: Topic<typeof testEventSchema> = { name: 'test-events', schema: testEventSchema };

const event = (n: number, tag = 'e'): TestEvent => ({ n, tag });

/** Records every message and the size of every handler call. */
export class Collector {
  readonly messages: BusMessage<TestEvent>[] = [];
  readonly batchSizes: number[] = [];
  readonly handler = async (batch: BusMessage<TestEvent>[]): Promise<void> => {
    this.batchSizes.push(batch.length);
    this.messages.push(...batch);
  };
  ns(shard?: number): number[] {
    return this.messages.filter((m) => shard === undefined || m.shard === shard).map((m) => m.payload.n);
  }
}

/** A promise with its resolve, to hold a handler until the test lets it go. */
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Stream-id order of `${ms}-${seq}/${index}` message ids. */
function compareMessageIds(a: string, b: string): number {
  const parse = (id: string) => id.split(/[-/]/).map(Number);
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/** The shared behaviour of every Bus implementation. */
export function describeBusContract(name: string, factory: BusFactory): void {
  describe(`Bus contract: ${name}`, () => {
    const subjects: BusUnderTest[] = [];
    const subscriptions: Subscription[] = [];
    /** A fresh bus for this test (its own keys/state), cleaned up afterwards. */
    const makeBus = async (options: BusFactoryOptions): Promise<Bus> => {
      const subject = await factory(options);
      subjects.push(subject);
      return subject.bus;
    };
    const track = (sub: Subscription) => (subscriptions.push(sub), sub);

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
      await Promise.all(subjects.splice(0).map((s) => s.cleanup()));
    });

    it('delivers each payload as a message, in publish order per shard, in batches of batchSize', async () => {
      const bus = await makeBus({ shards: 3 });
      const expected: Record<number, number[]> = { 0: [], 1: [] };
      for (let i = 0; i < 20; i++) {
        for (const shard of [0, 1]) {
          const payloads = [event(i * 10 + shard * 1000), event(i * 10 + shard * 1000 + 1)];
          expected[shard]!.push(...payloads.map((p) => p.n));
          await bus.publish(testTopic, shard, payloads);
        }
      }
      const got = new Collector();
      track(bus.subscribe(testTopic, { group: 'g', consumer: 'c1', startFrom: 'earliest', batchSize: 3 }, got.handler));
      await waitFor(() => got.messages.length === 80, 10_000, '80 messages');

      expect(got.ns(0)).toEqual(expected[0]);
      expect(got.ns(1)).toEqual(expected[1]);
      expect(got.batchSizes.every((size) => size >= 1 && size <= 3)).toBe(true);
      for (const shard of [0, 1]) {
        const ids = got.messages.filter((m) => m.shard === shard).map((m) => m.id);
        for (const id of ids) expect(id).toMatch(/^\d+-\d+\/\d+$/);
        for (let i = 1; i < ids.length; i++) expect(compareMessageIds(ids[i - 1]!, ids[i]!)).toBeLessThan(0);
      }
      expect(got.messages[0]!.payload).toEqual(event(0));
      await waitFor(async () => (await bus.lag(testTopic, 'g')) === 0, 10_000, 'lag 0');
    });

    it('never calls a handler synchronously inside publish', async () => {
      const bus = await makeBus({ shards: 1 });
      let publishing = false;
      const calledDuringPublish: boolean[] = [];
      let delivered = 0;
      track(
        bus.subscribe(testTopic, { group: 'g', consumer: 'c', startFrom: 'earliest' }, async (batch) => {
          calledDuringPublish.push(publishing);
          delivered += batch.length;
        }),
      );
      for (let i = 0; i < 5; i++) {
        publishing = true;
        const published = bus.publish(testTopic, 0, [event(i)]);
        publishing = false;
        await published;
        await sleep(5);
      }
      await waitFor(() => delivered === 5, 10_000, 'every message');
      expect(calledDuringPublish).not.toContain(true);
    });

    it('maps keys to shards with the shared FNV-1a hash', async () => {
      const bus = await makeBus({ shards: 7 });
      expect(bus.shards).toBe(7);
      for (let i = 0; i < 200; i++) {
        const shard = bus.shardOf(`agent-${i}`);
        expect(shard).toBe(shardOf(`agent-${i}`, 7));
        expect(shard).toBeGreaterThanOrEqual(0);
        expect(shard).toBeLessThan(7);
      }
    });

    it('delivers only the shards a consumer owns', async () => {
      const bus = await makeBus({ shards: 3 });
      const owner01 = new Collector();
      const owner2 = new Collector();
      track(
        bus.subscribe(
          testTopic,
          { group: 'g01', consumer: 'c', shards: [0, 1], startFrom: 'earliest' },
          owner01.handler,
        ),
      );
      track(
        bus.subscribe(testTopic, { group: 'g2', consumer: 'c', shards: [2], startFrom: 'earliest' }, owner2.handler),
      );
      for (let i = 0; i < 5; i++)
        for (const shard of [0, 1, 2]) await bus.publish(testTopic, shard, [event(shard * 100 + i)]);

      await waitFor(() => owner01.messages.length === 10 && owner2.messages.length === 5, 10_000, 'owned messages');
      // Shard 2 reached its consumer; give the other one every chance to (wrongly) see it too.
      await bus.publish(testTopic, 0, [event(999)]);
      await waitFor(() => owner01.messages.length === 11, 10_000, 'the marker message');
      expect(new Set(owner01.messages.map((m) => m.shard))).toEqual(new Set([0, 1]));
      expect(owner2.messages.every((m) => m.shard === 2)).toBe(true);
      expect(owner2.ns()).toEqual([200, 201, 202, 203, 204]);
    });

    it('splits a group between its consumers without duplicates or loss', async () => {
      const bus = await makeBus({ shards: 4 });
      const a = new Collector();
      const b = new Collector();
      // A short await inside the handlers lets both consumers interleave.
      const slow = (c: Collector) => async (batch: BusMessage<TestEvent>[]) => {
        await sleep(2);
        await c.handler(batch);
      };
      track(bus.subscribe(testTopic, { group: 'g', consumer: 'a', startFrom: 'earliest', batchSize: 2 }, slow(a)));
      track(bus.subscribe(testTopic, { group: 'g', consumer: 'b', startFrom: 'earliest', batchSize: 2 }, slow(b)));
      for (let i = 0; i < 60; i++) await bus.publish(testTopic, i % 4, [event(i)]);

      await waitFor(() => a.messages.length + b.messages.length >= 60, 10_000, '60 messages');
      await waitFor(async () => (await bus.lag(testTopic, 'g')) === 0, 10_000, 'lag 0');
      const all = [...a.ns(), ...b.ns()].sort((x, y) => x - y);
      expect(all).toEqual(Array.from({ length: 60 }, (_, i) => i));
    });

    it('gives every group every message', async () => {
      const bus = await makeBus({ shards: 2 });
      const first = new Collector();
      const second = new Collector();
      track(bus.subscribe(testTopic, { group: 'first', consumer: 'c', startFrom: 'earliest' }, first.handler));
      track(bus.subscribe(testTopic, { group: 'second', consumer: 'c', startFrom: 'earliest' }, second.handler));
      for (let i = 0; i < 10; i++) await bus.publish(testTopic, i % 2, [event(i)]);
      await waitFor(() => first.messages.length === 10 && second.messages.length === 10, 10_000, 'both groups');
      for (const c of [first, second]) {
        expect(c.ns(0)).toEqual([0, 2, 4, 6, 8]);
        expect(c.ns(1)).toEqual([1, 3, 5, 7, 9]);
      }
    });

    it('starts a new group at the earliest retained entry or at the latest, and keeps an existing group position', async () => {
      const bus = await makeBus({ shards: 1 });
      await bus.publish(testTopic, 0, [event(0), event(1)]);
      const early = new Collector();
      const late = new Collector();
      track(bus.subscribe(testTopic, { group: 'early', consumer: 'c', startFrom: 'earliest' }, early.handler));
      const lateSub = bus.subscribe(testTopic, { group: 'late', consumer: 'c', startFrom: 'latest' }, late.handler);
      // Subscribing is asynchronous: probe until the latest-group sees traffic, then check what it missed.
      let probes = 0;
      await waitFor(
        async () => {
          if (late.messages.length > 0) return true;
          await bus.publish(testTopic, 0, [event(100 + probes++, 'probe')]);
          return false;
        },
        10_000,
        'the latest-group to be live',
      );
      await bus.publish(testTopic, 0, [event(2)]);
      await waitFor(() => late.ns().includes(2) && early.ns().includes(2), 10_000, 'message 2');

      expect(late.ns()).not.toContain(0);
      expect(late.ns()).not.toContain(1);
      expect(early.ns()).toEqual([0, 1, ...Array.from({ length: probes }, (_, i) => 100 + i), 2]);

      // An existing group resumes where it was, whatever startFrom says.
      await lateSub.close();
      await bus.publish(testTopic, 0, [event(3)]);
      const again = new Collector();
      track(bus.subscribe(testTopic, { group: 'late', consumer: 'c', startFrom: 'earliest' }, again.handler));
      await waitFor(() => again.messages.length > 0, 10_000, 'the resumed group');
      await bus.publish(testTopic, 0, [event(4)]);
      await waitFor(() => again.ns().includes(4), 10_000, 'message 4');
      expect(again.ns()).toEqual([3, 4]);
    });

    it('redelivers what a failing handler was given, keeping order, until it succeeds', async () => {
      const bus = await makeBus({ shards: 1, redeliverAfterMs: 100 });
      const handled: number[] = [];
      let attemptsOf4 = 0;
      track(
        bus.subscribe(testTopic, { group: 'g', consumer: 'c', startFrom: 'earliest', batchSize: 3 }, async (batch) => {
          if (batch.some((m) => m.payload.n === 4) && ++attemptsOf4 === 1) throw new Error('transient failure');
          handled.push(...batch.map((m) => m.payload.n));
        }),
      );
      for (let i = 0; i < 10; i++) await bus.publish(testTopic, 0, [event(i)]);
      await waitFor(() => handled.length >= 10, 10_000, 'all messages handled');
      expect(handled).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(attemptsOf4).toBe(2);
      await waitFor(async () => (await bus.lag(testTopic, 'g')) === 0, 10_000, 'lag 0');
    });

    it('hands a restarted consumer the entries it left pending', async () => {
      // Redelivery by claim is far away: what arrives must come from the consumer's own pending list.
      const bus = await makeBus({ shards: 2, redeliverAfterMs: 60_000 });
      let attempts = 0;
      const failing = bus.subscribe(testTopic, { group: 'g', consumer: 'c1', startFrom: 'earliest' }, async () => {
        attempts++;
        throw new Error('down');
      });
      await bus.publish(testTopic, 0, [event(0), event(1)]);
      await bus.publish(testTopic, 1, [event(2)]);
      await waitFor(() => attempts > 0, 10_000, 'a failed attempt');
      await waitFor(async () => (await bus.lag(testTopic, 'g')) === 2, 10_000, 'lag 2');
      await failing.close();

      const got = new Collector();
      track(bus.subscribe(testTopic, { group: 'g', consumer: 'c1' }, got.handler));
      await waitFor(() => got.messages.length === 3, 10_000, 'the pending messages');
      expect(got.ns().sort()).toEqual([0, 1, 2]);
      await waitFor(async () => (await bus.lag(testTopic, 'g')) === 0, 10_000, 'lag 0');
    });

    it('lets another consumer of the group take over entries left pending longer than redeliverAfterMs', async () => {
      const bus = await makeBus({ shards: 1, redeliverAfterMs: 200 });
      let attempts = 0;
      const gone = bus.subscribe(testTopic, { group: 'g', consumer: 'gone', startFrom: 'earliest' }, async () => {
        attempts++;
        throw new Error('down');
      });
      await bus.publish(testTopic, 0, [event(0)]);
      await bus.publish(testTopic, 0, [event(1)]);
      await waitFor(() => attempts > 0, 10_000, 'a failed attempt');
      await gone.close();

      const heir = new Collector();
      track(bus.subscribe(testTopic, { group: 'g', consumer: 'heir' }, heir.handler));
      await waitFor(() => heir.messages.length === 2, 10_000, 'the claimed messages');
      // No order here: an entry the gone consumer never read can reach the heir before a claimed one.
      expect(heir.ns().sort()).toEqual([0, 1]);
      await waitFor(async () => (await bus.lag(testTopic, 'g')) === 0, 10_000, 'lag 0');
    });

    it('reports lag in entries, undelivered plus unacknowledged, back to 0 once handled', async () => {
      const bus = await makeBus({ shards: 3 });
      expect(await bus.lag(testTopic, 'nobody')).toBe(0);
      const held = gate();
      let calls = 0;
      track(
        bus.subscribe(testTopic, { group: 'g', consumer: 'c', startFrom: 'earliest' }, async () => {
          calls++;
          await held.promise;
        }),
      );
      for (let i = 0; i < 3; i++) await bus.publish(testTopic, 0, [event(i), event(i), event(i), event(i)]);
      await bus.publish(testTopic, 1, [event(10)]);
      await bus.publish(testTopic, 1, [event(11)]);
      await waitFor(() => calls > 0, 10_000, 'the handler to start');
      // 5 publish calls = 5 entries (not 14 payloads), whether read by the consumer or not.
      await waitFor(async () => (await bus.lag(testTopic, 'g')) === 5, 10_000, 'lag 5');
      held.open();
      await waitFor(async () => (await bus.lag(testTopic, 'g')) === 0, 10_000, 'lag 0');
      await bus.publish(testTopic, 2, [event(20)]);
      await waitFor(async () => (await bus.lag(testTopic, 'g')) === 0, 10_000, 'lag 0 again');
    });

    it("reports fullness as the slowest group's unread share of the fullest shard, back to 0 once it catches up", async () => {
      const bus = await makeBus({ shards: 2, maxLenPerShard: 20 });
      await bus.publish(testTopic, 0, [event(0)]);
      expect(await bus.fullness(testTopic)).toBe(0); // no group reads it: nobody to fall behind
      // `slow` exists (from the earliest entry) but does not read; `fast` reads everything.
      await track(
        bus.subscribe(testTopic, { group: 'slow', consumer: 'c', startFrom: 'earliest' }, async () => {}),
      ).close();
      const fast = new Collector();
      track(bus.subscribe(testTopic, { group: 'fast', consumer: 'c', startFrom: 'earliest' }, fast.handler));
      for (let i = 1; i < 5; i++) await bus.publish(testTopic, 0, [event(i), event(i)]);
      await bus.publish(testTopic, 1, [event(10)]);
      await waitFor(() => fast.messages.length === 10, 10_000, 'the fast group to read everything');
      // Shard 0 holds 5 entries `slow` has not read: 5 of 20.
      expect(await bus.fullness(testTopic)).toBe(5 / 20);
      const slow = new Collector();
      track(bus.subscribe(testTopic, { group: 'slow', consumer: 'c' }, slow.handler));
      await waitFor(
        async () => (await bus.fullness(testTopic)) === 0,
        10_000,
        'fullness 0 once the slow group caught up',
      );
      expect(slow.messages).toHaveLength(10);
    });

    it('counts the entries maxLenPerShard trimmed before a lagging group read them, and delivers the rest in order', async () => {
      // Redis trims whole stream nodes (MAXLEN ~), so how many go is its choice: what is counted plus what is
      // delivered must be every entry published, and the lag must come back to 0 (not stay inflated by the lost ones).
      // The memory bus counts as it trims, the Redis bus as the group's consumer finds the gap.
      const bus = await makeBus({ shards: 1, maxLenPerShard: 10 });
      await track(
        bus.subscribe(testTopic, { group: 'slow', consumer: 'c', startFrom: 'earliest' }, async () => {}),
      ).close();
      const published = 300;
      for (let i = 0; i < published; i++) await bus.publish(testTopic, 0, [event(i)]); // one entry each
      const got = new Collector();
      track(bus.subscribe(testTopic, { group: 'slow', consumer: 'c' }, got.handler));
      const trimmed = () => bus.trimmedUnread(testTopic, 'slow');
      await waitFor(
        () => trimmed() > 0 && got.messages.length + trimmed() === published,
        10_000,
        'every entry delivered or counted as trimmed',
      );
      const first = published - got.messages.length;
      expect(got.ns()).toEqual(Array.from({ length: got.messages.length }, (_, i) => first + i));
      await waitFor(async () => (await bus.lag(testTopic, 'slow')) === 0, 10_000, 'lag 0');
      expect(bus.trimmedUnread(testTopic, 'other')).toBe(0);
    });

    it('rejects invalid payloads at publish, storing nothing of the batch', async () => {
      const bus = await makeBus({ shards: 1 });
      const got = new Collector();
      track(bus.subscribe(testTopic, { group: 'g', consumer: 'c', startFrom: 'earliest' }, got.handler));
      const invalid = { n: 'one', tag: 'e' } as unknown as TestEvent;
      await expect(bus.publish(testTopic, 0, [invalid])).rejects.toThrow(
        /invalid payload for topic "test-events" at index 0/,
      );
      await expect(bus.publish(testTopic, 0, [event(1), invalid])).rejects.toThrow(/index 1/);
      await bus.publish(testTopic, 0, [event(2)]);
      await waitFor(() => got.messages.length > 0, 10_000, 'the valid message');
      await sleep(100);
      expect(got.ns()).toEqual([2]);
    });

    it('rejects shards out of range at publish and subscribe', async () => {
      const bus = await makeBus({ shards: 2 });
      for (const shard of [-1, 2, 0.5, Number.NaN]) {
        await expect(bus.publish(testTopic, shard, [event(0)])).rejects.toThrow(RangeError);
      }
      const noop = async () => {};
      expect(() => bus.subscribe(testTopic, { group: 'g', consumer: 'c', shards: [0, 2] }, noop)).toThrow(RangeError);
      expect(() => bus.subscribe(testTopic, { group: 'g', consumer: 'c', shards: [] }, noop)).toThrow(RangeError);
      expect(() => bus.subscribe(testTopic, { group: 'g', consumer: 'c', batchSize: 0 }, noop)).toThrow(RangeError);
    });

    it('treats an empty publish as a no-op', async () => {
      const bus = await makeBus({ shards: 1 });
      const got = new Collector();
      track(bus.subscribe(testTopic, { group: 'g', consumer: 'c', startFrom: 'earliest' }, got.handler));
      await bus.publish(testTopic, 0, [event(1)]);
      await waitFor(() => got.messages.length === 1, 10_000, 'the first message');
      await bus.publish(testTopic, 0, []);
      expect(await bus.lag(testTopic, 'g')).toBe(0);
      await bus.publish(testTopic, 0, [event(2)]);
      await waitFor(() => got.messages.length === 2, 10_000, 'the second message');
      expect(got.batchSizes).toEqual([1, 1]);
    });

    it('closes a subscription after its in-flight handler call, then delivers nothing more', async () => {
      const bus = await makeBus({ shards: 1 });
      const held = gate();
      const handled: number[] = [];
      let started = 0;
      const sub = bus.subscribe(testTopic, { group: 'g', consumer: 'c', startFrom: 'earliest' }, async (batch) => {
        started++;
        await held.promise;
        handled.push(...batch.map((m) => m.payload.n));
      });
      await bus.publish(testTopic, 0, [event(0)]);
      await waitFor(() => started === 1, 10_000, 'the handler to start');

      let closed = false;
      const closing = sub.close().then(() => (closed = true));
      await sleep(100);
      expect(closed).toBe(false); // waits for the handler
      held.open();
      await closing;
      expect(handled).toEqual([0]);
      expect(await bus.lag(testTopic, 'g')).toBe(0); // the in-flight batch was acknowledged

      await bus.publish(testTopic, 0, [event(1)]);
      await sleep(300);
      expect(started).toBe(1);
      expect(await bus.lag(testTopic, 'g')).toBe(1); // kept for the group's next consumer
    });

    it('answers ping until closed; close stops its subscriptions and refuses further use', async () => {
      const bus = await makeBus({ shards: 1 });
      await expect(bus.ping()).resolves.toBeUndefined();
      const got = new Collector();
      subscriptions.push(bus.subscribe(testTopic, { group: 'g', consumer: 'c', startFrom: 'earliest' }, got.handler));
      await bus.publish(testTopic, 0, [event(1)]);
      await waitFor(() => got.messages.length === 1, 10_000, 'the message');

      await bus.close();
      await expect(bus.ping()).rejects.toThrow(/closed/);
      await expect(bus.publish(testTopic, 0, [event(2)])).rejects.toThrow(/closed/);
      await expect(bus.lag(testTopic, 'g')).rejects.toThrow(/closed/);
      expect(() => bus.subscribe(testTopic, { group: 'g', consumer: 'c' }, got.handler)).toThrow(/closed/);
      await bus.close(); // idempotent
      expect(got.messages).toHaveLength(1);
    });
  });
}
