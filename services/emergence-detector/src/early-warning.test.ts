import { fitStep } from './change-point';
import { earlyWarningIndicators, lag1Autocorrelation } from './early-warning';
import { fUpperTail } from './f-distribution';
import { SeededRandom } from './random';

function normal(random: SeededRandom): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

describe('earlyWarningIndicators', () => {
  it('sees variance and autocorrelation rise in an AR(1) whose coefficient climbs toward 1', () => {
    const random = new SeededRandom(4);
    const x: number[] = [];
    let value = 0;
    for (let t = 0; t < 400; t++) {
      const phi = (0.97 * t) / 400;
      value = phi * value + normal(random);
      x.push(value);
    }
    const indicators = earlyWarningIndicators(x, 200)!;
    // Both trends positive (over seeds 4–7: variance τ 0.33–0.83, autocorrelation τ 0.85–0.96, ratio 1.5–2.3).
    expect(indicators.varianceTau).toBeGreaterThan(0.3);
    expect(indicators.autocorrelationTau).toBeGreaterThan(0.7);
    expect(indicators.varianceRatio).toBeGreaterThan(1.4);
    // The same noise with a constant coefficient shows no such rise.
    const steady: number[] = [];
    let y = 0;
    const again = new SeededRandom(4);
    for (let t = 0; t < 400; t++) steady.push((y = 0.5 * y + normal(again)));
    expect(earlyWarningIndicators(steady, 200)!.varianceRatio).toBeLessThan(1.3);
  });

  it('is undefined for a series shorter than two windows', () => {
    expect(earlyWarningIndicators([1, 2, 3], 4)).toBeUndefined();
  });

  it('gives lag-1 autocorrelation −1-ish for alternation and 0 for a constant', () => {
    expect(lag1Autocorrelation([1, -1, 1, -1, 1, -1, 1, -1])).toBeLessThan(-0.8);
    expect(lag1Autocorrelation([3, 3, 3])).toBe(0);
  });
});

describe('fUpperTail', () => {
  it('matches tabulated F quantiles', () => {
    expect(fUpperTail(1, 10, 10)).toBeCloseTo(0.5, 9);
    // F(10, 10) 95th percentile 2.978 (standard tables).
    expect(fUpperTail(2.978, 10, 10)).toBeCloseTo(0.05, 4);
  });
});

describe('fitStep', () => {
  it('explains a jump near the end almost fully, and a straight ramp not at all', () => {
    const jump = Array.from({ length: 30 }, (_, t) => (t >= 26 ? 5 : 0) + 0.01 * Math.sin(t * 7));
    const fit = fitStep(jump, 2, 6)!;
    expect(fit.at).toBe(26);
    expect(fit.explained).toBeGreaterThan(0.99);
    expect(fit.shift).toBeCloseTo(5, 1);
    const ramp = Array.from({ length: 30 }, (_, t) => 2 * t);
    expect(fitStep(ramp, 2, 6)!.explained).toBeLessThan(1e-9);
  });
});
