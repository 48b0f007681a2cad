import { LoadTrend } from './load-trend';

/** Deterministic standard normals (Box–Muller on a fixed linear congruential stream). */
function normals(seed: number): () => number {
  let state = seed;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

describe('LoadTrend', () => {
  it('splits white noise from a random walk by the variogram (known σ, over its hour of ticks)', () => {
    const z = normals(7);
    const white = new LoadTrend();
    for (let i = 0; i < 240; i++) white.observe(i * 15_000, 100 + 10 * z());
    const w = white.project()!;
    expect(w.whiteStd).toBeGreaterThan(8.5);
    expect(w.whiteStd).toBeLessThan(11.5);
    expect(w.walkStd).toBeLessThan(2);
    expect(w.slopePerSecond).toBe(0);

    const walk = new LoadTrend();
    let level = 1000;
    for (let i = 0; i < 240; i++) walk.observe(i * 15_000, (level += 5 * z()));
    const r = walk.project()!;
    expect(r.walkStd).toBeGreaterThan(4);
    expect(r.walkStd).toBeLessThan(6);
    expect(r.whiteStd).toBeLessThan(2);
  });

  it('extrapolates only a significant slope, from the last ticks', () => {
    const trend = new LoadTrend();
    for (let i = 0; i < 20; i++) trend.observe(i * 15_000, 100 + 2 * i);
    const p = trend.project()!;
    expect(p.slopePerSecond).toBeCloseTo(2 / 15, 6);
    expect(p.level).toBeCloseTo(138, 6);
  });
});
