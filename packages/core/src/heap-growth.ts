import { setFlagsFromString } from 'node:v8';

/**
 * How far the old generation may grow past what the last full collection kept, in percent: the service runtime's
 * GOGC. V8 lets it grow up to 300 % when collections look cheap. Under a steady stream of reports the
 * anomaly-detector promotes ≈ 7 MB of short-lived objects a second (reply strings of its bus reads, scoring garbage),
 * so its heap swung 0.22 → 0.92 GB between full collections ≈ 47 s apart, and that sawtooth was most of its RSS
 * swing. At 100 % it swings 0.22 → 0.45 GB, collected every ≈ 24 s, for the same CPU within the noise; the final
 * pauses stay ≈ 10 ms (marking is concurrent). 50 % (≈ 12 s apart) doubled the soak's detection p99.
 */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Bounds old-generation growth to {@link HEAP_GROWING_PERCENT} unless the process was started with its own
 * `--heap-growing-percent` (NODE_OPTIONS cannot carry V8's flag, so the service sets it as it starts; V8 reads it at
 * each collection). Returns the percent in effect, or undefined when the operator's own applies.
 */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv): number | undefined {
  if (execArgv.some((arg) => arg.startsWith('--heap-growing-percent') || arg.startsWith('--heap_growing_percent')))
    return undefined;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return HEAP_GROWING_PERCENT;
}
