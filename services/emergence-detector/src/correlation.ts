/**
 * Mean pairwise Pearson correlation of n standardized series without the n² pairs: with z_i of mean 0 and
 * variance 1, Σ_{i≠j} z_i(t) z_j(t) = (Σ_i z_i(t))² − Σ_i z_i(t)², so the mean over pairs is
 * (Σ_t (S_t² − Q_t) / T) / (n(n − 1)) — O(n·T). Every series MUST be standardized and equally long.
 */
export function meanPairwiseCorrelation(series: readonly ArrayLike<number>[]): number {
  const n = series.length;
  if (n < 2) return 0;
  const length = series[0]!.length;
  if (length === 0) return 0;
  let cross = 0;
  for (let t = 0; t < length; t++) {
    let s = 0;
    let q = 0;
    for (let i = 0; i < n; i++) {
      const z = series[i]![t]!;
      s += z;
      q += z * z;
    }
    cross += s * s - q;
  }
  return cross / length / (n * (n - 1));
}

/** The same mean pairwise correlation, accumulated one standardized series at a time (no n × T matrix kept). */
export class PairwiseCorrelationAccumulator {
  private readonly sums: Float64Array;
  private readonly squares: Float64Array;
  private count = 0;

  constructor(readonly length: number) {
    this.sums = new Float64Array(length);
    this.squares = new Float64Array(length);
  }

  add(z: ArrayLike<number>): void {
    for (let t = 0; t < this.length; t++) {
      this.sums[t]! += z[t]!;
      this.squares[t]! += z[t]! * z[t]!;
    }
    this.count++;
  }

  get series(): number {
    return this.count;
  }

  mean(): number {
    const n = this.count;
    if (n < 2 || this.length === 0) return 0;
    let cross = 0;
    for (let t = 0; t < this.length; t++) cross += this.sums[t]! ** 2 - this.squares[t]!;
    return cross / this.length / (n * (n - 1));
  }
}
