/** Refill rate and capacity of one bucket. */
export interface BucketRate {
  /** Tokens added per second (requests per second, sustained). */
  perSecond: number;
  /** Capacity: the burst a quiet key may spend at once. */
  burst: number;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Token buckets by key (the classic token-bucket algorithm, e.g. RFC 2697's committed burst): each key's bucket
 * starts full, refills at `perSecond` up to `burst`, and a request takes one token. Pure: time comes in as `now` (ms).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes one token from `key`'s bucket, or says how long until one is there. */
  take(key: string, rate: BucketRate, now: number): TakeResult {
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { tokens: rate.burst, at: now }));
    // A clock that steps back refills nothing rather than draining the bucket.
    const elapsedSeconds = Math.max(0, now - bucket.at) / 1000;
    bucket.tokens = Math.min(rate.burst, bucket.tokens + elapsedSeconds * rate.perSecond);
    bucket.at = Math.max(bucket.at, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: (1 - bucket.tokens) / rate.perSecond };
  }

  /** Keys with a bucket (their number is bounded by the configured keys: anonymous requests get none). */
  get size(): number {
    return this.buckets.size;
  }
}
