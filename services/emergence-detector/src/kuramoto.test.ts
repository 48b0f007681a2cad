import { kuramotoOrder, weightedRayleighP } from './kuramoto';
import { SeededRandom } from './random';

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

describe('weightedRayleighP', () => {
  it('is uniform under uniform phases whatever the weights, and tiny for aligned ones', () => {
    const random = new SeededRandom(9);
    let below = 0;
    for (let k = 0; k < 4000; k++) {
      let re = 0;
      let im = 0;
      let squares = 0;
      for (let j = 0; j < 30; j++) {
        const w = 0.2 + 3 * random.next();
        const theta = 2 * Math.PI * random.next();
        re += w * Math.cos(theta);
        im += w * Math.sin(theta);
        squares += w * w;
      }
      if (weightedRayleighP(re, im, squares) < 0.05) below++;
    }
    expect(below / 4000).toBeGreaterThan(0.035);
    expect(below / 4000).toBeLessThan(0.065);
    // 20 aligned phases of weight 1: |S|² = 400 over Σw² = 20.
    expect(weightedRayleighP(20, 0, 20)).toBeCloseTo(Math.exp(-20), 12);
    expect(weightedRayleighP(0, 0, 0)).toBe(1);
  });
});
