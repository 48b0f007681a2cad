import { logGamma, poissonUpperTail, regularizedGammaP } from './special-functions';

describe('special functions', () => {
  it('logGamma matches ln((n − 1)!) and Γ(½) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(2)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 10); // ln Γ(0.1), reflection branch
  });

  it('regularizedGammaP matches closed forms: P(1, x) = 1 − e^−x, P(½, x) = erf(√x)', () => {
    for (const x of [0.1, 1, 3, 10]) expect(regularizedGammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 12);
    expect(regularizedGammaP(0.5, 1)).toBeCloseTo(0.8427007929497149, 12); // erf(1)
    expect(regularizedGammaP(0.5, 4)).toBeCloseTo(0.9953222650189527, 12); // erf(2), continued-fraction branch
    expect(regularizedGammaP(3, 0)).toBe(0);
    expect(Number.isNaN(regularizedGammaP(0, 1))).toBe(true);
  });

  it('poissonUpperTail matches Poisson sums', () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(1, 1)).toBeCloseTo(1 - Math.exp(-1), 12);
    expect(poissonUpperTail(3, 1)).toBeCloseTo(1 - 2.5 * Math.exp(-1), 12); // 1 − e^−1 (1 + 1 + ½)
    // P(X ≥ 10; λ = 2) = 1 − Σ_{k<10} e^−2 2^k / k!
    let cdf = 0;
    let term = Math.exp(-2);
    for (let k = 0; k < 10; k++) {
      cdf += term;
      term *= 2 / (k + 1);
    }
    expect(poissonUpperTail(10, 2)).toBeCloseTo(1 - cdf, 14);
    expect(poissonUpperTail(10, 2)).toBeCloseTo(4.6498e-5, 8);
    expect(poissonUpperTail(5, 0)).toBe(0);
    // Monotone in a non-integer count.
    expect(poissonUpperTail(4.5, 1)).toBeLessThan(poissonUpperTail(4, 1));
    expect(poissonUpperTail(4.5, 1)).toBeGreaterThan(poissonUpperTail(5, 1));
  });
});
