/**
 * Data time up to which every input shard has delivered: the oldest of the shards' newest timestamps, as a stream
 * processor's watermark is the minimum over its input partitions (Akidau et al. 2015, The Dataflow Model). With one
 * newest timestamp over all shards, a shard read a few seconds behind the others (another health-monitor replica,
 * a consumer catching up) had its reports dropped as late, and the dips read as fleet-wide rhythms. A shard that has
 * not advanced for `idleMs` of wall time (its agents gone) stops holding the others back until it advances again.
 * Pure: wall time comes in as an argument.
 */
export class ShardWatermark {
  private readonly shards = new Map<number, { newestMs: number; advancedAtMs: number }>();

  constructor(private readonly idleMs: number) {}

  /** `shard` delivered data up to `dataMs`, at wall time `nowMs`. */
  observe(shard: number, dataMs: number, nowMs: number): void {
    const state = this.shards.get(shard);
    if (!state) this.shards.set(shard, { newestMs: dataMs, advancedAtMs: nowMs });
    else if (dataMs > state.newestMs) {
      state.newestMs = dataMs;
      state.advancedAtMs = nowMs;
    }
  }

  /** The oldest newest timestamp among shards that advanced within `idleMs` (all idle: the newest); undefined before data. */
  current(nowMs: number): number | undefined {
    let oldestActive: number | undefined;
    for (const { newestMs, advancedAtMs } of this.shards.values()) {
      if (nowMs - advancedAtMs > this.idleMs) continue;
      if (oldestActive === undefined || newestMs < oldestActive) oldestActive = newestMs;
    }
    return oldestActive ?? this.newest;
  }

  /** The newest timestamp any shard delivered. */
  get newest(): number | undefined {
    let newest: number | undefined;
    for (const { newestMs } of this.shards.values()) if (newest === undefined || newestMs > newest) newest = newestMs;
    return newest;
  }
}
