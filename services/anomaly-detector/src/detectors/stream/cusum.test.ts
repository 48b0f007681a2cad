import { CusumDetector } from './cusum';
import { at, gaussian } from '../../test-support/random';

describe('CusumDetector', () => {
  const samplesToDetect = (
    shift: number,
    seed: number,
    options: ConstructorParameters<typeof CusumDetector>[0] = {},
  ): number => {
    const noise = gaussian(seed);
    const d = new CusumDetector(options);
    for (let i = 0; i < 300; i++) d.update(at(i), 100 + noise());
    expect(d.alarms).toBe(0);
    for (let k = 0; k < 200; k++) if (d.update(at(300 + k), 100 + shift + noise()).score >= 1) return k + 1;
    return Number.POSITIVE_INFINITY;
  };

  it('detects a 5σ step change within 22 samples (h / (1 − k) = 20 at best) and a 4σ one within 30', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const k5 = samplesToDetect(5, seed);
      expect(k5).toBeGreaterThanOrEqual(20);
      expect(k5).toBeLessThanOrEqual(22);
      expect(samplesToDetect(4, seed)).toBeLessThanOrEqual(30);
    }
  });

  it('with a reference gap, detects a 3σ step change within 35 samples', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) expect(samplesToDetect(3, seed, { gap: 20 })).toBeLessThanOrEqual(35);
  });

  it('detects a downward shift too, with a negative deviation while it builds', () => {
    const noise = gaussian(2);
    const d = new CusumDetector();
    for (let i = 0; i < 200; i++) d.update(at(i), 50 + noise());
    const r = d.update(at(200), 40);
    expect(r.deviation).toBeLessThan(0);
    let alarm = false;
    for (let k = 1; k < 40 && !alarm; k++) alarm = d.update(at(200 + k), 40 + noise()).score >= 1;
    expect(alarm).toBe(true);
  });

  it('does not alarm on one huge spike (bounded influence), nor often on plain noise', () => {
    const noise = gaussian(4);
    const d = new CusumDetector();
    for (let i = 0; i < 200; i++) d.update(at(i), noise());
    expect(d.update(at(200), 1000).score).toBeLessThan(0.1);
    for (let i = 201; i < 20_000; i++) d.update(at(i), noise());
    expect(d.alarms).toBeLessThanOrEqual(2); // h = 10 with k = 0.5: false alarms are rare on i.i.d. noise
  });

  it('restarts after an alarm: the new level becomes normal', () => {
    const noise = gaussian(8);
    const d = new CusumDetector();
    for (let i = 0; i < 200; i++) d.update(at(i), noise());
    for (let i = 200; i < 1000; i++) d.update(at(i), 10 + noise());
    expect(d.alarms).toBe(1);
    expect(d.update(at(1000), 10 + noise()).score).toBeLessThan(0.5);
  });
});
