import { defaultEnsemble, type EnsembleConfig, type Explanation, type ScoredSample, StreamDetector } from './ensemble';

export interface DetectorPoolOptions {
  /** The ensemble every stream runs (default: {@link defaultEnsemble}). */
  config?: EnsembleConfig;
  /** Streams kept at most (default 100,000); beyond it the least recently fed stream is dropped. */
  maxStreams?: number;
}

/**
 * Per-(agent, metric) ensembles for an edge that consumes a bus: `observe` routes each sample to its stream's
 * {@link StreamDetector}, creating it on first sight. Bounded: at most `maxStreams` streams (least recently fed
 * evicted first), and `evictIdle` drops streams silent since a given time. Memory ≈ maxStreams × the ensemble's
 * `stateBytes()` plus ≈ 200 bytes a stream of map entry and key.
 */
export class DetectorPool {
  private readonly streams = new Map<string, { detector: StreamDetector; lastTimestamp: number }>();
  private readonly config: EnsembleConfig;
  private readonly maxStreams: number;
  /** Streams dropped so far because the pool was full. */
  evicted = 0;

  constructor(options: DetectorPoolOptions = {}) {
    this.config = options.config ?? defaultEnsemble();
    this.maxStreams = options.maxStreams ?? 100_000;
  }

  get size(): number {
    return this.streams.size;
  }

  /** Scores one sample of one stream (see {@link StreamDetector.update}); the returned object is reused per stream. */
  observe(agentId: string, metric: string, timestamp: number, value: number): ScoredSample {
    const key = keyOf(agentId, metric);
    let entry = this.streams.get(key);
    if (entry) {
      this.streams.delete(key); // re-insert: Map order is the recency order
    } else {
      if (this.streams.size >= this.maxStreams) {
        const oldest = this.streams.keys().next().value as string;
        this.streams.delete(oldest);
        this.evicted++;
      }
      entry = { detector: new StreamDetector(this.config), lastTimestamp: timestamp };
    }
    this.streams.set(key, entry);
    if (timestamp > entry.lastTimestamp) entry.lastTimestamp = timestamp;
    return entry.detector.update(timestamp, value);
  }

  /** The explanation of a stream's last verdict, or undefined for an unknown stream. */
  explain(agentId: string, metric: string): Explanation | undefined {
    return this.streams.get(keyOf(agentId, metric))?.detector.explain();
  }

  /** The stream's detector, if it exists. */
  stream(agentId: string, metric: string): StreamDetector | undefined {
    return this.streams.get(keyOf(agentId, metric))?.detector;
  }

  /** Drops every stream whose last sample is older than `timestamp`; returns how many. */
  evictIdle(timestamp: number): number {
    let dropped = 0;
    for (const [key, entry] of this.streams) {
      if (entry.lastTimestamp < timestamp) {
        this.streams.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  /** Sum of the streams' state bytes. */
  stateBytes(): number {
    let bytes = 0;
    for (const entry of this.streams.values()) bytes += entry.detector.stateBytes();
    return bytes;
  }
}

/** Agent ids never hold NUL, so it separates the two parts unambiguously. */
function keyOf(agentId: string, metric: string): string {
  return `${agentId}\u0000${metric}`;
}
