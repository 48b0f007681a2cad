import type { z } from 'zod';

/** A named stream of messages whose payloads follow one zod schema (declared once, in topics.ts). */
export interface Topic<S extends z.ZodType> {
  readonly name: string;
  readonly schema: S;
}
export type PayloadOf<T> = T extends Topic<infer S> ? z.infer<S> : never;

export interface BusMessage<P> {
  /** Stream entry id, unique and increasing within a shard. */
  id: string;
  shard: number;
  payload: P;
}

export interface SubscribeOptions {
  /** Consumer group: each message of a shard goes to one consumer of the group. */
  group: string;
  /** This consumer's name within the group (stable across restarts to resume its pending messages). */
  consumer: string;
  /** Shards this consumer owns; all shards when absent. */
  shards?: readonly number[];
  /** Messages handed to the handler at once (default 100). */
  batchSize?: number;
  /** Where a new group starts: 'latest' (default) or 'earliest' (everything retained). */
  startFrom?: 'latest' | 'earliest';
}

/** A running subscription. `close` stops reading; in-flight handler calls complete first. */
export interface Subscription {
  close(): Promise<void>;
}

/**
 * Messages sharded by key (agent id). Delivery is at-least-once: a batch is acknowledged
 * after its handler resolves; if the handler throws, the batch stays pending and is redelivered
 * to the same consumer (after `redeliverAfterMs`). Per shard, order is preserved.
 */
export interface Bus {
  readonly kind: 'memory' | 'redis';
  readonly shards: number;
  /** The shard a key belongs to (stable hash, same in every implementation). */
  shardOf(key: string): number;
  /** Appends payloads to one shard; validated against the topic schema. Resolves when stored. */
  publish<S extends z.ZodType>(topic: Topic<S>, shard: number, payloads: ReadonlyArray<z.infer<S>>): Promise<void>;
  subscribe<S extends z.ZodType>(
    topic: Topic<S>,
    options: SubscribeOptions,
    handler: (messages: BusMessage<z.infer<S>>[]) => Promise<void>,
  ): Subscription;
  /** Messages of the topic not yet delivered to (or not yet acknowledged by) the group, summed over shards. */
  lag(topic: Topic<z.ZodType>, group: string): Promise<number>;
  /**
   * How full the topic is for its slowest reader: the largest share of a shard's length cap (maxLenPerShard) that a
   * consumer group has not yet read and acknowledged, over every shard and group; 0 when no group reads the topic.
   * At 1 the next publish trims entries that group never saw: producers shed load before that.
   */
  fullness(topic: Topic<z.ZodType>): Promise<number>;
  /**
   * Entries of the topic the length cap (maxLenPerShard) removed before `group` read them, since this bus started:
   * lost to that group. The memory bus counts every group; the Redis bus counts what this process's subscriptions of
   * the group find (a group read elsewhere is counted there).
   */
  trimmedUnread(topic: Topic<z.ZodType>, group: string): number;
  ping(): Promise<void>;
  close(): Promise<void>;
}
