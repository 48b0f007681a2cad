import { kuramotoOrder, rayleighTest } from './kuramoto';
import { demodulate, type PeriodogramGrid } from './periodogram';
import type { SeededRandom } from './random';
import { circularShiftTest } from './surrogates';

/** An agent whose load oscillates: its standardized series and its dominant frequency (grid index). */
export interface Oscillator {
  agent: string;
  z: Float64Array;
  frequency: number;
  power: number;
}

export interface SynchronisedGroup {
  agents: string[];
  /** Cycles per horizon and period in ticks of the common rhythm. */
  cycles: number;
  periodTicks: number;
  /** Kuramoto order parameter of every oscillator near that frequency (not only the aligned ones). */
  order: number;
  oscillators: number;
  rayleighP: number;
  /** Mean pairwise correlation of the group over the last period, and its circular-shift surrogate p. */
  correlation: number;
  surrogateMean: number;
  surrogateP: number;
}

export interface SynchronisationOptions {
  /** Relative half-width of a frequency band: agents within it may share a rhythm (natural frequencies spread). */
  bandwidth: number;
  minGroup: number;
  /** Family-wise chance of a false group per analysis (Rayleigh test over every band tried). */
  alpha: number;
  surrogates: number;
  maxGroups: number;
}

/**
 * Finds groups of oscillating agents that keep a common phase. For each frequency band, the oscillators in it
 * (`oscillators`: periodic beyond chance over every frequency) are demodulated over the last period; their phases'
 * Kuramoto order parameter is tested against uniform phases (Rayleigh, Bonferroni over bands), and the group is
 * the `weak` oscillators (periodic beyond chance at one frequency) in the band within a quarter-turn of the mean phase,
 * confirmed by its mean pairwise correlation against circularly shifted surrogates. Free-running oscillators
 * with drifting phases do not pass; neither does noise, which rarely oscillates at all.
 */
export function findSynchronisedGroups(
  oscillators: readonly Oscillator[],
  weak: readonly Oscillator[],
  grid: PeriodogramGrid,
  options: SynchronisationOptions,
  random: SeededRandom,
): SynchronisedGroup[] {
  const groups: SynchronisedGroup[] = [];
  let remaining = oscillators.slice();
  let remainingWeak = weak.slice();
  const T = grid.length;
  for (let g = 0; g < options.maxGroups && remaining.length >= options.minGroup; g++) {
    let best: { cycles: number; members: Oscillator[]; phases: number[]; r: number; psi: number; p: number; window: number } | undefined;
    for (const cycles of grid.frequencies) {
      const members = remaining.filter((o) => Math.abs(grid.frequencies[o.frequency]! - cycles) <= options.bandwidth * cycles);
      if (members.length < options.minGroup) continue;
      const window = Math.min(T, Math.max(6, Math.round(T / cycles)));
      const phases = members.map((o) => demodulate(o.z, cycles, T, window).phase);
      const { r, psi } = kuramotoOrder(phases);
      const { p } = rayleighTest(members.length, r);
      if (!best || p < best.p) best = { cycles, members, phases, r, psi, p, window };
    }
    if (!best || best.p * grid.frequencies.length > options.alpha) break;
    // Membership once the rhythm is known: any agent oscillating in the band (the weaker, per-band threshold)
    // and within a quarter-turn of the group's phase.
    const inBand = remainingWeak.filter((o) => Math.abs(grid.frequencies[o.frequency]! - best.cycles) <= options.bandwidth * best.cycles);
    const aligned = inBand.filter((o) => Math.cos(demodulate(o.z, best.cycles, T, best.window).phase - best.psi) >= 0);
    if (aligned.length < options.minGroup) break;
    const test = circularShiftTest(
      aligned.map((o) => o.z),
      best.window,
      options.surrogates,
      random,
    );
    groups.push({
      agents: aligned.map((o) => o.agent).sort(),
      cycles: best.cycles,
      periodTicks: T / best.cycles,
      order: best.r,
      oscillators: best.members.length,
      rayleighP: Math.min(1, best.p * grid.frequencies.length),
      correlation: test.observed,
      surrogateMean: test.nullMean,
      surrogateP: test.p,
    });
    const used = new Set([...best.members, ...inBand].map((o) => o.agent));
    remaining = remaining.filter((o) => !used.has(o.agent));
    remainingWeak = remainingWeak.filter((o) => !used.has(o.agent));
  }
  return groups;
}
