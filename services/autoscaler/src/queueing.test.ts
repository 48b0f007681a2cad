import { erlangC, maxArrivalRate, meanSojourn, serversForSlo, sojournQuantile, sojournTail } from './queueing';

describe('M/M/c (Erlang C)', () => {
  it('matches textbook values', () => {
    // c = 2, a = 1: C = (a²/2!·c/(c−a)) / (1 + a + a²/2!·c/(c−a)) = 1/3.
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    // Gross & Harris-style table value: c = 5, a = 4 → C ≈ 0.5541.
    expect(erlangC(5, 4)).toBeCloseTo(0.5541, 4);
    // One server: C = ρ.
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12);
    expect(erlangC(3, 3)).toBe(1);
  });

  it('M/M/1: the sojourn is Exp(μ − λ), so p95 = ln 20 / (μ − λ) and the mean 1 / (μ − λ)', () => {
    expect(sojournQuantile(0.95, 3, 1, 5)).toBeCloseTo(Math.log(20) / 2, 3);
    expect(meanSojourn(3, 1, 5)).toBeCloseTo(0.5, 12);
    expect(sojournTail(1, 3, 1, 5)).toBeCloseTo(Math.exp(-2), 12);
  });

  it('M/M/c mean sojourn by Little: 1/μ + C/(cμ − λ); unstable is Infinity', () => {
    expect(meanSojourn(8, 2, 5)).toBeCloseTo(0.2 + erlangC(2, 1.6) / 2, 12);
    expect(meanSojourn(10, 2, 5)).toBe(Infinity);
    expect(sojournQuantile(0.95, 10, 2, 5)).toBe(Infinity);
  });

  it('sizes: the fewest servers holding the p95, and the highest rate they hold', () => {
    // M/M/1 at μ = 5, p95 ≤ 1 s: λ ≤ 5 − ln 20 = 2.0043.
    expect(maxArrivalRate(1, 5, 1)).toBeCloseTo(5 - Math.log(20), 3);
    const c = serversForSlo(40, 5, 1, 1000);
    expect(sojournQuantile(0.95, 40, c, 5)).toBeLessThanOrEqual(1);
    expect(sojournQuantile(0.95, 40, c - 1, 5)).toBeGreaterThan(1);
    // Pooling: 10× the load needs fewer than 10× the servers.
    expect(serversForSlo(400, 5, 1, 1000)).toBeLessThan(10 * c);
    // An SLO below one request's own p95 cannot be met by more servers: the limit.
    expect(serversForSlo(1, 5, 0.5, 77)).toBe(77);
    expect(maxArrivalRate(3, 5, 0.5)).toBe(0);
  });
});
