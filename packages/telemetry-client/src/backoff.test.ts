import { backoffDelay, parseRetryAfter } from './backoff';

describe('backoffDelay', () => {
  it('draws uniformly below min(maxMs, baseMs · 2^attempt)', () => {
    const almostOne = () => 0.999999;
    expect(backoffDelay(0, 200, 30_000, almostOne)).toBe(199);
    expect(backoffDelay(3, 200, 30_000, almostOne)).toBe(1599);
    expect(backoffDelay(20, 200, 30_000, almostOne)).toBe(29_999);
    expect(backoffDelay(5000, 200, 30_000, almostOne)).toBe(29_999);
    expect(backoffDelay(4, 200, 30_000, () => 0)).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(' 0.5 ')).toBe(500);
    expect(parseRetryAfter(['3', '9'])).toBe(3000);
    const now = Date.parse('2024-11-23T10:00:00Z');
    expect(parseRetryAfter('Sat, 23 Nov 2024 10:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Sat, 23 Nov 2024 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-1')).toBeUndefined();
  });
});
