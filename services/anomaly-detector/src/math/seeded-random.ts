import { objectBytes } from '../detectors/stream/detector';

// Method: xorshift32 (Marsaglia 2003, "Xorshift RNGs", J. Stat. Softw. 8(14)), triple (13, 17, 5).

/**
 * A small seeded pseudo-random generator, so every randomised algorithm (Isolation Forest trees, reservoir sampling)
 * is reproducible: the same seed gives the same draws on every machine. Not for cryptography.
 */
export class SeededRandom {
  private state: number;

  constructor(seed = 1) {
    this.state = SeededRandom.normalise(seed);
  }

  /** Restarts the sequence from `seed` (0 is mapped to a fixed non-zero state: xorshift must not start at 0). */
  reseed(seed: number): void {
    this.state = SeededRandom.normalise(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    let s = this.state;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.state = s >>> 0;
    return this.state / 4294967296;
  }

  /** Uniform whole number in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  stateBytes(): number {
    return objectBytes(1);
  }

  private static normalise(seed: number): number {
    const s = Math.floor(Math.abs(seed)) >>> 0;
    return s === 0 ? 0x9e3779b9 : s;
  }
}

/** FNV-1a hash of a string to 32 bits (Fowler, Noll & Vo): a stable per-agent seed from its id. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
