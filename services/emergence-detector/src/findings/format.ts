/** A share as a percentage: one decimal below 10 %. */
export function pct(x: number): string {
  return `${(100 * x).toFixed(x < 0.1 ? 1 : 0)} %`;
}

/** Rounded to `digits` decimals (evidence fields). */
export function round(x: number, digits = 4): number {
  const scale = 10 ** digits;
  return Math.round(x * scale) / scale;
}
