import { ErrorSurgeDetector } from './error-surge';
import { seeded } from '../../test-support/random';
import { logistic } from './signal';

/** Feeds `seconds` of one report every `every` s with `perReport` requests, each an error with probability `p`; returns alarm reports and the first alarm's second. */
function run(
  d: ErrorSurgeDetector,
  random: () => number,
  from: number,
  seconds: number,
  every: number,
  perReport: number,
  p: number,
) {
  let alarms = 0;
  let first = -1;
  for (let s = 0; s < seconds; s += every) {
    let errors = 0;
    for (let i = 0; i < perReport; i++) if (random() < p) errors++;
    if (d.update((from + s) * 1000, perReport, errors).score >= 0.5) {
      alarms++;
      if (first < 0) first = s;
    }
  }
  return { alarms, first };
}

describe('ErrorSurgeDetector', () => {
  it('never calls one failed request a surge', () => {
    const d = new ErrorSurgeDetector();
    expect(d.update(0, 1, 1).score).toBeLessThan(0.5);
    expect(d.verdict.evidence.errorRate).toBe(1);
    expect(d.update(1000, 1, 1).score).toBeLessThan(0.5); // 2 errors: 2·ln 10 = 4.6 nats < the level
  });

  it('sums the Bernoulli log-likelihood ratio against the prior-smoothed baseline (known answer)', () => {
    // No decay, a prior of 1 % worth 1,000 requests: p0 = 0.01, p1 = 0.1. 5 errors in 20 requests:
    // S = 5·ln 10 + 15·ln(0.9/0.99) = 11.513 − 1.430 = 10.083 nats. Request rate: the prior's 1/s (one report only).
    // KL(p0‖p1) = 0.01·ln 0.1 + 0.99·ln(0.99/0.9) = 0.071335; h = ln(1 · 864,000 · 0.071335) = 11.0289 at 0.1/day.
    const d = new ErrorSurgeDetector({ baselineHalfLife: 1e12, priorRate: 0.01, priorRequests: 1000 });
    const v = d.update(0, 20, 5);
    const llr = 5 * Math.log(10) + 15 * Math.log(0.9 / 0.99);
    const kl = 0.01 * Math.log(0.1) + 0.99 * Math.log(0.99 / 0.9);
    expect(v.evidence.baselineRate).toBeCloseTo(0.01, 12);
    expect(v.evidence.llr).toBeCloseTo(llr, 9);
    expect(v.evidence.llr).toBeCloseTo(10.083, 3);
    expect(v.evidence.threshold).toBeCloseTo(Math.log(864_000 * kl), 9);
    expect(v.evidence.threshold).toBeCloseTo(11.0289, 3);
    expect(v.evidence.ratio).toBeCloseTo(25, 6);
    expect(v.evidence.errors).toBe(5);
    expect(v.evidence.requests).toBe(20);
    // P(X ≥ 5; λ = 0.2) = 1 − e^−0.2 (1 + 0.2 + 0.02 + 0.00133 + 0.0000667) = 2.258e-6
    expect(v.evidence.pValue).toBeCloseTo(2.258e-6, 9);
    expect(v.score).toBeCloseTo(logistic(llr, Math.log(864_000 * kl), Math.log(99) / Math.log(1000)), 9);
    expect(v.score).toBeLessThan(0.5);
    // One more error in one request 1 s later: S = 10.083 + 2.303 = 12.386 ≥ h (the first report's requests teach
    // no rate: their time is unknown, the rate is still the prior's; the baseline learnt them: p0 = 15 / 1,020).
    const w = d.update(1000, 1, 1);
    const p0 = 15 / 1020;
    const kl1 = p0 * Math.log(0.1) + (1 - p0) * Math.log((1 - p0) / (1 - 10 * p0));
    expect(w.evidence.baselineRate).toBeCloseTo(p0, 12);
    expect(w.evidence.llr).toBeCloseTo(llr + Math.log(10), 9);
    expect(w.evidence.threshold).toBeCloseTo(Math.log(864_000 * kl1), 9);
    expect(d.requestRate).toBeCloseTo(1, 12); // (1 + 60) / (1 + 60)
    expect(w.score).toBeGreaterThan(0.5);
    expect(w.evidence.errors).toBe(6);
    expect(w.evidence.requests).toBe(21);
  });

  it('does not alarm on a small rise however significant: 2× the baseline drifts the sum down', () => {
    const d = new ErrorSurgeDetector({ baselineHalfLife: 1e12, priorRate: 0.1, priorRequests: 10_000 });
    // p0 = 0.1 → p1 = (1 + p0) / 2 = 0.55; at 20 % errors the expected step is 0.2·ln 5.5 + 0.8·ln(0.45/0.9) = −0.21 per request.
    const { alarms } = run(d, seeded(3), 0, 3600, 1, 10, 0.2);
    expect(alarms).toBe(0);
  });

  it('(a) finds a slow agent’s (1 request / 30 s, 1 % errors) jump to 40 % within its 10 minutes', () => {
    const random = seeded(11);
    const d = new ErrorSurgeDetector();
    expect(run(d, random, 0, 6 * 3600, 30, 1, 0.01).alarms).toBe(0);
    const surge = run(d, random, 6 * 3600, 600, 30, 1, 0.4);
    expect(surge.first).toBeGreaterThanOrEqual(0);
    expect(surge.first).toBeLessThan(600);
    expect(d.verdict.evidence.baselineRate).toBeLessThan(0.02);
    expect(d.describe()).toMatch(
      /^error rate \d+(\.\d+)?% \(\d+ errors in the last \d+ requests\) against a baseline of \d(\.\d+)?% \(/,
    );
    // Back to 1 %: the sum is capped two errors above the level, so the alarm ends within ≈ 50 clean requests.
    const after = run(d, random, 6 * 3600 + 600, 3600, 30, 1, 0.01);
    expect(after.alarms).toBeLessThan(60);
    expect(d.verdict.score).toBeLessThan(0.5);
  });

  it('finds the same surge in each of 20 slow agents (seeds), most within 10 requests', () => {
    const found: number[] = [];
    for (let seed = 100; seed < 120; seed++) {
      const random = seeded(seed);
      const d = new ErrorSurgeDetector();
      run(d, random, 0, 6 * 3600, 30, 1, 0.01);
      found.push(run(d, random, 6 * 3600, 600, 30, 1, 0.4).first);
    }
    expect(found.filter((s) => s < 0)).toEqual([]);
    expect(found.filter((s) => s <= 300).length).toBeGreaterThanOrEqual(15);
  });

  it('(b) raises nothing on the slow agent at a steady 1 % over 48 h of data time (5 agents)', () => {
    let alarms = 0;
    for (let seed = 1; seed <= 5; seed++)
      alarms += run(new ErrorSurgeDetector(), seeded(seed), 0, 48 * 3600, 30, 1, 0.01).alarms;
    expect(alarms).toBe(0);
  });

  it('(c) raises nothing on a fast agent (5 requests/s in 1-s reports) at 2 % errors for a day', () => {
    const d = new ErrorSurgeDetector();
    expect(run(d, seeded(5), 0, 86_400, 1, 5, 0.02).alarms).toBe(0);
    expect(d.verdict.evidence.threshold).toBeGreaterThan(13); // ln(5/s · 864,000 s · KL(0.02‖0.2) = 0.153)
    expect(d.requestRate).toBeCloseTo(5, 1);
    // …and still finds a jump to 25 % within seconds.
    const surge = run(d, seeded(6), 86_400, 60, 1, 5, 0.25);
    expect(surge.first).toBeGreaterThanOrEqual(0);
    expect(surge.first).toBeLessThan(30);
  });

  it('does not count a gap in reports as a slow request rate beyond 10 minutes', () => {
    const d = new ErrorSurgeDetector({ baselineHalfLife: 1e12 });
    d.update(0, 10, 0);
    d.update(3_600_000, 10, 0); // 1 h later: counted as 600 s (with the prior's 60 requests in 60 s)
    expect(d.requestRate).toBeCloseTo((10 + 60) / (600 + 60), 9);
  });

  it('ignores reports without requests', () => {
    const d = new ErrorSurgeDetector();
    d.update(0, 0, 0);
    expect(d.verdict.ready).toBe(false);
    expect(d.stateBytes()).toBeGreaterThan(0);
  });
});
