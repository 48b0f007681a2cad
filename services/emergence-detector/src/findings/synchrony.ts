import { PairwiseCorrelationAccumulator } from '../correlation';
import type { SeededRandom } from '../random';
import { SYNC_OBSERVABLES, syncRow, type SyncObservable } from '../sync-series';
import {
  findSynchronisedGroups,
  noiseLevel,
  type LoadMatrix,
  type SynchronisedGroup,
  type SynchronisationOptions,
} from '../synchronisation';
import type { AgentSlot, TickSeries } from '../tick-series';
import type { Finding } from '../types';
import { round } from './format';

/** Fewer ticks of history give no reliable phase. */
export const MIN_SYNC_TICKS = 24;
/**
 * The fastest rhythm looked for: 2.5 ticks a cycle (25 s at 10-s ticks). The tick is the sampling interval, so
 * 2 ticks is the Nyquist limit, where a rhythm in quadrature with the tick grid sums to nothing in every tick.
 */
const MIN_PERIOD_TICKS = 2.5;
/** The slowest: 2 cycles over the series (its two-period window then spans the whole series). */
const MIN_CYCLES = 2;

export type SynchronyOptions = Omit<SynchronisationOptions, 'minGroup' | 'maxGroups' | 'minPeriodTicks' | 'minCycles'>;

export interface FoundGroup extends SynchronisedGroup {
  observable: SyncObservable;
}

/**
 * Synchronisation at any period the series can hold: each agent's load and latency (`syncRow`), and the groups
 * that lock in phase among them (`findSynchronisedGroups`: candidates by demodulated amplitude, Rayleigh test of
 * their phases, members by projection on the group's mean field, a whole cycle, circular-shift surrogates), inside
 * a pool or across pools. A group seen in both series is one group.
 */
export class SynchronyFinder {
  private readonly buffers = new Map<SyncObservable, Float64Array>();

  constructor(private readonly options: SynchronyOptions) {}

  analyse(
    series: TickSeries,
    active: readonly AgentSlot[],
    tick: number,
    T: number,
    random: SeededRandom,
  ): { groups: FoundGroup[]; oscillating: number; synchronization: number } {
    if (T < MIN_SYNC_TICKS) return { groups: [], oscillating: 0, synchronization: 0 };
    const accumulator = new PairwiseCorrelationAccumulator(T);
    const row = new Float64Array(T);
    const scratch = new Float64Array(T);
    const from = tick - T + 1;
    const found: FoundGroup[] = [];
    let oscillating = 0;
    for (const observable of SYNC_OBSERVABLES) {
      const matrix: LoadMatrix = {
        agents: [],
        length: T,
        z: this.buffer(observable, active.length * T),
        noise: new Float64Array(active.length),
      };
      for (const slot of active) {
        if (slot.firstTick > from) continue;
        if (observable === 'load' && series.sum(slot, 'requests', from, tick) < T) continue;
        if (!syncRow(series, slot, observable, tick, row, scratch)) continue;
        if (observable === 'load') accumulator.add(row);
        const r = matrix.agents.length;
        matrix.agents.push(slot.id);
        matrix.z.set(row, r * T);
        matrix.noise[r] = noiseLevel(row);
      }
      matrix.z = matrix.z.subarray(0, matrix.agents.length * T);
      matrix.noise = matrix.noise.subarray(0, matrix.agents.length);
      const result = findSynchronisedGroups(
        matrix,
        { ...this.options, minGroup: 4, maxGroups: 3, minPeriodTicks: MIN_PERIOD_TICKS, minCycles: MIN_CYCLES },
        random,
      );
      for (const group of result.groups) found.push({ ...group, observable });
      oscillating = Math.max(oscillating, result.oscillating);
    }
    return { groups: oneGroupEach(found), oscillating, synchronization: accumulator.mean() };
  }

  /** One buffer per observable, grown as the fleet grows (10,000 agents × 60 ticks is 4.8 MB). */
  private buffer(observable: SyncObservable, size: number): Float64Array {
    let data = this.buffers.get(observable);
    if (!data || data.length < size)
      this.buffers.set(observable, (data = new Float64Array(Math.max(size, 2 * (data?.length ?? 0)))));
    return data;
  }
}

/** Groups sharing half the smaller one's agents are one group seen twice (in load and latency): the larger stays. */
function oneGroupEach(groups: FoundGroup[]): FoundGroup[] {
  const kept: FoundGroup[] = [];
  for (const group of groups.sort((a, b) => b.agents.length - a.agents.length || a.surrogateP - b.surrogateP)) {
    const members = new Set(group.agents);
    if (kept.some((k) => k.agents.filter((a) => members.has(a)).length * 2 >= Math.min(k.agents.length, members.size)))
      continue;
    kept.push(group);
  }
  return kept;
}

/** A synchronised group as a finding, when it is ordered enough and beyond its surrogates. */
export function synchronyFinding(
  group: FoundGroup,
  threshold: number,
  series: TickSeries,
  tickMs: number,
): Finding | undefined {
  if (group.order < threshold || group.surrogateP > 0.05 || group.correlation <= group.surrogateMean) return undefined;
  const pools = new Map<string, number>();
  for (const id of group.agents) {
    const pool = series.agent(id)?.pool ?? 'unknown';
    pools.set(pool, (pools.get(pool) ?? 0) + 1);
  }
  const ranked = [...pools].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const main = ranked[0]![0];
  const periodSeconds = (group.periodTicks * tickMs) / 1000;
  const where = ranked.length === 1 ? `pool ${main}` : `${ranked.length} pools, mostly ${main}`;
  return {
    type: 'collective_behavior',
    scope: `synchrony:${main}`,
    magnitude: group.order,
    confidence: 1 - group.surrogateP,
    agents: group.agents,
    agentsMode: 'current',
    evidence: {
      agents: group.agents.length,
      pools: ranked.length,
      kuramotoOrder: round(group.order),
      phaseCoherence: round(group.order),
      periodSeconds: round(periodSeconds, 1),
      onLatency: group.observable === 'latency' ? 1 : 0,
      meanCorrelation: round(group.correlation),
      surrogateCorrelation: round(group.surrogateMean),
      surrogateP: round(group.surrogateP),
      rayleighP: group.rayleighP,
      windowTicks: group.windowTicks,
    },
    explanation: `${group.agents.length} agents (${where}) have their ${group.observable} oscillating in phase with a ${periodSeconds.toFixed(0)}-s period: phase coherence (Kuramoto order) ${group.order.toFixed(2)}, mean pairwise correlation ${group.correlation.toFixed(2)} against ${group.surrogateMean.toFixed(2)} for shifted surrogates.`,
  };
}
