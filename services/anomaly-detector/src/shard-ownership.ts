import type { Logger, ShardLeases } from '@swarmscope/core';
import { planLeases } from './shard-plan';

export interface ShardOwnershipOptions {
  leases: ShardLeases;
  /** This replica's name (its bus consumer name). */
  me: string;
  shards: readonly number[];
  preferred: readonly number[];
  leaseMs: number;
  logger: Logger;
  /** Called with the new owned set (ascending) whenever it changes; awaited before the next round. */
  onChange(owned: number[]): Promise<void>;
  now?: () => number;
}

/**
 * The edge of shard failover: every third of a lease time it reads the leases, runs planLeases and carries the
 * plan out. A shard is given up only after onChange (the subscription closed on it, in-flight batches acked).
 */
export class ShardOwnership {
  private owned = new Set<number>();
  private readonly freeSince = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly options: ShardOwnershipOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The shards this replica owns now, ascending. */
  get shards(): number[] {
    return [...this.owned].sort((a, b) => a - b);
  }

  /** Runs the first round (so the replica starts on its shards) and then one every leaseMs / 3. */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), Math.max(50, Math.floor(this.options.leaseMs / 3)));
    this.timer.unref();
  }

  /** One round; rounds never overlap. Errors (Redis unreachable) keep the current set and are logged. */
  check(): Promise<void> {
    this.round = this.round
      .then(() => this.runRound())
      .catch((error: unknown) => {
        this.options.logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'shard leases unreachable; keeping the current shards',
        );
      });
    return this.round;
  }

  /** Stops the rounds, stops reading (onChange with no shards), then releases every lease: a survivor takes them at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.round;
    const { leases, me } = this.options;
    await this.options.onChange([]);
    await Promise.all([...this.owned].map((shard) => leases.release(shard, me))).catch(() => {});
  }

  private async runRound(): Promise<void> {
    if (this.stopped) return;
    const { leases, me, shards, leaseMs } = this.options;
    const [holders, wanted] = await Promise.all([leases.holders(shards), leases.wanted(shards)]);
    const now = this.now();
    shards.forEach((shard, i) => {
      if (holders[i] !== undefined) this.freeSince.delete(shard);
      else if (!this.freeSince.has(shard)) this.freeSince.set(shard, now);
    });
    const plan = planLeases({
      me,
      shards,
      preferred: new Set(this.options.preferred),
      holders,
      wanted,
      freeSince: this.freeSince,
      now,
      graceMs: leaseMs,
    });
    const next = new Set(this.owned);
    const renewed = await Promise.all(plan.renew.map((shard) => leases.renew(shard, me, leaseMs)));
    plan.renew.forEach((shard, i) => (renewed[i] ? next.add(shard) : next.delete(shard)));
    for (const shard of holders.flatMap((holder, i) =>
      holder !== me && this.owned.has(shards[i]!) ? [shards[i]!] : [],
    ))
      next.delete(shard);
    const acquired = await Promise.all(plan.acquire.map((shard) => leases.acquire(shard, me, leaseMs)));
    plan.acquire.forEach((shard, i) => acquired[i] && next.add(shard));
    await Promise.all(plan.want.map((shard) => leases.want(shard, me, leaseMs)));
    for (const shard of plan.release) next.delete(shard);

    const changed = next.size !== this.owned.size || [...next].some((shard) => !this.owned.has(shard));
    if (changed) {
      const gained = [...next].filter((shard) => !this.owned.has(shard));
      const lost = [...this.owned].filter((shard) => !next.has(shard));
      this.owned = next;
      this.options.logger.info({ shards: this.shards, gained, lost }, 'bus shards this replica owns changed');
      await this.options.onChange(this.shards);
    }
    // Only once the subscription stopped reading them (onChange) may another replica take them.
    await Promise.all(plan.release.map((shard) => leases.release(shard, me)));
  }
}
