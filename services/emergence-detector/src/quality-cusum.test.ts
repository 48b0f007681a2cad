import { cusumThreshold, QualityCusum, type QualityCusumOptions, type QualityTick } from './quality-cusum';
import { SeededRandom } from './random';

const OPTIONS: QualityCusumOptions = {
  k: 0.5,
  clip: 3,
  minReference: 30,
  halfLifeReports: 60,
  minGain: 0.02,
  minSigma: 0.01,
};

function normal(random: SeededRandom): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

/** One tick of `count` reports of quality `level` + σ·noise. */
function tick(random: SeededRandom, level: number, sigma: number, count: number): QualityTick {
  const out: QualityTick = { sum: 0, squares: 0, count };
  for (let i = 0; i < count; i++) {
    const q = level + sigma * normal(random);
    out.sum += q;
    out.squares += q * q;
  }
  return out;
}

describe('cusumThreshold', () => {
  it("solves Siegmund's approximation: ARL₀ = (e^{2kb} − 2kb − 1)/(2k²), b = h + 1.166", () => {
    for (const [k, arl] of [
      [0.5, 500],
      [0.5, 40_000],
      [0.25, 1e6],
    ] as const) {
      const b = cusumThreshold(k, arl) + 1.166;
      expect((Math.exp(2 * k * b) - 2 * k * b - 1) / (2 * k * k)).toBeCloseTo(arl, 3);
    }
    // The textbook pair: k = ½, h = 5 gives an in-control run length of about 930 (Montgomery, table 9.3: 938).
    expect(cusumThreshold(0.5, 930)).toBeCloseTo(5, 1);
  });

  it('grows with the log of the run length asked for', () => {
    expect(cusumThreshold(0.5, 4e5) - cusumThreshold(0.5, 4e4)).toBeCloseTo(Math.log(10), 1);
  });
});

describe('QualityCusum', () => {
  const h = cusumThreshold(0.5, 40_000);

  it('finds a sustained gain of one standard deviation and dates it near its start, not at the alarm', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const random = new SeededRandom(seed);
      const cusum = new QualityCusum(OPTIONS);
      let alarm: ReturnType<QualityCusum['update']>;
      let at = -1;
      for (let t = 0; t < 200 && !alarm; t++) {
        alarm = cusum.update(t, tick(random, t >= 100 ? 0.75 : 0.7, 0.05, 2), h);
        if (alarm) at = t;
      }
      expect(alarm).toBeDefined();
      // Two reports a tick of δ = 1: about (h + 1.166)/(δ − k − guard) ≈ 10/0.42 = 24 reports, 12 ticks, plus a
      // confirming tick.
      expect(at).toBeGreaterThan(100);
      expect(at).toBeLessThan(130);
      expect(Math.abs(alarm!.since - 100)).toBeLessThanOrEqual(4);
      expect(alarm!.gain).toBeGreaterThan(0.03);
      // The run's mean over its reference: chosen by an alarm, so biased up by the noise that brought it early.
      expect(alarm!.gain).toBeLessThan(0.1);
    }
  });

  it('stays quiet on an agent whose scores only vary, for thousands of reports', () => {
    for (const seed of [1, 2, 3]) {
      const random = new SeededRandom(seed);
      const cusum = new QualityCusum(OPTIONS);
      for (let t = 0; t < 3000; t++) expect(cusum.update(t, tick(random, 0.8, 0.06, 1), h)).toBeUndefined();
    }
  });

  it('does not call a drop a gain, nor a single wild score: a tick weighs at most clip standard deviations a report', () => {
    const random = new SeededRandom(7);
    const cusum = new QualityCusum(OPTIONS);
    for (let t = 0; t < 60; t++) cusum.update(t, tick(random, 0.8, 0.04, 1), h);
    for (let t = 60; t < 120; t++) expect(cusum.update(t, tick(random, 0.6, 0.04, 1), h)).toBeUndefined();
    const fresh = new QualityCusum(OPTIONS);
    for (let t = 0; t < 60; t++) fresh.update(t, tick(random, 0.8, 0.04, 1), h);
    // One report of 1.0 against 0.8 ± 0.04 is 5 σ, worth 3 − ½ to the sum: well below its level, and alone.
    expect(fresh.update(60, { sum: 1, squares: 1, count: 1 }, h)).toBeUndefined();
    for (let t = 61; t < 80; t++) expect(fresh.update(t, tick(random, 0.8, 0.04, 1), h)).toBeUndefined();
  });

  it('tests nothing before it knows the agent: fewer than minReference reports of its own', () => {
    const cusum = new QualityCusum(OPTIONS);
    for (let t = 0; t < 29; t++) cusum.update(t, { sum: 0.5, squares: 0.25, count: 1 }, h);
    // Reports at 1.0 after 29 at 0.5: the first one completes its reference, so none of them is tested yet.
    expect(cusum.update(29, { sum: 1, squares: 1, count: 1 }, h)).toBeUndefined();
  });

  it('holds its reference through a run however long: a slow reporter is not forgotten into its own gain', () => {
    const random = new SeededRandom(11);
    const cusum = new QualityCusum(OPTIONS);
    // One report every third tick, a gain of 1.2 σ from tick 600: its run outlasts the reference's half-life in ticks.
    let alarm: ReturnType<QualityCusum['update']>;
    for (let t = 0; t < 1200 && !alarm; t++) {
      const level = t >= 600 ? 0.76 : 0.7;
      alarm = cusum.update(t, t % 3 === 0 ? tick(random, level, 0.05, 1) : { sum: 0, squares: 0, count: 0 }, h);
    }
    expect(alarm).toBeDefined();
    expect(alarm!.since).toBeGreaterThanOrEqual(590);
  });

  it('does not report a gain smaller than minGain however significant (an agent whose scores barely vary)', () => {
    const cusum = new QualityCusum(OPTIONS);
    for (let t = 0; t < 60; t++) cusum.update(t, { sum: 0.8, squares: 0.64, count: 1 }, h);
    // 0.81 against a flat 0.8: 1 σ at the σ floor (0.01), yet a gain of 0.01 < 0.02.
    for (let t = 60; t < 200; t++) expect(cusum.update(t, { sum: 0.81, squares: 0.6561, count: 1 }, h)).toBeUndefined();
  });
});
