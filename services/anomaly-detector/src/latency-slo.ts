import { TYPED_ARRAY_OVERHEAD_BYTES, objectBytes } from './detector';
import { round } from './explain';
import { RingBuffer } from './ring-buffer';
import { type SignalDetector, logistic, verdict, verdictBytes } from './signal';
import { stateArrays } from './state-arrays';

// Method: SLO burn check (Google SRE Workbook, ch. 5 "Alerting on SLOs"): the median of the last few latencies
// against `multiple` × the latency objective, so one slow request does not page but a sustained breach does.

export interface LatencySloOptions {
  /** The latency objective in seconds (default 2, as the health-monitor's LATENCY_SLO_SECONDS). */
  sloSeconds?: number;
  /** Multiple of the SLO that scores 0.5 (default 2). */
  multiple?: number;
  /** Latencies whose median is judged (default 9: a breach by 5 of the last 9 requests). */
  recent?: number;
}

const KEYS = ['latency', 'recentMedian', 'slo', 'ratio', 'overShare'] as const;

/**
 * Latency beyond `multiple` × the SLO: score = logistic of (median of the last `recent` latencies) / (multiple × SLO)
 * around 1 (0.5 at 2× the SLO, 0.88 at 2.5×, 0.98 at 3× with the defaults). Evidence: latency (this request),
 * recentMedian, slo, ratio (recent median / SLO), overShare (share of the recent latencies above multiple × SLO).
 */
export class LatencySloDetector implements SignalDetector {
  readonly name = 'latency-slo';
  readonly type = 'latency_slo' as const;
  readonly feature = 'response_time_seconds';
  readonly verdict = verdict(KEYS);
  private readonly slo: number;
  private readonly multiple: number;
  private readonly recent: RingBuffer;
  private readonly scratch: Float64Array;

  constructor(options: LatencySloOptions = {}) {
    this.slo = options.sloSeconds ?? 2;
    if (!(this.slo > 0)) throw new RangeError(`sloSeconds must be > 0 (got ${this.slo})`);
    this.multiple = options.multiple ?? 2;
    this.recent = new RingBuffer(options.recent ?? 9);
    this.scratch = stateArrays.float64(this.recent.capacity);
  }

  update(latencySeconds: number) {
    const v = this.verdict;
    if (!(latencySeconds >= 0)) return v;
    this.recent.push(latencySeconds);
    const n = this.recent.size;
    const s = this.scratch;
    const limit = this.multiple * this.slo;
    let over = 0;
    for (let i = 0; i < n; i++) {
      const x = this.recent.at(i);
      if (x > limit) over++;
      let j = i - 1;
      while (j >= 0 && s[j]! > x) {
        s[j + 1] = s[j]!;
        j--;
      }
      s[j + 1] = x;
    }
    const h = n >> 1;
    const median = n & 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
    v.ready = n >= Math.ceil(this.recent.capacity / 2);
    v.score = v.ready ? logistic(median / limit, 1, 8) : 0;
    v.evidence.latency = latencySeconds;
    v.evidence.recentMedian = median;
    v.evidence.slo = this.slo;
    v.evidence.ratio = median / this.slo;
    v.evidence.overShare = over / n;
    return v;
  }

  describe(): string {
    const e = this.verdict.evidence;
    return `latency ${round(e.recentMedian!)} s (median of the last ${this.recent.size} requests) is ${round(e.ratio!)}× the ${round(e.slo!)} s SLO`;
  }

  stateBytes(): number {
    return objectBytes(6) + this.recent.stateBytes() + TYPED_ARRAY_OVERHEAD_BYTES + this.scratch.byteLength + verdictBytes(KEYS.length);
  }
}
