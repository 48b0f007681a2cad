/** A seeded xorshift32 generator, so tests are deterministic. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller) from a seeded generator. */
export function gaussian(seed: number): () => number {
  const u = seeded(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Five-minute timestamps from 2024-01-01T00:00Z. */
export const FIVE_MINUTES = 300_000;
export const T0 = Date.UTC(2024, 0, 1);
export const at = (i: number): number => T0 + i * FIVE_MINUTES;
