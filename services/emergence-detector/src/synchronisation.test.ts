import { SeededRandom } from './random';
import { detrend, standardizeInPlace } from './series';
import {
  findSynchronisedGroups,
  demodulateAll,
  lockedOscillators,
  membersOf,
  noiseLevel,
  rayleighP,
  reverses,
  type LoadMatrix,
  type SynchronisationOptions,
} from './synchronisation';

const T = 60;
const OPTIONS: SynchronisationOptions = {
  minGroup: 4,
  alpha: 1e-3,
  memberFdr: 0.05,
  surrogates: 99,
  maxGroups: 3,
  minPeriodTicks: 2.5,
  minCycles: 2,
};

/** Standard normal by Box–Muller. */
function normal(random: SeededRandom): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

/** Loads as the engine builds them: rows detrended and standardized, with their noise levels. */
function build(series: number[][]): { matrix: LoadMatrix } {
  const matrix: LoadMatrix = {
    agents: series.map((_, i) => `agent-${String(i).padStart(4, '0')}`),
    length: T,
    z: new Float64Array(series.length * T),
    noise: new Float64Array(series.length),
  };
  series.forEach((values, row) => {
    const z = Float64Array.from(values);
    detrend(z, z);
    standardizeInPlace(z);
    matrix.z.set(z, row * T);
    matrix.noise[row] = noiseLevel(z);
  });
  return { matrix };
}

/** Load of 10 requests a tick ± Poisson-sized noise, with an oscillation of `amplitude` at `phase(t)` from `from`. */
function load(
  random: SeededRandom,
  oscillation?: { amplitude: number; phase: (t: number) => number; from?: number },
): number[] {
  return Array.from({ length: T }, (_, t) => {
    const rhythm =
      oscillation && t >= (oscillation.from ?? 0) ? oscillation.amplitude * Math.sin(oscillation.phase(t)) : 0;
    return 10 * (1 + rhythm) + Math.sqrt(10) * normal(random);
  });
}

describe('findSynchronisedGroups', () => {
  it('finds agents that locked to a common phase recently, and only them, whatever their natural frequency', () => {
    const random = new SeededRandom(7);
    const period = 9;
    const lockAt = T - 30; // locked for the last 30 ticks of 60: three periods and a bit
    const series: number[][] = [];
    // 16 agents run at their own frequencies and phases, then lock: one frequency, one phase.
    for (let i = 0; i < 16; i++) {
      const omega = ((2 * Math.PI) / period) * (1 + 0.2 * normal(random));
      const offset = 2 * Math.PI * random.next();
      series.push(
        load(random, {
          amplitude: 0.8,
          phase: (t) => (t < lockAt ? omega * t + offset : ((2 * Math.PI) / period) * t),
        }),
      );
    }
    // 3 more oscillate as strongly on their own all along (each weighs against the phase test as much as a member:
    // see findSynchronisedGroups), and 400 do not oscillate.
    for (let i = 0; i < 3; i++) {
      const omega = ((2 * Math.PI) / period) * (1 + 0.2 * normal(random));
      const offset = 2 * Math.PI * random.next();
      series.push(load(random, { amplitude: 0.8, phase: (t) => omega * t + offset }));
    }
    for (let i = 0; i < 400; i++) series.push(load(random));
    const { matrix } = build(series);
    const { groups } = findSynchronisedGroups(matrix, OPTIONS, new SeededRandom(1));
    expect(groups).toHaveLength(1);
    const locked = matrix.agents.slice(0, 16);
    const found = new Set(groups[0]!.agents);
    const shared = locked.filter((a) => found.has(a)).length;
    // Jaccard of the members with the locked agents.
    expect(shared / (locked.length + found.size - shared)).toBeGreaterThanOrEqual(0.8);
    expect(groups[0]!.order).toBeGreaterThan(0.6);
    expect(groups[0]!.surrogateP).toBeLessThanOrEqual(0.05);
  });

  it('finds no rhythm in a one-off burst that lifts a pool in phase', () => {
    const random = new SeededRandom(4);
    // 60 agents share a 10-tick burst of 60 % more load ending 4 ticks ago; 300 others are noise.
    const series = Array.from({ length: 360 }, (_, i) =>
      Array.from(
        { length: T },
        (_, t) => 10 * (i < 60 && t >= T - 14 && t < T - 4 ? 1.6 : 1) + Math.sqrt(10) * normal(random),
      ),
    );
    const { matrix } = build(series);
    expect(findSynchronisedGroups(matrix, OPTIONS, new SeededRandom(1)).groups).toEqual([]);
    // Its members do move together: what fails is the rhythm (the field never swings back).
    expect(
      reverses(
        matrix,
        Array.from({ length: 60 }, (_, i) => i),
        20,
        20,
      ),
    ).toBe(false);
  });

  it('finds nothing among oscillators drifting at their own frequencies, nor in noise', () => {
    const random = new SeededRandom(8);
    const series: number[][] = [];
    for (let i = 0; i < 30; i++) {
      const omega = ((2 * Math.PI) / 9) * (1 + 0.2 * normal(random));
      const offset = 2 * Math.PI * random.next();
      series.push(load(random, { amplitude: 0.8, phase: (t) => omega * t + offset }));
    }
    for (let i = 0; i < 400; i++) series.push(load(random));
    const drifting = findSynchronisedGroups(build(series).matrix, OPTIONS, new SeededRandom(1));
    expect(drifting.oscillating).toBeGreaterThanOrEqual(20);
    expect(drifting.groups).toEqual([]);
    expect(findSynchronisedGroups(build(series.slice(30)).matrix, OPTIONS, new SeededRandom(1)).groups).toEqual([]);
  });
});

describe('membersOf', () => {
  it('takes the agents that follow the mean field beyond their noise, projecting field members on the others', () => {
    const random = new SeededRandom(3);
    const field = (t: number) => Math.sin((2 * Math.PI * t) / 10);
    const series = [
      ...Array.from({ length: 6 }, () => load(random, { amplitude: 0.8, phase: (t) => (2 * Math.PI * t) / 10 })),
      // In phase but not in the core: a member.
      load(random, { amplitude: 0.8, phase: (t) => (2 * Math.PI * t) / 10 }),
      // In anti-phase, and noise: not members.
      load(random, { amplitude: 0.8, phase: (t) => (2 * Math.PI * t) / 10 + Math.PI }),
      ...Array.from({ length: 50 }, () => load(random)),
    ];
    expect(field(0)).toBe(0);
    const { matrix } = build(series);
    const members = membersOf(matrix, matrix.noise, [0, 1, 2, 3, 4, 5], [T, T / 2], 0.05);
    expect(members).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('noiseLevel', () => {
  it('is the standard deviation of white noise, and near 0 under a slow rhythm', () => {
    const random = new SeededRandom(5);
    const white = Array.from({ length: 20_000 }, () => 2 * normal(random));
    expect(noiseLevel(white)).toBeCloseTo(2, 1);
    const slow = Array.from({ length: 600 }, (_, t) => Math.sin((2 * Math.PI * t) / 200));
    expect(noiseLevel(slow)).toBeLessThan(0.03);
  });
});

describe('demodulateAll', () => {
  it("gives each row's periodogram over the whole series at every frequency searched (a direct DFT's)", () => {
    const random = new SeededRandom(12);
    const { matrix } = build([load(random, { amplitude: 1, phase: (t) => (2 * Math.PI * 7 * t) / T }), load(random)]);
    const { spectrum } = demodulateAll(matrix, OPTIONS);
    // Frequencies 2 (two cycles over the series) to 24 (2.5 ticks a cycle).
    expect(spectrum).toMatchObject({ lowest: 2, count: 23 });
    for (let r = 0; r < 2; r++) {
      for (let k = 0; k < spectrum.count; k++) {
        let re = 0;
        let im = 0;
        for (let t = 0; t < T; t++) {
          re += matrix.z[r * T + t]! * Math.cos((2 * Math.PI * (k + 2) * t) / T);
          im += matrix.z[r * T + t]! * Math.sin((2 * Math.PI * (k + 2) * t) / T);
        }
        expect(spectrum.powers[r * spectrum.count + k]).toBeCloseTo(re * re + im * im, 9);
      }
    }
    // The rhythm's row peaks at its 7 cycles.
    const first = Array.from(spectrum.powers.subarray(0, spectrum.count));
    expect(first.indexOf(Math.max(...first)) + 2).toBe(7);
  });
});

describe('lockedOscillators', () => {
  /** 24 agents oscillating at their own frequencies (period 9 ticks ± 20 %) from the start, locked for the last `locked` ticks; 400 that do not oscillate. */
  function fleet(seed: number, locked: number): { matrix: LoadMatrix; members: string[] } {
    const random = new SeededRandom(seed);
    const period = 9;
    const lockAt = T - locked;
    const series: number[][] = [];
    for (let i = 0; i < 24; i++) {
      const omega = ((2 * Math.PI) / period) * (1 + 0.2 * normal(random));
      const offset = 2 * Math.PI * random.next();
      // Its own phase until the lock, then the common one (a strong coupling locks within a few seconds).
      series.push(
        load(random, {
          amplitude: 0.8,
          phase: (t) => (t < lockAt ? omega * t + offset : ((2 * Math.PI) / period) * t),
        }),
      );
    }
    for (let i = 0; i < 400; i++) series.push(load(random));
    const { matrix } = build(series);
    return { matrix, members: matrix.agents.slice(0, 24) };
  }

  it('finds oscillators that locked within a cycle (5 ticks of a 9-tick period), and only them', () => {
    for (const seed of [3, 4, 5]) {
      const { matrix, members } = fleet(seed, 5);
      const groups = lockedOscillators(
        matrix,
        OPTIONS,
        new Set(),
        new SeededRandom(1),
        demodulateAll(matrix, OPTIONS).spectrum,
      );
      expect(groups).toHaveLength(1);
      const found = new Set(groups[0]!.agents);
      const shared = members.filter((a) => found.has(a)).length;
      expect(shared / (members.length + found.size - shared)).toBeGreaterThanOrEqual(0.8);
      expect(groups[0]!.periodTicks).toBeGreaterThan(7);
      expect(groups[0]!.periodTicks).toBeLessThan(11);
    }
  });

  it('finds no group among oscillators that run free (uniform phases at any instant), nor among agents without a rhythm', () => {
    for (const seed of [3, 4, 5, 6, 7, 8]) {
      const { matrix } = fleet(seed, 0);
      expect(
        lockedOscillators(matrix, OPTIONS, new Set(), new SeededRandom(1), demodulateAll(matrix, OPTIONS).spectrum),
      ).toEqual([]);
    }
  });

  it('Rayleigh (Zar): p ≈ exp(−n r²) for large n, 1 for scattered phases, tiny for aligned ones', () => {
    expect(rayleighP(1000, 0.05)).toBeCloseTo(Math.exp(-1000 * 0.05 ** 2), 2);
    expect(rayleighP(10, 0)).toBe(1);
    // Zar's table: n = 10, R̄ = 0.5 gives p ≈ 0.077.
    expect(rayleighP(10, 0.5)).toBeCloseTo(0.077, 2);
    expect(rayleighP(24, 0.95)).toBeLessThan(1e-8);
  });
});
