import { erfc, normalUpperTail } from './erfc';

// Known answers: erfc and the normal tail to 10 digits (Abramowitz & Stegun table 7.1; scipy.special.erfc).
describe('erfc', () => {
  it.each([
    [0, 1],
    [0.5, 0.4795001222],
    [1, 0.1572992071],
    [2, 0.004677734981],
    [3, 2.2090497e-5],
    [5, 1.537459794e-12],
    [-1, 1.842700793],
  ])('erfc(%p) = %p to 1.2e-7 relative', (x, expected) => {
    expect(Math.abs(erfc(x) / expected - 1)).toBeLessThan(1.2e-7);
  });

  it('gives the standard normal upper tail', () => {
    expect(Math.abs(normalUpperTail(0) / 0.5 - 1)).toBeLessThan(1.2e-7);
    expect(Math.abs(normalUpperTail(1.959963985) / 0.025 - 1)).toBeLessThan(1e-6);
    expect(Math.abs(normalUpperTail(6) / 9.86587645e-10 - 1)).toBeLessThan(1e-6);
  });
});
