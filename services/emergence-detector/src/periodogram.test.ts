import { demodulate } from './periodogram';

describe('demodulate', () => {
  it('recovers the phase of a sinusoid over its last period', () => {
    const phase = 1.1;
    const z = Float64Array.from({ length: 48 }, (_, t) => Math.cos((2 * Math.PI * 4 * t) / 48 + phase));
    expect(demodulate(z, 4, 48, 12).phase).toBeCloseTo(phase, 6);
  });
});
