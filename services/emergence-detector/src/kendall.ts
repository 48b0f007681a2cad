/**
 * Kendall's rank correlation τ_b between a series and time (Kendall 1938): +1 for a strictly rising series, −1
 * for a falling one, ties counted as neither. O(n²): the series here are tens of points.
 */
export function kendallTau(x: ArrayLike<number>): number {
  const n = x.length;
  let concordant = 0;
  let discordant = 0;
  let tiesInX = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = x[j]! - x[i]!;
      if (d > 0) concordant++;
      else if (d < 0) discordant++;
      else tiesInX++;
    }
  }
  const pairs = (n * (n - 1)) / 2;
  const denominator = Math.sqrt((pairs - tiesInX) * pairs);
  return denominator > 0 ? (concordant - discordant) / denominator : 0;
}
