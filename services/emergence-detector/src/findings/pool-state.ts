import { pct } from './format';

/** A pool's sums in one tick, over its agents that are not failing on their own. */
export interface PoolTick {
  tick: number;
  agents: number;
  requests: number;
  errors: number;
  logLatency: number;
  latencyCount: number;
  /** Median over the pool's agents of their mean log latency in the tick (0 when none reported one). */
  medianLogLatency: number;
}

/** What a pool's order parameters are read from. */
export type Observable = 'logLatency' | 'errorRate' | 'medianLogLatency' | 'load';

/** The pool's order parameters from its sums. */
export function observe(p: PoolTick, observable: Observable): number {
  if (observable === 'load') return p.requests / Math.max(1, p.agents);
  if (observable === 'errorRate') return p.requests > 0 ? p.errors / p.requests : 0;
  if (observable === 'medianLogLatency') return p.medianLogLatency;
  return p.latencyCount > 0 ? p.logLatency / p.latencyCount : 0;
}

/** What the pool policies (transitions, warnings) read of the engine's pools at the analysed tick. */
export interface PoolContext {
  /** The analysed tick and its length. */
  tick: number;
  tickMs: number;
  /** Every pool with recorded ticks. */
  pools: readonly string[];
  /** A pool's recent ticks (consecutive up to the analysed tick, at most `length`), newest last. */
  series: (pool: string, length: number) => PoolTick[];
  /** A pool's agents reporting now, sorted. */
  agents: (pool: string) => string[];
}

export function describeObservable(observable: Observable): string {
  if (observable === 'medianLogLatency') return 'median agent latency';
  return observable === 'logLatency' ? 'typical latency' : observable === 'errorRate' ? 'error rate' : 'load per agent';
}

export function formatObservable(observable: Observable, value: number): string {
  if (observable === 'logLatency' || observable === 'medianLogLatency') return `${Math.exp(value).toFixed(2)} s`;
  if (observable === 'errorRate') return pct(value);
  return `${value.toFixed(1)} requests/tick`;
}
