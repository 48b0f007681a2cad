import { objectBytes } from '../stream/detector';

// Method: Threshold Random Walk (Jung, Paxson, Berger & Balakrishnan 2004): a sequential probability ratio test
// (Wald 1945) per source over the outcomes of its FIRST contacts with each destination; failures push the likelihood
// ratio towards "scanner" by (1 − θ₁)/(1 − θ₀), successes towards "benign" by θ₁/θ₀.

export interface ScanDetectorOptions {
  /** P(first contact succeeds | benign source) θ₀ (default 0.8). */
  benignSuccess?: number;
  /** P(first contact succeeds | scanner) θ₁ (default 0.2). */
  scannerSuccess?: number;
  /** Target detection probability P_D (default 0.99)… */
  detection?: number;
  /** …and false-positive probability P_F (default 0.01): thresholds η₁ = P_D/P_F, η₀ = (1 − P_D)/(1 − P_F). */
  falsePositive?: number;
  /** Distinct destinations a source must have contacted before it is reported (default 10): breadth, not bad luck. */
  minTargets?: number;
  /** Sources tracked at most (default 10,000; the least recently seen is dropped). */
  maxSources?: number;
  /** Distinct destinations remembered per source (default 4,096; beyond it new ones are not tested). */
  maxTargetsPerSource?: number;
}

/** One contact: `from` reached `to` at `timestamp` (epoch ms), successfully or not (an interaction, a probe). */
export interface Contact {
  from: string;
  to: string;
  timestamp: number;
  outcome: 'success' | 'error';
}

/** A source declared a scanner. */
export interface ScanDetection {
  source: string;
  /** When the walk crossed η₁ (the contact's timestamp), and the first contact's. */
  detectedAt: number;
  firstSeen: number;
  /** Distinct destinations contacted so far, and how many of those first contacts failed. */
  targets: number;
  failures: number;
  failedShare: number;
  /** log₁₀ of the likelihood ratio when declared. */
  log10LikelihoodRatio: number;
  /** Up to 50 of the destinations probed (first contacted first). */
  sample: string[];
}

interface SourceState {
  seen: Set<string>;
  failures: number;
  logRatio: number;
  firstSeen: number;
  lastSeen: number;
  declared: boolean;
  sample: string[];
}

/**
 * Horizontal-scan detection over agent-to-agent contacts: one outside source probing many agents with failing
 * requests (the simulator's `port_scan`). `observe` returns a {@link ScanDetection} once, when a source's walk
 * crosses η₁ with ≥ minTargets distinct destinations; a walk that falls below η₀ restarts (benign so far).
 * Repeated contacts with a destination are not evidence (only first contacts are, as in TRW).
 * Memory: per source a set of its destinations (bounded by maxTargetsPerSource) — a few hundred bytes for an
 * ordinary agent with a handful of neighbours; sources bounded by maxSources.
 */
export class ScanDetector {
  private readonly up: number;
  private readonly down: number;
  private readonly upper: number;
  private readonly lower: number;
  private readonly minTargets: number;
  private readonly maxSources: number;
  private readonly maxTargets: number;
  private readonly sources = new Map<string, SourceState>();

  constructor(options: ScanDetectorOptions = {}) {
    const theta0 = options.benignSuccess ?? 0.8;
    const theta1 = options.scannerSuccess ?? 0.2;
    const pd = options.detection ?? 0.99;
    const pf = options.falsePositive ?? 0.01;
    this.up = Math.log10((1 - theta1) / (1 - theta0));
    this.down = Math.log10(theta1 / theta0);
    this.upper = Math.log10(pd / pf);
    this.lower = Math.log10((1 - pd) / (1 - pf));
    this.minTargets = options.minTargets ?? 10;
    this.maxSources = options.maxSources ?? 10_000;
    this.maxTargets = options.maxTargetsPerSource ?? 4096;
  }

  get size(): number {
    return this.sources.size;
  }

  /** Feeds one contact; returns the detection when this contact makes its source a scanner, else undefined. */
  observe(contact: Contact): ScanDetection | undefined {
    let s = this.sources.get(contact.from);
    if (s) this.sources.delete(contact.from);
    else {
      if (this.sources.size >= this.maxSources) this.sources.delete(this.sources.keys().next().value as string);
      s = {
        seen: new Set(),
        failures: 0,
        logRatio: 0,
        firstSeen: contact.timestamp,
        lastSeen: contact.timestamp,
        declared: false,
        sample: [],
      };
    }
    this.sources.set(contact.from, s); // re-insert: Map order is the recency order
    if (contact.timestamp > s.lastSeen) s.lastSeen = contact.timestamp;
    if (s.seen.has(contact.to) || s.seen.size >= this.maxTargets) return undefined;
    s.seen.add(contact.to);
    if (s.sample.length < 50) s.sample.push(contact.to);
    const failed = contact.outcome === 'error';
    if (failed) s.failures++;
    if (s.declared) return undefined;
    s.logRatio += failed ? this.up : this.down;
    if (s.logRatio <= this.lower) s.logRatio = 0; // benign so far: restart the walk
    if (s.logRatio >= this.upper && s.seen.size >= this.minTargets) {
      s.declared = true;
      return {
        source: contact.from,
        detectedAt: contact.timestamp,
        firstSeen: s.firstSeen,
        targets: s.seen.size,
        failures: s.failures,
        failedShare: s.failures / s.seen.size,
        log10LikelihoodRatio: s.logRatio,
        sample: [...s.sample],
      };
    }
    return undefined;
  }

  /** Whether `source` has been declared a scanner (and not evicted since). */
  isScanner(source: string): boolean {
    return this.sources.get(source)?.declared ?? false;
  }

  /** Distinct destinations `source` has contacted, as far as remembered. */
  targets(source: string): number {
    return this.sources.get(source)?.seen.size ?? 0;
  }

  /** Failed first contacts of `source`, as far as remembered. */
  failures(source: string): number {
    return this.sources.get(source)?.failures ?? 0;
  }

  /** When `source` was first seen (NaN when unknown). */
  firstSeen(source: string): number {
    return this.sources.get(source)?.firstSeen ?? Number.NaN;
  }

  /** log₁₀ of the likelihood ratio of `source`'s walk. */
  logRatio(source: string): number {
    return this.sources.get(source)?.logRatio ?? 0;
  }

  /** Up to 50 of the destinations `source` contacted (first contacted first). */
  sample(source: string): string[] {
    return [...(this.sources.get(source)?.sample ?? [])];
  }

  /** Forgets sources not seen since `timestamp`; returns how many. */
  evictIdle(timestamp: number): number {
    let dropped = 0;
    for (const [key, s] of this.sources) {
      if (s.lastSeen < timestamp) {
        this.sources.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  /** Rough bytes held: per source its state, its destination set (≈ 40 B an entry plus the strings) and sample. */
  stateBytes(): number {
    let bytes = objectBytes(10);
    for (const [key, s] of this.sources)
      bytes += 2 * key.length + objectBytes(8) + 64 + s.seen.size * 56 + s.sample.length * 8;
    return bytes;
  }
}
