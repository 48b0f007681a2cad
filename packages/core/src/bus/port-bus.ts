import type { MessagePort } from 'node:worker_threads';
import type { z } from 'zod';
import { checkBatchSize, checkOwnedShards, checkShard, checkShardCount, parsePayloads } from './checks';
import { shardOf } from './shard';
import type { Bus, BusMessage, SubscribeOptions, Subscription, Topic } from './types';

// A bus across a thread boundary: the embedded process runs a service on a worker thread (its own event loop, heap
// and GC) over the main thread's bus. The worker holds a PortBus; the main thread serves its bus on the other end of
// the MessageChannel with serveBusOverPort. Delivery semantics are the served bus's: an entry is acknowledged there
// only after the worker's handler resolved, so a worker that dies leaves its entries pending for redelivery.

/** Worker → main thread. */
type ToHost =
  | { op: 'publish'; call: number; topic: string; shard: number; payloads: readonly unknown[] }
  | { op: 'subscribe'; call: number; sub: number; topic: string; options: SubscribeOptions }
  | { op: 'unsubscribe'; call: number; sub: number }
  | { op: 'lag'; call: number; topic: string; group: string }
  | { op: 'ping'; call: number }
  | { op: 'handled'; delivery: number; error?: string };

/** Main thread → worker. */
type ToWorker =
  | { op: 'reply'; call: number; value?: number; error?: string }
  | { op: 'deliver'; sub: number; delivery: number; messages: BusMessage<unknown>[] };

/** What a PortBus needs to know of the bus it fronts (sent to the worker with the port). */
export interface PortBusInit {
  kind: Bus['kind'];
  shards: number;
  /** Names of the topics served. */
  topics: readonly string[];
}

/**
 * The worker's side: a {@link Bus} whose every call is carried over `port` to the bus served on the other end.
 * Arguments are checked here, as the other implementations check them, so errors keep their types; payloads are
 * validated against the topic schema before they cross.
 */
export class PortBus implements Bus {
  readonly kind: Bus['kind'];
  readonly shards: number;
  private readonly topics: ReadonlySet<string>;
  private readonly calls = new Map<number, { resolve(value: number | undefined): void; reject(error: Error): void }>();
  private readonly handlers = new Map<number, (messages: BusMessage<unknown>[]) => Promise<void>>();
  private readonly subscriptions = new Set<PortSubscription>();
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly port: MessagePort,
    init: PortBusInit,
  ) {
    this.kind = init.kind;
    this.shards = checkShardCount(init.shards);
    this.topics = new Set(init.topics);
    port.on('message', (message: ToWorker) => this.receive(message));
    port.on('close', () => {
      for (const pending of this.calls.values()) pending.reject(new Error('PortBus: the served end is gone'));
      this.calls.clear();
    });
  }

  shardOf(key: string): number {
    return shardOf(key, this.shards);
  }

  async publish<S extends z.ZodType>(topic: Topic<S>, shard: number, payloads: ReadonlyArray<z.infer<S>>): Promise<void> {
    this.assertOpen();
    checkShard(shard, this.shards);
    this.checkTopic(topic);
    if (payloads.length === 0) return;
    const checked = parsePayloads(topic, payloads);
    await this.call((call) => ({ op: 'publish', call, topic: topic.name, shard, payloads: checked }));
  }

  subscribe<S extends z.ZodType>(topic: Topic<S>, options: SubscribeOptions, handler: (messages: BusMessage<z.infer<S>>[]) => Promise<void>): Subscription {
    this.assertOpen();
    const shards = checkOwnedShards(options.shards, this.shards);
    checkBatchSize(options.batchSize);
    this.checkTopic(topic);
    const sub = ++this.nextId;
    this.handlers.set(sub, handler as (messages: BusMessage<unknown>[]) => Promise<void>);
    const subscribed = this.call((call) => ({ op: 'subscribe', call, sub, topic: topic.name, options: { ...options, shards } }));
    const subscription = new PortSubscription(async () => {
      await subscribed.catch(() => undefined);
      // The handler stays until the served end has closed its subscription: in-flight deliveries still need it.
      await this.call((call) => ({ op: 'unsubscribe', call, sub }), true).catch(() => undefined);
      this.handlers.delete(sub);
      this.subscriptions.delete(subscription);
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async lag(topic: Topic<z.ZodType>, group: string): Promise<number> {
    this.assertOpen();
    return (await this.call((call) => ({ op: 'lag', call, topic: topic.name, group }))) ?? 0;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.call((call) => ({ op: 'ping', call }));
  }

  /** Closes this side's subscriptions (in-flight handlers finish first); the served bus stays open for others. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
  }

  private call(message: (call: number) => ToHost, evenIfClosed = false): Promise<number | undefined> {
    if (this.closed && !evenIfClosed) return Promise.reject(new Error('PortBus is closed'));
    const call = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.calls.set(call, { resolve, reject });
      this.port.postMessage(message(call));
    });
  }

  private receive(message: ToWorker): void {
    if (message.op === 'reply') {
      const pending = this.calls.get(message.call);
      this.calls.delete(message.call);
      if (message.error !== undefined) pending?.reject(new Error(message.error));
      else pending?.resolve(message.value);
      return;
    }
    const handler = this.handlers.get(message.sub);
    const done = (error?: string) => this.port.postMessage({ op: 'handled', delivery: message.delivery, ...(error === undefined ? {} : { error }) } satisfies ToHost);
    if (!handler) return done('subscription closed');
    handler(message.messages).then(
      () => done(),
      (error: unknown) => done(error instanceof Error ? error.message : String(error)),
    );
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('PortBus is closed');
  }

  private checkTopic(topic: Topic<z.ZodType>): void {
    if (!this.topics.has(topic.name)) throw new Error(`topic "${topic.name}" is not served to this PortBus (served: ${[...this.topics].join(', ')})`);
  }
}

class PortSubscription implements Subscription {
  private closing: Promise<void> | undefined;
  constructor(private readonly stop: () => Promise<void>) {}
  close(): Promise<void> {
    return (this.closing ??= this.stop());
  }
}

/** The served end of a PortBus, returned by {@link serveBusOverPort}. */
export interface ServedBus {
  /** What the PortBus at the other end is constructed with. */
  readonly init: PortBusInit;
  /** Closes the subscriptions made through the port (in-flight deliveries finish or fail first). */
  close(): Promise<void>;
}

/**
 * The main thread's side: carries the calls of the {@link PortBus} at the other end of `port` to `bus`, for the
 * `topics` it names (a topic the worker uses must be listed). When the port closes (the worker exited), deliveries
 * in flight fail, so they stay pending on `bus`, and the worker's subscriptions are closed.
 */
export function serveBusOverPort(bus: Bus, port: MessagePort, topics: ReadonlyArray<Topic<z.ZodType>>): ServedBus {
  const byName = new Map(topics.map((topic) => [topic.name, topic]));
  const subscriptions = new Map<number, Subscription>();
  const deliveries = new Map<number, { resolve(): void; reject(error: Error): void }>();
  let nextDelivery = 0;
  let open = true;

  const reply = (call: number, work: () => Promise<number | undefined | void>) => {
    work().then(
      (value) => open && port.postMessage({ op: 'reply', call, ...(typeof value === 'number' ? { value } : {}) } satisfies ToWorker),
      (error: unknown) => open && port.postMessage({ op: 'reply', call, error: error instanceof Error ? error.message : String(error) } satisfies ToWorker),
    );
  };
  const topicNamed = (name: string): Topic<z.ZodType> => {
    const topic = byName.get(name);
    if (!topic) throw new Error(`topic "${name}" is not served over this port`);
    return topic;
  };

  port.on('message', (message: ToHost) => {
    switch (message.op) {
      case 'publish':
        return reply(message.call, () => bus.publish(topicNamed(message.topic), message.shard, message.payloads));
      case 'subscribe':
        return reply(message.call, async () => {
          // One subscription a shard: each has its own delivery loop, so up to one batch a shard is in flight to the
          // worker at once, and the worker never idles while this thread is busy elsewhere before it can pass an ack on.
          // Per shard, order and ack-after-handled are the served bus's.
          const topic = topicNamed(message.topic);
          const shards = message.options.shards ?? Array.from({ length: bus.shards }, (_, i) => i);
          const perShard = shards.map((shard) =>
            bus.subscribe(topic, { ...message.options, shards: [shard] }, (messages) => {
              if (!open) return Promise.reject(new Error('the worker is gone'));
              const delivery = ++nextDelivery;
              return new Promise<void>((resolve, reject) => {
                deliveries.set(delivery, { resolve, reject });
                port.postMessage({ op: 'deliver', sub: message.sub, delivery, messages } satisfies ToWorker);
              });
            }),
          );
          subscriptions.set(message.sub, { close: async () => void (await Promise.all(perShard.map((s) => s.close()))) });
        });
      case 'unsubscribe':
        return reply(message.call, async () => {
          const subscription = subscriptions.get(message.sub);
          subscriptions.delete(message.sub);
          await subscription?.close();
        });
      case 'lag':
        return reply(message.call, () => bus.lag(topicNamed(message.topic), message.group));
      case 'ping':
        return reply(message.call, () => bus.ping());
      case 'handled': {
        const pending = deliveries.get(message.delivery);
        deliveries.delete(message.delivery);
        if (message.error !== undefined) pending?.reject(new Error(message.error));
        else pending?.resolve();
        return undefined;
      }
    }
  });

  const close = async () => {
    open = false;
    for (const pending of deliveries.values()) pending.reject(new Error('the worker is gone'));
    deliveries.clear();
    const closing = [...subscriptions.values()].map((s) => s.close());
    subscriptions.clear();
    await Promise.all(closing);
  };
  port.on('close', () => void close());
  return { init: { kind: bus.kind, shards: bus.shards, topics: [...byName.keys()] }, close };
}
