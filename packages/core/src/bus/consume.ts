import type { z } from 'zod';
import { registerBusLag, type ServiceRegistry } from '../telemetry/metrics';
import type { Bus, BusMessage, SubscribeOptions, Subscription, Topic } from './types';

/**
 * A service's reading side of the bus: every consumer subscribes through `consume`, which puts its topic and group on
 * the service's `swarmscope_bus_consumer_lag` and `swarmscope_bus_trimmed_unread_entries_total` (registered once, at the
 * first consumer), so no consumer can be read without its lag showing.
 */
export class BusConsumers {
  private readonly watched = new Map<string, { topic: Topic<z.ZodType>; group: string }>();
  private registered = false;

  constructor(
    readonly bus: Bus,
    private readonly registry: ServiceRegistry,
  ) {}

  /** Subscribes `group` (this process as `options.consumer`) to `topic` and watches its lag. */
  consume<S extends z.ZodType>(
    group: string,
    topic: Topic<S>,
    options: Omit<SubscribeOptions, 'group'>,
    handler: (messages: BusMessage<z.infer<S>>[]) => Promise<void>,
  ): Subscription {
    this.watch(group, topic);
    return this.bus.subscribe(topic, { ...options, group }, handler);
  }

  /** Puts `group`'s lag on `topic` on /metrics (also before its first subscription). */
  watch(group: string, topic: Topic<z.ZodType>): void {
    this.watched.set(`${group}\u0000${topic.name}`, { topic, group });
    if (this.registered) return;
    this.registered = true;
    registerBusLag(this.registry, this.bus, () => [...this.watched.values()]);
  }
}

/** Publishes `items` as one bus entry per shard, each item on the shard of its key (an agent id, an incident id...). */
export async function publishByKey<S extends z.ZodType>(
  bus: Bus,
  topic: Topic<S>,
  items: ReadonlyArray<z.infer<S>>,
  keyOf: (item: z.infer<S>) => string,
  { oneShardAtATime = false } = {},
): Promise<void> {
  const byShard = new Map<number, Array<z.infer<S>>>();
  for (const item of items) {
    const shard = bus.shardOf(keyOf(item));
    const list = byShard.get(shard);
    if (list) list.push(item);
    else byShard.set(shard, [item]);
  }
  // One shard after the other keeps encoding thousands of items from being one long task of the event loop.
  if (oneShardAtATime) for (const [shard, list] of byShard) await bus.publish(topic, shard, list);
  else await Promise.all([...byShard].map(([shard, list]) => bus.publish(topic, shard, list)));
}
