import { kuramotoOrder, weightedRayleighP } from './kuramoto';
import { probit } from 'simple-statistics';
import { normalUpperTail } from '@swarmscope/core/erfc';
import { demodulate } from './periodogram';
import type { SeededRandom } from './random';
import { detrend, mean, variance } from './series';
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

export interface SynchronisedGroup {
  agents: string[];
  /** Cycles per series length and period in ticks of the common rhythm. */
  cycles: number;
  periodTicks: number;
  /** Kuramoto order parameter (phase coherence) of the members' phases at that frequency over the test window. */
  order: number;
  /** Agents whose rhythm at that frequency stood out of their noise (the phase test's candidates). */
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
  minGroup: number;
  /** Family-wise chance of a false group per analysis (Rayleigh test, Bonferroni over every frequency and window tried). */
  alpha: number;
  /** Expected share of false members in a group (Benjamini–Hochberg over every agent). */
  memberFdr: number;
  surrogates: number;
  maxGroups: number;
  /** Fastest period looked for, in ticks (2 is the Nyquist limit). */
  minPeriodTicks: number;
  /** Fewest cycles over the series looked for (the slowest period is length / minCycles). */
  minCycles: number;
}

/** Phase windows tried per frequency, in periods: one (a lock seen soon), two and four (more evidence, as far as the series holds them). */
const PHASE_WINDOW_PERIODS = [1, 2, 4] as const;
/** Fewer points do not give a phase. */
const MIN_PHASE_WINDOW = 4;
/** Membership windows: the whole series, its second half and its last quarter (a group that formed recently). */
const MEMBER_WINDOW_SHARES = [1, 1 / 2, 1 / 4] as const;
/** Agents expected to pass the candidate bar by chance at each frequency and window, whatever the fleet size. */
const CHANCE_CANDIDATES = 20;
/** How far a rhythm's periodogram peak stands above the median of its mean field's periodogram (white noise's largest of ~20 ordinates is about 6 times it). */
const PEAK_RATIO = 12;
/** Autocorrelation an oscillation's mean field must fall below (its negative) at half a period and exceed at a period. */
const REVERSAL = 0.2;
/** A rhythm's weaker half-cycle must carry at least this share of the stronger half's variance. */
const MIN_HALF_CYCLE_VARIANCE = 0.25;

/** One frequency and window tried: each agent's demodulated amplitude (as a chance score) and phase. */
export interface Trial {
  cycles: number;
  window: number;
  candidates: number[];
  phases: number[];
  r: number;
  psi: number;
  p: number;
}

/**
 * Finds groups of agents that oscillate in a common phase, at any period from `minPeriodTicks` to length / minCycles.
 *
 * 1. Phase test: at each integer number of cycles over the series (the independent Fourier frequencies) and over
 *    the last one and two periods, every agent's series is demodulated (its phase and amplitude at that frequency).
 *    Under noise, |Σ z e^{−iωt}|² / (w σ²) is Exp(1) for an agent of noise level σ (von Neumann: a rhythm barely
 *    moves it, so a member's rhythm stands out of its own noise), and the agents above
 *    ln(n / CHANCE_CANDIDATES) are candidates (about CHANCE_CANDIDATES by chance whatever the fleet size, with
 *    uniform phases); their phases' Kuramoto order is tested against uniform (Rayleigh, Bonferroni over frequencies
 *    and windows). The group's evidence is pooled over its members, so noisy members lock detectably where none
 *    would pass a periodicity test alone; free-running oscillators have scattered phases and do not pass.
 * 2. Membership: the candidates within an eighth of a turn of the common phase define the group's mean field; every
 *    agent is then tested on its own against it (projection on the field, leave-one-out for the field's own members,
 *    against its noise level; one-sided, Bonferroni over windows, Benjamini–Hochberg over every agent). A group is
 *    reported once `minGroup` members are confirmed; the rest join as they pass.
 * 3. A rhythm, not a shock nor shared drift: the members' mean field must move in both halves of its last cycle
 *    (`wholeCycle`: a pool's one-off load burst lifts its agents in phase too) and swing back within half a period
 *    and back again (`reverses`: a pool's latency wandering together, red noise, is coherent but does not), with
 *    a peak in its periodogram at the group's frequency (`narrowband`: shared broadband movement has none).
 * 4. Confirmation: the members' mean pairwise correlation over the test window against circularly shifted surrogates.
 * Cost: one pass over each agent's series a frequency, T·(T / minPeriodTicks − minCycles) multiply-adds an agent
 * (shared with the oscillators' periodogram).
 */
export function findSynchronisedGroups(
  matrix: LoadMatrix,
  options: SynchronisationOptions,
  random: SeededRandom,
): { groups: SynchronisedGroup[]; oscillating: number } {
  const T = matrix.length;
  const rows = matrix.agents.length;
  const groups: SynchronisedGroup[] = [];
  if (rows < options.minGroup) return { groups, oscillating: 0 };
  const { trials, oscillating, spectrum } = demodulateAll(matrix, options);
  const tests = trials.length;
  const memberWindows = [
    ...new Set(MEMBER_WINDOW_SHARES.map((share) => Math.max(MIN_PHASE_WINDOW, Math.round(T * share)))),
  ];
  const taken = new Set<number>();
  const spent = new Set<Trial>();
  while (groups.length < options.maxGroups) {
    let best: Trial | undefined;
    for (const trial of trials) {
      if (spent.has(trial) || trial.candidates.length < options.minGroup) continue;
      if (!best || trial.p < best.p) best = trial;
    }
    if (!best || best.p * tests > options.alpha) break;
    spent.add(best);
    const { psi, phases, cycles, window } = best;
    const core = best.candidates.filter((r, i) => !taken.has(r) && Math.cos(phases[i]! - psi) >= Math.SQRT1_2);
    if (core.length < options.minGroup) continue;
    const members = membersOf(matrix, matrix.noise, core, [...memberWindows, window], options.memberFdr).filter(
      (r) => !taken.has(r),
    );
    if (
      members.length < options.minGroup ||
      !wholeCycle(matrix, members, window) ||
      !reverses(matrix, members, T / cycles, window)
    )
      continue;
    const refined = refineCycles(matrix, members, cycles, Math.min(T, Math.max(2 * window, Math.round(T / 2))));
    if (!narrowband(matrix, members, refined, options)) continue;
    const test = circularShiftTest(
      members.map((r) => row(matrix, r)),
      window,
      options.surrogates,
      random,
    );
    const coherence = kuramotoOrder(members.map((r) => demodulate(row(matrix, r), cycles, T, window).phase)).r;
    groups.push({
      agents: members.map((r) => matrix.agents[r]!).sort(),
      cycles: refined,
      periodTicks: T / refined,
      order: coherence,
      oscillators: best.candidates.length,
      rayleighP: Math.min(1, best.p * tests),
      windowTicks: window,
      correlation: test.observed,
      surrogateMean: test.nullMean,
      surrogateP: test.p,
    });
    for (const r of members) taken.add(r);
    // The same rhythm at neighbouring frequencies or the other window is this group again.
    for (const trial of trials) if (Math.abs(trial.cycles - cycles) <= 1) spent.add(trial);
  }
  if (groups.length < options.maxGroups)
    groups.push(
      ...lockedOscillators(matrix, options, taken, random, spectrum).slice(0, options.maxGroups - groups.length),
    );
  return { groups, oscillating };
}

/** Windows of the oscillators' phase test, in periods of the group's frequency: a lock is seen within a cycle. */
const SHORT_WINDOW_PERIODS = [0.5, 1] as const;
/** How far an oscillator's own frequency may sit from the group's, as a share of it (a lock pulls spread natural frequencies together). */
const FREQUENCY_BAND = 0.3;

/**
 * The second path, for agents that were oscillating on their own before they locked (coupled oscillators,
 * Kuramoto 1975): the group's mean field has no long history of its own yet, but each member has one.
 * 1. Oscillators: agents whose own series over the whole horizon is a rhythm — a periodogram peak (`spectrum`, from
 *    `demodulateAll`) PEAK_RATIO times its median (`narrowband`) that swings back at half its period and again at a
 *    period (`reverses`). A pool's load burst or shared drift makes no agent an oscillator, so this path cannot
 *    mistake one for a lock.
 * 2. At each frequency, the oscillators whose own peak lies within FREQUENCY_BAND of it are demodulated over its
 *    last half period and period; their phases are tested against uniform (Rayleigh, Zar's small-sample form,
 *    Bonferroni over frequencies and windows). Free-running oscillators have uniform phases at any instant, so
 *    a chance alignment passes at the test's rate; locked ones agree within a cycle of the lock.
 * 3. Members: those oscillators within an eighth of a turn of the common phase. Persistence over consecutive
 *    ticks is the engine's (a group is reported once seen two ticks running).
 */
export function lockedOscillators(
  matrix: LoadMatrix,
  options: SynchronisationOptions,
  taken: ReadonlySet<number>,
  random: SeededRandom,
  spectrum: Spectrum,
): SynchronisedGroup[] {
  const T = matrix.length;
  const { lowest, count, powers } = spectrum;
  const highest = lowest + count - 1;
  const oscillators: Array<{ row: number; cycles: number }> = [];
  // The peak is PEAK_RATIO times the median (the ordinate at count/2 in ascending order) or more exactly when more
  // than count/2 ordinates are that far below it: counted, not sorted.
  const below = Math.floor(count / 2) + 1;
  for (let r = 0; r < matrix.agents.length; r++) {
    if (count === 0 || taken.has(r) || !(matrix.noise[r]! > 0)) continue;
    const base = r * count;
    let peak = 0;
    for (let k = 1; k < count; k++) if (powers[base + k]! > powers[base + peak]!) peak = k;
    const top = powers[base + peak]!;
    let low = 0;
    for (let k = 0; k < count; k++) if (PEAK_RATIO * powers[base + k]! <= top) low++;
    if (low >= below && reverses(matrix, [r], T / (lowest + peak), T))
      oscillators.push({ row: r, cycles: lowest + peak });
  }
  const found: Array<Omit<SynchronisedGroup, 'correlation' | 'surrogateMean' | 'surrogateP'> & { rows: number[] }> = [];
  const tests = (highest - lowest + 1) * SHORT_WINDOW_PERIODS.length;
  for (let cycles = lowest; cycles <= highest; cycles++) {
    const band = oscillators.filter((o) => Math.abs(o.cycles - cycles) <= FREQUENCY_BAND * cycles);
    if (band.length < options.minGroup) continue;
    for (const share of SHORT_WINDOW_PERIODS) {
      const window = Math.min(T, Math.max(MIN_PHASE_WINDOW, Math.round((share * T) / cycles)));
      const phases = band.map((o) => demodulate(row(matrix, o.row), cycles, T, window).phase);
      const { r, psi } = kuramotoOrder(phases);
      const p = Math.min(1, rayleighP(phases.length, r) * tests);
      if (p > options.alpha) continue;
      const rows = band.filter((_, i) => Math.cos(phases[i]! - psi) >= Math.SQRT1_2).map((o) => o.row);
      if (rows.length < options.minGroup) continue;
      const memberPhases = phases.filter((phase) => Math.cos(phase - psi) >= Math.SQRT1_2);
      found.push({
        rows,
        agents: rows.map((x) => matrix.agents[x]!).sort(),
        cycles,
        periodTicks: T / cycles,
        order: kuramotoOrder(memberPhases).r,
        oscillators: band.length,
        rayleighP: p,
        windowTicks: window,
      });
    }
  }
  const groups: SynchronisedGroup[] = [];
  const used = new Set<number>();
  for (const group of found.sort((a, b) => a.rayleighP - b.rayleighP || b.rows.length - a.rows.length)) {
    const rows = group.rows.filter((x) => !used.has(x));
    if (rows.length < options.minGroup || rows.length * 2 < group.rows.length) continue;
    const test = circularShiftTest(
      rows.map((x) => row(matrix, x)),
      group.windowTicks,
      options.surrogates,
      random,
    );
    const { rows: _rows, ...rest } = group;
    groups.push({
      ...rest,
      agents: rows.map((x) => matrix.agents[x]!).sort(),
      correlation: test.observed,
      surrogateMean: test.nullMean,
      surrogateP: test.p,
    });
    for (const x of rows) used.add(x);
  }
  return groups;
}

/** Rayleigh test of n uniform phases with mean resultant length r (Zar 1999's approximation, good from n ≈ 5). */
export function rayleighP(n: number, r: number): number {
  const R = n * r;
  return Math.min(1, Math.exp(Math.sqrt(1 + 4 * n + 4 * (n * n - R * R)) - (1 + 2 * n)));
}

/** Every row's periodogram over the whole series at the integer frequencies searched, row-major (`count` a row). */
export interface Spectrum {
  lowest: number;
  count: number;
  powers: Float64Array;
}

/** One frequency of the search: its cos/sin tables over the whole series (newest point first) and its trials' sums. */
interface Frequency {
  cycles: number;
  cos: Float64Array;
  sin: Float64Array;
  trials: Array<{ window: number; candidates: number[]; phases: number[]; re: number; im: number; energy: number }>;
}

/**
 * Every agent demodulated at every integer frequency over its last one, two and four periods, then the whole series
 * (one running sum per frequency, from the newest point back; tables of cos/sin shared), and each trial's
 * candidates and their phases' order; the whole series' sums are each row's periodogram (`spectrum`, the
 * oscillators' path reads it). `oscillating` counts the agents whose rhythm stands out beyond chance over the
 * whole fleet and every trial (about one by chance). Row by row, every frequency while the row is in cache.
 */
export function demodulateAll(
  matrix: LoadMatrix,
  options: Pick<SynchronisationOptions, 'minPeriodTicks' | 'minCycles'>,
): { trials: Trial[]; oscillating: number; spectrum: Spectrum } {
  const T = matrix.length;
  const rows = matrix.agents.length;
  const bar = Math.max(Math.log(20), Math.log(rows / CHANCE_CANDIDATES));
  const strictBar = Math.log(rows * PHASE_WINDOW_PERIODS.length * Math.max(1, T / options.minPeriodTicks));
  const strict = new Set<number>();
  const lowest = Math.ceil(options.minCycles);
  const frequencies: Frequency[] = [];
  for (let cycles = lowest; cycles <= T / options.minPeriodTicks; cycles++) {
    const period = T / cycles;
    const windows = [
      ...new Set(PHASE_WINDOW_PERIODS.map((k) => Math.min(T, Math.max(MIN_PHASE_WINDOW, Math.round(k * period))))),
    ];
    const w = (2 * Math.PI * cycles) / T;
    const cos = new Float64Array(T);
    const sin = new Float64Array(T);
    for (let k = 0; k < T; k++) {
      cos[k] = Math.cos(w * (T - 1 - k));
      sin[k] = Math.sin(w * (T - 1 - k));
    }
    const trials = windows.map((window) => ({
      window,
      candidates: [] as number[],
      phases: [] as number[],
      re: 0,
      im: 0,
      energy: 0,
    }));
    frequencies.push({ cycles, cos, sin, trials });
  }
  const count = frequencies.length;
  const powers = new Float64Array(rows * count);
  const z = matrix.z;
  for (let r = 0; r < rows; r++) {
    const noise = matrix.noise[r]!;
    if (!(noise > 0)) continue;
    const base = r * T + T - 1;
    for (let f = 0; f < count; f++) {
      const { cos, sin, trials } = frequencies[f]!;
      let re = 0;
      let im = 0;
      let k = 0;
      for (let i = 0; i < trials.length; i++) {
        const trial = trials[i]!;
        const window = trial.window;
        for (; k < window; k++) {
          const v = z[base - k]!;
          re += v * cos[k]!;
          im -= v * sin[k]!;
        }
        const score = (re * re + im * im) / (window * noise * noise);
        if (score > strictBar) strict.add(r);
        if (score > bar) {
          trial.candidates.push(r);
          trial.phases.push(Math.atan2(im, re));
          // Each candidate's rhythm in units of its noise: the amplitude-weighted phase sum of the test.
          const scale = 1 / (noise * Math.sqrt(window));
          trial.re += re * scale;
          trial.im += im * scale;
          trial.energy += score;
        }
      }
      for (; k < T; k++) {
        const v = z[base - k]!;
        re += v * cos[k]!;
        im -= v * sin[k]!;
      }
      powers[r * count + f] = re * re + im * im;
    }
  }
  const trials: Trial[] = [];
  for (const { cycles, trials: sums } of frequencies) {
    for (const { window, candidates, phases, re, im, energy } of sums) {
      // Each phase weighted by its noise-scaled amplitude: strong members count more than chance candidates.
      const p = weightedRayleighP(re, im, energy);
      trials.push({ cycles, window, candidates, phases, r: kuramotoOrder(phases).r, psi: Math.atan2(im, re), p });
    }
  }
  return { trials, oscillating: strict.size, spectrum: { lowest, count, powers } };
}

/**
 * The group's frequency to a twentieth of a cycle: the peak of its mean field's periodogram over the last `span`
 * points within a cycle of the integer frequency it was found at (the phase test's grid is one cycle per series).
 */
export function refineCycles(matrix: LoadMatrix, members: readonly number[], cycles: number, span: number): number {
  const T = matrix.length;
  const field = new Float64Array(T);
  for (const r of members) for (let t = T - span; t < T; t++) field[t]! += matrix.z[r * T + t]!;
  let mean = 0;
  for (let t = T - span; t < T; t++) mean += field[t]! / span;
  for (let t = T - span; t < T; t++) field[t]! -= mean;
  let best = cycles;
  let bestAmplitude = -1;
  for (let c = Math.max(0.5, cycles - 1); c <= cycles + 1 + 1e-9; c += 0.05) {
    const amplitude = demodulate(field, c, T, span).amplitude;
    if (amplitude > bestAmplitude) {
      bestAmplitude = amplitude;
      best = c;
    }
  }
  return Math.round(best * 100) / 100;
}

function row(matrix: LoadMatrix, r: number): Float64Array {
  return matrix.z.subarray(r * matrix.length, (r + 1) * matrix.length);
}

/**
 * Whether the members' mean field moves through both halves of its last cycle (`window` points): a single bump in
 * one half (a burst, a step) fails, a sinusoid passes.
 */
export function wholeCycle(matrix: LoadMatrix, members: readonly number[], window: number): boolean {
  const T = matrix.length;
  const w = Math.min(T, window);
  const field = new Float64Array(T);
  for (const r of members) for (let t = T - w; t < T; t++) field[t]! += matrix.z[r * T + t]! / members.length;
  const half = Math.floor(w / 2);
  if (half < 3) return false;
  // Each half's variance about its own least-squares line: a sinusoid's two half-cycles are the same shape (mirrored),
  // while a bump leaves one half flat, or a ramp that the whole series' detrending left behind.
  const spread = (to: number) => variance(detrend(field.subarray(to - half, to)));
  const first = spread(T - half);
  const second = spread(T);
  return Math.min(first, second) >= MIN_HALF_CYCLE_VARIANCE * Math.max(first, second);
}

/**
 * Whether the members' mean field swings back and forth like a rhythm over its last two periods (the last `window`
 * points when longer): its autocorrelation is negative beyond REVERSAL at a lag of half a period and positive beyond
 * it at a whole period. An oscillation does both (−1 and +1 for a pure one); shared red noise (a pool's latency
 * wandering together, as before a tipping point) and a shared bump stay positive at short lags and fade at long
 * ones, so however coherent they are no rhythm.
 */
export function reverses(matrix: LoadMatrix, members: readonly number[], periodTicks: number, window: number): boolean {
  const T = matrix.length;
  const half = Math.max(1, Math.round(periodTicks / 2));
  const whole = Math.max(2, Math.round(periodTicks));
  const w = Math.min(T, Math.max(window, 2 * whole));
  if (w - whole < 3) return false;
  const field = new Float64Array(w);
  for (const r of members) for (let t = 0; t < w; t++) field[t]! += matrix.z[r * T + T - w + t]!;
  const m = mean(field);
  let den = 0;
  for (let t = 0; t < w; t++) den += (field[t]! - m) ** 2;
  const at = (lag: number) => {
    let num = 0;
    for (let t = 0; t + lag < w; t++) num += (field[t]! - m) * (field[t + lag]! - m);
    return den > 0 ? num / den : 0;
  };
  return at(half) <= -REVERSAL && at(whole) >= REVERSAL;
}

/**
 * Whether the members' mean field has a peak at the group's frequency: its periodogram over the whole series there
 * at least PEAK_RATIO times its median over the frequencies searched. Shared broadband movement (a pool's latency
 * wandering together, white or red) is coherent at every frequency and has no such peak; a rhythm has.
 */
export function narrowband(
  matrix: LoadMatrix,
  members: readonly number[],
  cycles: number,
  options: Pick<SynchronisationOptions, 'minPeriodTicks' | 'minCycles'>,
): boolean {
  const T = matrix.length;
  const field = new Float64Array(T);
  for (const r of members) for (let t = 0; t < T; t++) field[t]! += matrix.z[r * T + t]!;
  detrend(field, field);
  const powers: number[] = [];
  for (let k = Math.ceil(options.minCycles); k <= T / options.minPeriodTicks; k++)
    powers.push(demodulate(field, k, T, T).amplitude ** 2);
  powers.sort((a, b) => a - b);
  const median = powers[Math.floor(powers.length / 2)] ?? 0;
  return demodulate(field, cycles, T, T).amplitude ** 2 >= PEAK_RATIO * median;
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
 * Rows whose series follows the mean field of `core` over any of `windows` (the last w points): the projection
 * Σ z_t (m_t − m̄) / (σ ‖m − m̄‖) is N(0, 1) for an agent whose noise of level σ is independent of the field; the
 * best window's one-sided p (Bonferroni over windows) of every row goes through Benjamini–Hochberg at `fdr`, so
 * about that share of the members found are false (a bound on what they cost the group's Jaccard), and a member
 * among many noisy agents is not held to a fleet-wide Bonferroni bar. A core row is projected on the field of the
 * others. Rows in ascending order.
 */
export function membersOf(
  matrix: LoadMatrix,
  noise: Float64Array,
  core: readonly number[],
  windows: readonly number[],
  fdr: number,
): number[] {
  const T = matrix.length;
  const n = core.length;
  const field = new Float64Array(T);
  for (const r of core) for (let t = 0; t < T; t++) field[t]! += matrix.z[r * T + t]! / n;
  const inCore = new Set(core);
  const other = new Float64Array(T);
  // The field about its mean over each window, shared by every row outside the core.
  const centred = windows.map((w) => centredOver(field, T - w, T));
  // Benjamini–Hochberg passes no p above `fdr` (its bar is at most fdr): rows whose best projection is short of
  // that (less a margin for the approximations of the tail and of its inverse, ≈ 0.005 in z) are counted among the
  // tests but never ranked.
  const reach = probit(1 - fdr / windows.length) - 0.05;
  let tests = 0;
  const passing: Array<{ row: number; p: number }> = [];
  for (let r = 0; r < matrix.agents.length; r++) {
    if (!(noise[r]! > 0)) continue;
    let best = -Infinity;
    if (inCore.has(r)) {
      if (n < 2) continue;
      for (let t = 0; t < T; t++) other[t] = (field[t]! * n - matrix.z[r * T + t]!) / (n - 1);
      for (const w of windows)
        best = Math.max(best, projection(matrix.z, r * T, centredOver(other, T - w, T)) / noise[r]!);
    } else for (const c of centred) best = Math.max(best, projection(matrix.z, r * T, c) / noise[r]!);
    tests++;
    if (best >= reach) passing.push({ row: r, p: Math.min(1, normalUpperTail(best) * windows.length) });
  }
  const sorted = passing.sort((a, b) => a.p - b.p || a.row - b.row);
  let cut = -1;
  for (let k = 0; k < sorted.length; k++) if (sorted[k]!.p <= ((k + 1) * fdr) / tests) cut = k;
  return sorted
    .slice(0, cut + 1)
    .map((t) => t.row)
    .sort((a, b) => a - b);
}

/** `m`'s points [from, to) less their mean, and the norm of that. */
function centredOver(m: Float64Array, from: number, to: number): { from: number; d: Float64Array; norm: number } {
  let mean = 0;
  for (let t = from; t < to; t++) mean += m[t]!;
  mean /= to - from;
  const d = new Float64Array(to - from);
  let norm = 0;
  for (let t = from; t < to; t++) {
    d[t - from] = m[t]! - mean;
    norm += d[t - from]! * d[t - from]!;
  }
  return { from, d, norm };
}

/** Σ z (m − m̄) / ‖m − m̄‖ over a centred window of the field, for the row starting at `base`. */
function projection(z: Float64Array, base: number, c: { from: number; d: Float64Array; norm: number }): number {
  const { from, d, norm } = c;
  let dot = 0;
  for (let t = 0; t < d.length; t++) dot += z[base + from + t]! * d[t]!;
  return norm > 0 ? dot / Math.sqrt(norm) : 0;
}
