import { EULER_GAMMA, IsolationForest, averagePathLength } from './isolation-forest';
import { gaussian } from '../../test-support/random';

/** n rows of a 2-D standard normal cluster, row-major. */
function cluster(n: number, seed: number, dims = 2): Float64Array {
  const g = gaussian(seed);
  const data = new Float64Array(n * dims);
  for (let i = 0; i < data.length; i++) data[i] = g();
  return data;
}

describe('averagePathLength c(n)', () => {
  it('matches the closed form of Liu, Ting & Zhou 2008 and its conventions', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // c(3) = 2(ln 2 + γ) − 4/3
    expect(averagePathLength(3)).toBeCloseTo(2 * (Math.log(2) + EULER_GAMMA) - 4 / 3, 12);
    expect(averagePathLength(3)).toBeCloseTo(1.207392, 5);
    // c(256) = 10.2448 (scikit-learn's _average_path_length(256) = 10.244770920...)
    expect(averagePathLength(256)).toBeCloseTo(10.24477092, 7);
    expect(averagePathLength(64)).toBeCloseTo(7.471951, 5);
  });
});

describe('IsolationForest', () => {
  it('scores exactly 0.5 when nothing can be isolated further (E[h] = c(ψ))', () => {
    // Two distinct rows, ψ = 2: every tree is one split into two leaves of mass 1, so h = 1 = c(2) → s = 2^−1.
    const two = new IsolationForest(1, { sampleSize: 2, trees: 5 });
    two.fit(Float64Array.from([0, 1]), 2);
    expect(two.score([0.3])).toBe(0.5);
    // Identical rows: the root is a leaf of mass ψ, so h = c(ψ) → s = 0.5.
    const flat = new IsolationForest(2, { sampleSize: 16, trees: 5 });
    flat.fit(new Float64Array(32).fill(3), 16);
    expect(flat.score([3, 3])).toBe(0.5);
    expect(flat.score([100, -100])).toBe(0.5);
  });

  it('scores an obvious outlier above 0.7 and the cluster’s inliers at about 0.5 or less', () => {
    const forest = new IsolationForest(2, { trees: 100, sampleSize: 256, seed: 11 });
    forest.fit(cluster(512, 3), 512);
    expect(forest.score([8, 8])).toBeGreaterThan(0.7);
    expect(forest.score([0, 0])).toBeLessThan(0.5);
    const inliers = cluster(200, 99);
    let sum = 0;
    for (let i = 0; i < 200; i++) sum += forest.score([inliers[2 * i]!, inliers[2 * i + 1]!]);
    expect(sum / 200).toBeLessThan(0.52);
    expect(forest.pathLength([8, 8])).toBeLessThan(forest.pathLength([0, 0]));
  });

  it('is deterministic for a seed and depends on it', () => {
    const data = cluster(300, 5, 3);
    const a = new IsolationForest(3, { seed: 7 });
    const b = new IsolationForest(3, { seed: 7 });
    const c = new IsolationForest(3, { seed: 8 });
    a.fit(data, 300);
    b.fit(data, 300);
    c.fit(data, 300);
    const probes = [
      [0, 0, 0],
      [1.5, -2, 0.3],
      [5, 5, 5],
    ];
    for (const p of probes) expect(a.score(p)).toBe(b.score(p));
    expect(probes.some((p) => a.score(p) !== c.score(p))).toBe(true);
  });

  it('attributes the isolation of a one-feature outlier to that feature', () => {
    const forest = new IsolationForest(3, { trees: 64, seed: 2 });
    forest.fit(cluster(256, 8, 3), 256);
    const shares = forest.attribution([0.1, 9, -0.2]);
    expect(shares[1]).toBeGreaterThan(0.6);
    expect(shares[0]! + shares[1]! + shares[2]!).toBeCloseTo(1, 9);
  });

  it('uses at most min(rows, ψ) rows a tree, and memory only once fitted', () => {
    const forest = new IsolationForest(2, { trees: 32, sampleSize: 64 });
    expect(forest.heightLimit).toBe(6);
    expect(forest.ready).toBe(false);
    expect(Number.isNaN(forest.score([0, 0]))).toBe(true);
    expect(forest.stateBytes()).toBeLessThan(1024); // nothing but headers before the first fit
    forest.fit(cluster(10, 1), 10); // fewer rows than ψ: c(10) normalises
    expect(forest.ready).toBe(true);
    // 32 trees × (63 split nodes × (1 feature + 1 cut + 2 × 4 range) + 127 masses) bytes plus headers.
    expect(forest.stateBytes()).toBeGreaterThanOrEqual(32 * (63 * 10 + 127));
    expect(forest.stateBytes()).toBeLessThan(32 * (63 * 10 + 127) + 1024);
    expect(() => forest.fit(new Float64Array(2), 1)).toThrow(RangeError);
    expect(() => new IsolationForest(0)).toThrow(RangeError);
  });

  it('scores and attributes exactly as the complete-tree layout did (leaves kept a split slot then)', () => {
    // Known answers: the same seed, data and points scored by the layout before split slots were kept for inner
    // nodes only (main at 306603e) — the compact layout must not change a single bit.
    const rows = 200;
    const data = new Float64Array(rows * 3);
    let s = 12345;
    const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < data.length; i++) data[i] = next() * 10 + (i % 3);
    const forest = new IsolationForest(3, { trees: 32, sampleSize: 64, seed: 5 });
    forest.fit(data, rows);
    const points = [
      [5, 6, 7],
      [0, 0, 0],
      [30, 1, 2],
      [4.5, 5.5, 6.5],
      [-3, 12, 40],
    ];
    const expected: Array<[number, number[]]> = [
      [0.4843329035715381, [0.40648889338514843, 0.28916670639824, 0.3043444002166123]],
      [0.7322887123860773, [0.3210405816753717, 0.34471877217078745, 0.3342406461538409]],
      [0.788827109732794, [0.2920625726620867, 0.4091938862944265, 0.29874354104348727]],
      [0.47687808430797995, [0.37265712065943163, 0.30745100679488696, 0.31989187254568197]],
      [0.8203101169980348, [0.2971048101783344, 0.3444981646654146, 0.35839702515625077]],
    ];
    points.forEach((p, i) => {
      expect(forest.score(p)).toBe(expected[i]![0]);
      expect(Array.from(forest.attribution(p))).toEqual(expected[i]![1]);
    });
    forest.fit(data.subarray(0, 90), 30); // refit on fewer rows than ψ
    expect(points.map((p) => forest.score(p))).toEqual([
      0.4644212281803436, 0.7386111214156391, 0.7529740624635246, 0.4763475069881185, 0.7951958750930606,
    ]);
  });
});
