import type { z } from 'zod';
import type { Topic } from './types';

// Argument checks both bus implementations share, so they fail the same way (the contract suite checks it).

const DEFAULT_BATCH = 100;

/** Parses the payloads with the topic schema, or throws naming the topic and the index of the first bad one. */
export function parsePayloads<S extends z.ZodType>(topic: Topic<S>, payloads: ReadonlyArray<unknown>): z.infer<S>[] {
  return payloads.map((payload, index) => {
    const result = topic.schema.safeParse(payload);
    if (!result.success) {
      const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new TypeError(`invalid payload for topic "${topic.name}" at index ${index}: ${issues}`);
    }
    return result.data;
  });
}

export function checkShardCount(shards: number): number {
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`shards must be a positive integer, got ${shards}`);
  return shards;
}

export function checkShard(shard: number, shards: number): void {
  if (!Number.isInteger(shard) || shard < 0 || shard >= shards) {
    throw new RangeError(`shard must be an integer in 0..${shards - 1}, got ${shard}`);
  }
}

export function checkOwnedShards(owned: readonly number[] | undefined, shards: number): number[] {
  if (owned === undefined) return Array.from({ length: shards }, (_, i) => i);
  if (owned.length === 0) throw new RangeError('shards must not be empty (omit it to own every shard)');
  for (const shard of owned) checkShard(shard, shards);
  return [...new Set(owned)];
}

export function checkBatchSize(batchSize: number | undefined): number {
  const size = batchSize ?? DEFAULT_BATCH;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batchSize must be a positive integer, got ${size}`);
  return size;
}
