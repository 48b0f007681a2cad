import type { RedisClient } from '../redis-client';

/**
 * Exclusive, expiring ownership of bus shards by named replicas (a shard's consumer in one group), so that a
 * replica that dies stops owning its shards once its leases run out and a survivor can take them. `want` records
 * that a replica would like a shard its holder does not prefer (a returning owner asking for its shards back).
 */
export interface ShardLeases {
  /** Takes the shard for `owner` if nobody holds it; true when `owner` holds it afterwards. */
  acquire(shard: number, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends `owner`'s lease; false when it no longer holds the shard (expired, taken). */
  renew(shard: number, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the shard up if `owner` holds it. */
  release(shard: number, owner: string): Promise<void>;
  /** The holder of each shard, undefined where free. */
  holders(shards: readonly number[]): Promise<Array<string | undefined>>;
  /** Marks that `owner` asks for the shard back, for `ttlMs`. */
  want(shard: number, owner: string, ttlMs: number): Promise<void>;
  /** Who asks for each shard, undefined where nobody does. */
  wanted(shards: readonly number[]): Promise<Array<string | undefined>>;
}

/** Leases of one process (embedded mode: the only replica), with the same expiry rules, time passed in. */
export class MemoryShardLeases implements ShardLeases {
  private readonly leases = new Map<string, { owner: string; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(shard: number, owner: string, ttlMs: number): Promise<boolean> {
    const holder = this.live(`lease:${shard}`);
    if (holder !== undefined && holder !== owner) return false;
    if (holder === undefined) this.leases.set(`lease:${shard}`, { owner, until: this.now() + ttlMs });
    return true;
  }

  async renew(shard: number, owner: string, ttlMs: number): Promise<boolean> {
    if (this.live(`lease:${shard}`) !== owner) return false;
    this.leases.set(`lease:${shard}`, { owner, until: this.now() + ttlMs });
    return true;
  }

  async release(shard: number, owner: string): Promise<void> {
    if (this.live(`lease:${shard}`) === owner) this.leases.delete(`lease:${shard}`);
  }

  async holders(shards: readonly number[]): Promise<Array<string | undefined>> {
    return shards.map((shard) => this.live(`lease:${shard}`));
  }

  async want(shard: number, owner: string, ttlMs: number): Promise<void> {
    this.leases.set(`want:${shard}`, { owner, until: this.now() + ttlMs });
  }

  async wanted(shards: readonly number[]): Promise<Array<string | undefined>> {
    return shards.map((shard) => this.live(`want:${shard}`));
  }

  private live(key: string): string | undefined {
    const lease = this.leases.get(key);
    if (!lease) return undefined;
    if (lease.until <= this.now()) {
      this.leases.delete(key);
      return undefined;
    }
    return lease.owner;
  }
}

// Compare-and-set on one key: only the holder extends or deletes its lease (one key per script: cluster-safe).
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** Leases in Redis (a server or a cluster): `P:lease:<group>:<shard>` holds the owner, with a PX expiry. */
export class RedisShardLeases implements ShardLeases {
  constructor(
    private readonly redis: RedisClient,
    /** Names the leases' family, e.g. the consumer group: `${prefix}:lease:${scope}`. */
    private readonly scope: string,
    private readonly prefix = 'swarmscope',
  ) {}

  async acquire(shard: number, owner: string, ttlMs: number): Promise<boolean> {
    const key = this.key('lease', shard);
    if ((await this.redis.set(key, owner, 'PX', ttlMs, 'NX')) === 'OK') return true;
    return (await this.redis.get(key)) === owner;
  }

  async renew(shard: number, owner: string, ttlMs: number): Promise<boolean> {
    return Number(await this.redis.eval(RENEW, 1, this.key('lease', shard), owner, ttlMs)) === 1;
  }

  async release(shard: number, owner: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key('lease', shard), owner);
  }

  holders(shards: readonly number[]): Promise<Array<string | undefined>> {
    return Promise.all(shards.map(async (shard) => (await this.redis.get(this.key('lease', shard))) ?? undefined));
  }

  async want(shard: number, owner: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.key('want', shard), owner, 'PX', ttlMs);
  }

  wanted(shards: readonly number[]): Promise<Array<string | undefined>> {
    return Promise.all(shards.map(async (shard) => (await this.redis.get(this.key('want', shard))) ?? undefined));
  }

  private key(kind: 'lease' | 'want', shard: number): string {
    return `${this.prefix}:${kind}:${this.scope}:${shard}`;
  }
}
