import { detrend, standardizeInPlace } from './series';
import type { AgentSlot, TickSeries } from './tick-series';

/** The per-agent series synchrony is looked for in: what agents' rhythms show in (load, or latency). */
export const SYNC_OBSERVABLES = ['load', 'latency'] as const;
export type SyncObservable = (typeof SYNC_OBSERVABLES)[number];

/** A row needs data in at least this share of its ticks; the rest are filled, never read as zeros. */
const MIN_COVERAGE = 0.5;
/** Values beyond this many standard deviations are clipped: one slow report is not a rhythm. */
const CLIP = 3;

/**
 * One agent's `observable` over the `out.length` ticks to `tick`, ready for phase analysis: load as requests per
 * second the agent's reports cover (agents report per request or every few seconds, not once a tick, so a tick's
 * sum depends on how many reports fell in it, and requests per report on how much time each report spans, or on
 * how many reports without requests are mixed in), latency as the mean log latency of the tick's reports. A tick without a report holds the last value seen
 * (absent data is not a value); outliers are clipped at CLIP standard deviations, then the row is detrended and
 * standardized. False when the row has too little data or no variance.
 */
export function syncRow(
  series: TickSeries,
  slot: AgentSlot,
  observable: SyncObservable,
  tick: number,
  out: Float64Array,
  scratch: Float64Array,
): boolean {
  const T = out.length;
  const [numerator, denominator] =
    observable === 'load' ? (['requests', 'coveredSeconds'] as const) : (['logLatency', 'latencyCount'] as const);
  series.read(slot, numerator, tick, out);
  series.read(slot, denominator, tick, scratch);
  let seen = 0;
  let last = NaN;
  for (let t = 0; t < T; t++) {
    if (scratch[t]! > 0) {
      out[t] = out[t]! / scratch[t]!;
      last = out[t]!;
      seen++;
    } else out[t] = last;
  }
  if (seen < MIN_COVERAGE * T) return false;
  // Leading ticks before the first report take the first value.
  let first = 0;
  while (Number.isNaN(out[first]!)) first++;
  for (let t = 0; t < first; t++) out[t] = out[first]!;
  // Standardized, clipped at CLIP (one slow report is not a rhythm), then detrended and standardized again.
  if (!standardizeInPlace(out)) return false;
  for (let t = 0; t < T; t++) out[t] = Math.min(CLIP, Math.max(-CLIP, out[t]!));
  detrend(out, out);
  return standardizeInPlace(out);
}
