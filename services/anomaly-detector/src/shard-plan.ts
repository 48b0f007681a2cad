/** What one replica sees of the shard leases at one instant. */
export interface LeaseView {
  me: string;
  shards: readonly number[];
  /** Shards this replica is configured for (ANOMALY_SHARDS): it takes them first and asks for them back. */
  preferred: ReadonlySet<number>;
  holders: ReadonlyArray<string | undefined>;
  wanted: ReadonlyArray<string | undefined>;
  /** Since when (epoch ms) each shard has been seen free, continuously; absent when it is held. */
  freeSince: ReadonlyMap<number, number>;
  now: number;
  /** How long a free shard of another replica's waits for that replica (its lease time) before a survivor takes it. */
  graceMs: number;
}

export interface LeasePlan {
  acquire: number[];
  renew: number[];
  release: number[];
  want: number[];
}

/**
 * One round of shard ownership, a pure function of what the leases show: keep what I hold; take my preferred
 * shards when free; take anyone's shard left free for a whole lease time (its owner died: failover); hand a
 * shard I hold but do not prefer back to a replica that prefers it and asks; ask for my preferred shards others hold.
 */
export function planLeases(view: LeaseView): LeasePlan {
  const plan: LeasePlan = { acquire: [], renew: [], release: [], want: [] };
  view.shards.forEach((shard, i) => {
    const holder = view.holders[i];
    const wanter = view.wanted[i];
    const mine = view.preferred.has(shard);
    if (holder === view.me) {
      if (!mine && wanter !== undefined && wanter !== view.me) plan.release.push(shard);
      else plan.renew.push(shard);
    } else if (holder === undefined) {
      const freeFor = view.now - (view.freeSince.get(shard) ?? view.now);
      if (mine || freeFor >= view.graceMs) plan.acquire.push(shard);
    } else if (mine) {
      plan.want.push(shard);
    }
  });
  return plan;
}
