/** Shannon entropy H = −Σ p log p (natural log) of counts (Shannon 1948); 0 for no counts. */
export function shannonEntropy(counts: Iterable<number>): number {
  let total = 0;
  const values: number[] = [];
  for (const c of counts) {
    if (c > 0) {
      values.push(c);
      total += c;
    }
  }
  if (total === 0) return 0;
  let h = 0;
  for (const c of values) {
    const p = c / total;
    h -= p * Math.log(p);
  }
  return h;
}
