import {
  OutputDriftDetector,
  binOf,
  kolmogorovSmirnovPValue,
  populationStabilityIndex,
  psiOfSamples,
  quantileEdges,
} from './output-drift';
import { gaussian } from '../../test-support/random';

describe('populationStabilityIndex', () => {
  it('matches hand-computed values', () => {
    expect(populationStabilityIndex([0.5, 0.5], [0.5, 0.5])).toBe(0);
    // (0.9 − 0.5) ln(1.8) + (0.1 − 0.5) ln(0.2) = 0.23511 + 0.64378 = 0.87889
    expect(populationStabilityIndex([0.5, 0.5], [0.9, 0.1])).toBeCloseTo(0.87889, 5);
    // (−0.15) ln 0.4 + (−0.05) ln 0.8 + 0.05 ln 1.2 + 0.15 ln 1.6 = 0.22822
    expect(populationStabilityIndex([0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4])).toBeCloseTo(0.22822, 5);
    // An empty bin takes epsilon instead of making PSI infinite.
    expect(Number.isFinite(populationStabilityIndex([0.5, 0.5], [1, 0]))).toBe(true);
  });

  it('bins at the reference quantiles, ties merged', () => {
    expect(Array.from(quantileEdges([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 2))).toEqual([5.5]);
    expect(Array.from(quantileEdges([0, 0, 0, 0, 0, 0, 1, 2, 3, 4], 4))).toEqual([0, 1.75]); // 0, 0, 1.75 → ties merged
    const edges = Float64Array.from([1, 2, 3]);
    expect([0, 1, 1.5, 3, 9].map((v) => binOf(edges, v))).toEqual([0, 1, 1, 3, 3]);
    expect(psiOfSamples([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBeCloseTo(0, 12);
  });
});

describe('kolmogorovSmirnovPValue', () => {
  it('gives the classic critical values: λ = 1.3581 at 5 %, 1.6276 at 1 %', () => {
    // n = m = 20,000: nₑ = 10,000, λ = (100 + 0.12 + 0.0011)·D.
    const scale = 100 + 0.12 + 0.11 / 100;
    expect(kolmogorovSmirnovPValue(1.3581 / scale, 20_000, 20_000)).toBeCloseTo(0.05, 4);
    expect(kolmogorovSmirnovPValue(1.6276 / scale, 20_000, 20_000)).toBeCloseTo(0.01, 4);
    expect(kolmogorovSmirnovPValue(0, 100, 100)).toBe(1);
  });
});

/** Log-normal output lengths with the given median and log-σ. */
function lengths(seed: number, median: number, sigma: number): () => number {
  const g = gaussian(seed);
  return () => Math.round(median * Math.exp(sigma * g()));
}

describe('OutputDriftDetector', () => {
  it('stays below the 0.25 PSI threshold without drift, and crosses it soon after a shift', () => {
    const d = new OutputDriftDetector();
    const normal = lengths(1, 250, 0.6);
    let worst = 0;
    for (let i = 0; i < 20_000; i++) worst = Math.max(worst, d.update(normal()).score);
    expect(worst).toBeLessThan(0.5);
    expect(d.verdict.evidence.psi).toBeLessThan(0.25);
    // The simulator's model_drift: median × 2.5, log-σ × 1.6.
    const drifted = lengths(2, 625, 0.96);
    let detectedAt = -1;
    for (let i = 0; i < 200 && detectedAt < 0; i++) if (d.update(drifted()).score >= 0.5) detectedAt = i;
    expect(detectedAt).toBeGreaterThan(5);
    expect(detectedAt).toBeLessThan(100);
    expect(d.verdict.evidence.psi).toBeGreaterThanOrEqual(0.25);
    expect(d.describe()).toMatch(
      /^the distribution of output_tokens drifted \(PSI \d+(\.\d+)?, Kolmogorov–Smirnov D \d+(\.\d+)? p = [\d.e-]+, over the last 300 values against the 1000 before them; median/,
    );
    // Before/after summaries: the drift multiplied the median by 2.5 and widened the tail.
    const e = d.verdict.evidence;
    expect(e.recentP95).toBeGreaterThan(e.referenceP95!);
    expect(e.recentMean).toBeGreaterThan(e.referenceMean!);
    expect(d.verdict.evidence.ratio).toBeGreaterThan(1.2);
  });

  it('keeps a passing spike out of the reference while the caller says the agent is anomalous', () => {
    const d = new OutputDriftDetector({ reference: 500, recent: 200 });
    const normal = lengths(3, 250, 0.6);
    for (let i = 0; i < 2000; i++) d.update(normal());
    const spike = lengths(4, 1500, 0.6);
    for (let i = 0; i < 400; i++) d.update(spike(), false); // a 400-request token spike, anomaly open
    expect(d.heldShare).toBe(1);
    let worstAfter = 0;
    // The anomaly is over: while the spike is still in the recent window the PSI says so (heldShare tells the caller
    // it is the tail of that anomaly); once it has left, the reference — which never took it — matches again.
    d.update(normal());
    expect(d.heldShare).toBeGreaterThan(0.9);
    for (let i = 0; i < 199; i++) d.update(normal());
    for (let i = 0; i < 2000; i++) worstAfter = Math.max(worstAfter, d.update(normal()).score);
    expect(d.heldOut).toBeGreaterThanOrEqual(400);
    expect(worstAfter).toBeLessThan(0.5);
    expect(d.heldShare).toBe(0);
  });

  it('accepts a lasting drift as the new normal after rebaseAfter values', () => {
    const d = new OutputDriftDetector({ reference: 500, recent: 300, rebaseAfter: 300 });
    const normal = lengths(5, 250, 0.6);
    for (let i = 0; i < 1000; i++) d.update(normal());
    const drifted = lengths(6, 800, 0.6);
    const scores: number[] = [];
    for (let i = 0; i < 3000; i++) scores.push(d.update(drifted()).score);
    expect(Math.max(...scores.slice(0, 400))).toBeGreaterThan(0.99);
    expect(Math.max(...scores.slice(-1000))).toBeLessThan(0.5);
  });

  it('is not ready until reference and recent windows are full, and keeps constant state', () => {
    const d = new OutputDriftDetector({ reference: 50, recent: 20 });
    const bytes = d.stateBytes();
    for (let i = 0; i < 69; i++) expect(d.update(i % 13).ready).toBe(false);
    expect(d.update(3).ready).toBe(true);
    for (let i = 0; i < 1000; i++) d.update(i);
    expect(d.stateBytes()).toBe(bytes);
    // 1,000 reference values (4 B) + 300 recent values (4 B), bins (1 B) and flags (1 B) + bin counts and headers.
    expect(new OutputDriftDetector().stateBytes()).toBeLessThan(1000 * 4 + 300 * 6 + 1700);
  });
});
