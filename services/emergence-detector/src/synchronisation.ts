import { probit } from 'simple-statistics';
import { kuramotoOrder, rayleighTest } from './kuramoto';
import { demodulate, type PeriodogramGrid } from './periodogram';
import type { SeededRandom } from './random';
import { circularShiftTest } from './surrogates';

/**
 * Every analysed agent's load over the horizon: standardized (detrended, mean 0, variance 1) rows of one
 * row-major matrix, `length` points a row, and each row's noise level (`noiseLevel`).
 */
export interface LoadMatrix {
  agents: string[];
  length: number;
  z: Float64Array;
  noise: Float64Array;
}

/** An agent whose load oscillates beyond chance: its row and its dominant frequency (grid index). */
export interface Oscillator {
  row: number;
  frequency: number;
  power: number;
}

export interface SynchronisedGroup {
  agents: string[];
  /** Cycles per horizon and period in ticks of the common rhythm. */
  cycles: number;
  periodTicks: number;
  /** Kuramoto order parameter of every oscillator near that frequency over the test window (not only the aligned ones). */
  order: number;
  oscillators: number;
  rayleighP: number;
  /** Ticks of the window the phases were compared over. */
  windowTicks: number;
  /** Mean pairwise correlation of the group over that window, and its circular-shift surrogate p. */
  correlation: number;
  surrogateMean: number;
  surrogateP: number;
}

export interface SynchronisationOptions {
  /** Relative half-width of a frequency band: agents within it may share a rhythm (natural frequencies spread). */
  bandwidth: number;
  minGroup: number;
  /** Family-wise chance of a false group per analysis (Rayleigh test, Bonferroni over every band and window tried). */
  alpha: number;
  /** Family-wise chance of a false member per group (Bonferroni over every agent and membership window). */
  memberAlpha: number;
  surrogates: number;
  maxGroups: number;
}

/**
 * Phase windows tried per frequency: half a period and a whole one (the shorter sees a new lock sooner; a third of
 * a period was tried and gave no earlier detection: its phases are too noisy).
 */
const PHASE_WINDOW_SHARES = [1 / 2, 1] as const;
/** Fewer points do not give a phase. */
const MIN_PHASE_WINDOW = 4;
/** Members confirmed one by one that a group needs to be reported (a pair is the least that can be correlated). */
const MIN_CONFIRMED = 2;
/** Membership windows: the whole horizon, its second half and its last quarter (a group that formed recently). */
const MEMBER_WINDOW_SHARES = [1, 1 / 2, 1 / 4] as const;

/**
 * Finds groups of agents that oscillate in a common phase.
 *
 * 1. Test: for each frequency band (centres one cycle per horizon apart), the oscillators in it (periodic beyond chance over the horizon: the free-running
 *    and the locked alike) are demodulated over the last half or whole period (at least four ticks); their phases' Kuramoto order
 *    parameter is tested against uniform phases (Rayleigh, Bonferroni over bands and windows). A short window sees a
 *    lock within a fraction of a period; oscillators drifting at their own frequencies do not pass, nor does noise.
 * 2. Membership: the oscillators within an eighth of a turn of the common phase define the group's mean field; every
 *    agent is then tested on its own against it (the projection of its load on the mean field, leave-one-out for
 *    the field's own members, against its noise level by the von Neumann successive-difference estimate; one-sided,
 *    Bonferroni over windows and over the band's oscillators for them, over every agent for the rest), so members
 *    are found whatever their own dominant frequency.
 *    A group is reported once two members are confirmed (it exists by the phase test); the rest join as they pass.
 * 3. Confirmation: the members' mean pairwise correlation over the test window against circularly shifted surrogates.
 * Limit: the phase test counts every oscillator in the band, so a group outnumbered there by agents oscillating
 * on their own is found late or not at all.
 */
export function findSynchronisedGroups(matrix: LoadMatrix, oscillators: readonly Oscillator[], grid: PeriodogramGrid, options: SynchronisationOptions, random: SeededRandom): SynchronisedGroup[] {
  const T = matrix.length;
  const rows = matrix.agents.length;
  const groups: SynchronisedGroup[] = [];
  if (T !== grid.length || rows === 0) return groups;
  const noise = matrix.noise;
  const memberWindows = [...new Set(MEMBER_WINDOW_SHARES.map((share) => Math.max(MIN_PHASE_WINDOW, Math.round(T * share))))];
  const zCritical = probit(1 - options.memberAlpha / (rows * MEMBER_WINDOW_SHARES.length));
  // Band centres one cycle per horizon apart (the independent Fourier frequencies): the grid's oversampled
  // neighbours would repeat a test over a window of a period or less.
  const centres = Array.from(grid.frequencies).filter((f) => Number.isInteger(f - grid.frequencies[0]!));
  const tests = centres.reduce((n, cycles) => n + phaseWindows(T / cycles, T).length, 0);
  let remaining = oscillators.slice();
  const taken = new Set<number>();
  for (let g = 0; g < options.maxGroups && remaining.length >= options.minGroup; g++) {
    let best: { cycles: number; band: Oscillator[]; phases: number[]; r: number; psi: number; p: number; window: number } | undefined;
    for (const cycles of centres) {
      const band = remaining.filter((o) => Math.abs(grid.frequencies[o.frequency]! - cycles) <= options.bandwidth * cycles);
      if (band.length < options.minGroup) continue;
      const period = T / cycles;
      for (const window of phaseWindows(period, T)) {
        const phases = band.map((o) => demodulate(row(matrix, o.row), cycles, T, window).phase);
        const { r, psi } = kuramotoOrder(phases);
        const { p } = rayleighTest(band.length, r);
        if (!best || p < best.p) best = { cycles, band, phases, r, psi, p, window };
      }
    }
    if (!best || best.p * tests > options.alpha) break;
    const { psi, phases } = best;
    const core = best.band.filter((_, i) => Math.cos(phases[i]! - psi) >= Math.SQRT1_2);
    if (core.length < options.minGroup) break;
    // The band's oscillators passed the fleet-wide periodicity screen already: their bar counts only them.
    const bandCritical = probit(1 - options.memberAlpha / (best.band.length * MEMBER_WINDOW_SHARES.length));
    const bar = new Map(best.band.map((o) => [o.row, bandCritical]));
    const members = membersOf(matrix, noise, core.map((o) => o.row), memberWindows, (r) => bar.get(r) ?? zCritical).filter((r) => !taken.has(r));
    // The group's existence is the phase test's (over `minGroup` or more aligned oscillators); each member is
    // confirmed on its own, which a group locked for a few ticks passes one agent at a time: two are enough to
    // correlate, the rest join as their evidence grows.
    if (members.length < MIN_CONFIRMED) break;
    const test = circularShiftTest(
      members.map((r) => row(matrix, r)),
      best.window,
      options.surrogates,
      random,
    );
    groups.push({
      agents: members.map((r) => matrix.agents[r]!).sort(),
      cycles: best.cycles,
      periodTicks: T / best.cycles,
      order: best.r,
      oscillators: best.band.length,
      rayleighP: Math.min(1, best.p * tests),
      windowTicks: best.window,
      correlation: test.observed,
      surrogateMean: test.nullMean,
      surrogateP: test.p,
    });
    for (const r of members) taken.add(r);
    const used = new Set([...best.band.map((o) => o.row), ...members]);
    remaining = remaining.filter((o) => !used.has(o.row));
  }
  return groups;
}

function phaseWindows(period: number, T: number): number[] {
  return [...new Set(PHASE_WINDOW_SHARES.map((share) => Math.min(T, Math.max(MIN_PHASE_WINDOW, Math.round(period * share)))))];
}

function row(matrix: LoadMatrix, r: number): Float64Array {
  return matrix.z.subarray(r * matrix.length, (r + 1) * matrix.length);
}

/**
 * The noise standard deviation under a series by the mean square successive difference (von Neumann 1941):
 * σ² ≈ Σ(x_t − x_{t−1})² / 2(n − 1). A slow rhythm barely moves it, so it measures the noise an oscillation sits on.
 */
export function noiseLevel(x: ArrayLike<number>): number {
  let sum = 0;
  for (let t = 1; t < x.length; t++) sum += (x[t]! - x[t - 1]!) ** 2;
  return Math.sqrt(sum / (2 * Math.max(1, x.length - 1)));
}

/**
 * Rows whose load follows the mean field of `core` over any of `windows` (the last w points): the projection
 * Σ z_t (m_t − m̄) / (σ ‖m − m̄‖) is N(0, 1) for an agent whose noise of level σ is independent of the field, so
 * a row's `zCritical` bounds false members. A core row is projected on the field of the others.
 */
export function membersOf(matrix: LoadMatrix, noise: Float64Array, core: readonly number[], windows: readonly number[], zCritical: (row: number) => number): number[] {
  const T = matrix.length;
  const n = core.length;
  const field = new Float64Array(T);
  for (const r of core) for (let t = 0; t < T; t++) field[t]! += matrix.z[r * T + t]! / n;
  const inCore = new Set(core);
  const members: number[] = [];
  const other = new Float64Array(T);
  for (let r = 0; r < matrix.agents.length; r++) {
    if (!(noise[r]! > 0)) continue;
    let reference = field;
    if (inCore.has(r)) {
      if (n < 2) continue;
      for (let t = 0; t < T; t++) other[t] = (field[t]! * n - matrix.z[r * T + t]!) / (n - 1);
      reference = other;
    }
    const bar = zCritical(r);
    for (const w of windows) {
      if (projection(matrix.z, r * T, reference, T - w, T) / noise[r]! >= bar) {
        members.push(r);
        break;
      }
    }
  }
  return members;
}

/** Σ z (m − m̄) / ‖m − m̄‖ over points [from, to) of a row starting at `base`. */
function projection(z: Float64Array, base: number, m: Float64Array, from: number, to: number): number {
  let mean = 0;
  for (let t = from; t < to; t++) mean += m[t]!;
  mean /= to - from;
  let dot = 0;
  let norm = 0;
  for (let t = from; t < to; t++) {
    const d = m[t]! - mean;
    dot += z[base + t]! * d;
    norm += d * d;
  }
  return norm > 0 ? dot / Math.sqrt(norm) : 0;
}
