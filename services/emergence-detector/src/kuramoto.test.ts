import { kuramotoOrder, rayleighTest } from './kuramoto';

describe('kuramotoOrder', () => {
  it('is 1 for identical phases, with their phase as ψ', () => {
    const { r, psi } = kuramotoOrder([0.7, 0.7, 0.7, 0.7]);
    expect(r).toBeCloseTo(1, 12);
    expect(psi).toBeCloseTo(0.7, 12);
  });

  it('is 0 for phases spread uniformly round the circle', () => {
    const phases = Array.from({ length: 12 }, (_, j) => (2 * Math.PI * j) / 12);
    expect(kuramotoOrder(phases).r).toBeCloseTo(0, 12);
  });

  it('is |cos(Δ/2)| for two phases Δ apart, and 0 for no phases', () => {
    expect(kuramotoOrder([0, Math.PI / 2]).r).toBeCloseTo(Math.cos(Math.PI / 4), 12);
    expect(kuramotoOrder([]).r).toBe(0);
  });
});

describe('rayleighTest', () => {
  it('gives Z = n·r² and p near 1 for no concentration, tiny p for tight phases', () => {
    expect(rayleighTest(20, 0).p).toBeGreaterThan(0.9);
    const tight = rayleighTest(20, 0.9);
    expect(tight.z).toBeCloseTo(16.2, 10);
    expect(tight.p).toBeLessThan(1e-6);
  });

  it('is close to exp(−Z) for many phases', () => {
    const { z, p } = rayleighTest(1000, 0.05);
    expect(p).toBeCloseTo(Math.exp(-z), 2);
  });
});
