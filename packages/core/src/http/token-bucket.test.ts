import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  const rate = { perSecond: 2, burst: 3 };

  it('lets a full bucket spend its burst, then refuses with the wait until the next token', () => {
    const buckets = new TokenBuckets();
    for (let i = 0; i < 3; i++) expect(buckets.take('k', rate, 0)).toEqual({ allowed: true });
    expect(buckets.take('k', rate, 0)).toEqual({ allowed: false, retryAfterSeconds: 0.5 });
    // 250 ms later half a token is back: a quarter of a second still to wait.
    expect(buckets.take('k', rate, 250)).toEqual({ allowed: false, retryAfterSeconds: 0.25 });
    expect(buckets.take('k', rate, 500)).toEqual({ allowed: true });
  });

  it('refills at the rate and never past the burst', () => {
    const buckets = new TokenBuckets();
    for (let i = 0; i < 3; i++) buckets.take('k', rate, 0);
    // An hour idle refills to 3, not 7200.
    let allowed = 0;
    while (buckets.take('k', rate, 3_600_000).allowed) allowed++;
    expect(allowed).toBe(3);
  });

  it('keeps one bucket per key', () => {
    const buckets = new TokenBuckets();
    for (let i = 0; i < 3; i++) buckets.take('a', rate, 0);
    expect(buckets.take('a', rate, 0).allowed).toBe(false);
    expect(buckets.take('b', rate, 0).allowed).toBe(true);
    expect(buckets.size).toBe(2);
  });

  it('refills nothing when the clock steps back, and does not drain either', () => {
    const buckets = new TokenBuckets();
    buckets.take('k', rate, 10_000);
    expect(buckets.take('k', rate, 5_000).allowed).toBe(true);
    expect(buckets.take('k', rate, 5_000).allowed).toBe(true);
    expect(buckets.take('k', rate, 5_000).allowed).toBe(false);
    // Time is measured from the latest instant seen: 500 ms after it, one token.
    expect(buckets.take('k', rate, 10_500).allowed).toBe(true);
  });
});
