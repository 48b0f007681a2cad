import { demodulate, PeriodogramGrid, periodicityThreshold } from './periodogram';
import { SeededRandom } from './random';
import { standardizeInPlace } from './series';

describe('PeriodogramGrid', () => {
  it('puts all the variance of a sinusoid at its frequency', () => {
    const grid = new PeriodogramGrid(60, 1.5, 15, 0.5);
    const z = Float64Array.from({ length: 60 }, (_, t) => Math.cos((2 * Math.PI * 6 * t) / 60));
    standardizeInPlace(z);
    const { index, power } = grid.dominant(z);
    expect(grid.frequencies[index]).toBe(6);
    expect(power).toBeCloseTo(1, 6);
  });

  it('keeps white noise under the fleet-wide threshold nearly always', () => {
    const grid = new PeriodogramGrid(60, 1.5, 15, 0.5);
    const random = new SeededRandom(11);
    const threshold = periodicityThreshold(60, grid.independentFrequencies(), 1000, 1);
    let above = 0;
    for (let k = 0; k < 1000; k++) {
      const z = Float64Array.from({ length: 60 }, () => random.next());
      standardizeInPlace(z);
      if (grid.dominant(z).power >= threshold) above++;
    }
    // About one expected by construction.
    expect(above).toBeLessThanOrEqual(4);
  });
});

describe('demodulate', () => {
  it('recovers the phase of a sinusoid over its last period', () => {
    const phase = 1.1;
    const z = Float64Array.from({ length: 48 }, (_, t) => Math.cos((2 * Math.PI * 4 * t) / 48 + phase));
    expect(demodulate(z, 4, 48, 12).phase).toBeCloseTo(phase, 6);
  });
});
