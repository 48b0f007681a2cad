/**
 * Phase (and amplitude in units of the series' scale) of the sinusoid at `cycles` per `period` points over the
 * last `window` points of `z` (complex demodulation): θ = arg Σ z_t e^{−iωt}, t the index in the full series.
 */
export function demodulate(
  z: ArrayLike<number>,
  cycles: number,
  period: number,
  window: number,
): { phase: number; amplitude: number } {
  const n = z.length;
  const w = (2 * Math.PI * cycles) / period;
  let re = 0;
  let im = 0;
  const from = Math.max(0, n - window);
  for (let t = from; t < n; t++) {
    re += z[t]! * Math.cos(w * t);
    im -= z[t]! * Math.sin(w * t);
  }
  const count = n - from;
  return { phase: Math.atan2(im, re), amplitude: count > 0 ? (2 * Math.hypot(re, im)) / count : 0 };
}
