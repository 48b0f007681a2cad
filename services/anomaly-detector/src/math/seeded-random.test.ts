import { SeededRandom, hashString } from './seeded-random';

describe('SeededRandom (xorshift32)', () => {
  it('produces Marsaglia’s xorshift32 sequence from seed 1', () => {
    // x ^= x << 13; x ^= x >>> 17; x ^= x << 5 from x = 1: 270369, 67634689, 2647435461 (the three shifts applied to x = 1).
    const r = new SeededRandom(1);
    expect(Math.round(r.next() * 4294967296)).toBe(270369);
    expect(Math.round(r.next() * 4294967296)).toBe(67634689);
    expect(Math.round(r.next() * 4294967296)).toBe(2647435461);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const xs = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(xs);
    a.reseed(42);
    expect(a.next()).toBe(xs[0]);
  });

  it('draws uniformly: each of 10 bins gets 10 % ± 1 % of 100,000 draws, ints stay in range', () => {
    const r = new SeededRandom(7);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(r.next() * 10)]!++;
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(1000);
    for (let i = 0; i < 1000; i++) {
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
  });

  it('never sticks at zero, even when seeded with 0', () => {
    const r = new SeededRandom(0);
    expect(r.next()).toBeGreaterThan(0);
  });
});

describe('hashString (FNV-1a 32-bit)', () => {
  it('matches the published FNV-1a test vectors', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });
});
