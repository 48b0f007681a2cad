import { TokenSpikeDetector } from './token-spike';
import { gaussian } from './test-support/random';

function tokens(seed: number, median: number): () => number {
  const g = gaussian(seed);
  return () => Math.round(median * Math.exp(0.5 * g()));
}

describe('TokenSpikeDetector', () => {
  it('ignores log-normal variation and flags a sustained 8× spike within five requests', () => {
    const d = new TokenSpikeDetector({ label: 'input_tokens' });
    const normal = tokens(1, 800);
    let worst = 0;
    for (let i = 0; i < 20_000; i++) worst = Math.max(worst, d.update(normal()).score);
    expect(worst).toBeLessThan(0.5);
    const spike = tokens(2, 6400);
    const scores = [0, 1, 2, 3, 4, 5, 6, 7].map(() => d.update(spike()).score);
    expect(scores[0]).toBeLessThan(0.5); // one request is not yet a sustained spike
    expect(scores[4]).toBeGreaterThan(0.5); // five of the last nine: the median is the smallest of the spike
    expect(scores[7]).toBeGreaterThan(0.9);
    const e = d.verdict.evidence;
    expect(e.ratio).toBeGreaterThan(4);
    expect(e.baselineMedian).toBeGreaterThan(650);
    expect(e.baselineMedian).toBeLessThan(1000);
    expect(d.describe()).toMatch(/^input_tokens at \d+ over the last 9 requests/);
  });

  it('flags one extreme request (≥ 8 robust σ in log space and ≥ 25×) but not a merely large one', () => {
    const d = new TokenSpikeDetector();
    const normal = tokens(3, 500);
    for (let i = 0; i < 200; i++) d.update(normal());
    expect(d.update(2000).score).toBeLessThan(0.5); // 4×: ≈ 2.8σ
    for (let i = 0; i < 10; i++) d.update(normal());
    expect(d.update(10_000).score).toBeLessThan(0.5); // 20×: ≈ 6σ, below 25×
    for (let i = 0; i < 10; i++) d.update(normal());
    expect(d.update(1_000_000).score).toBeGreaterThan(0.9); // 2,000×: ≈ 15σ
  });

  it('does not let a spike become its own baseline', () => {
    const d = new TokenSpikeDetector({ maxFreeze: 10_000 });
    const normal = tokens(4, 500);
    for (let i = 0; i < 200; i++) d.update(normal());
    const spike = tokens(5, 5000);
    let last = 0;
    for (let i = 0; i < 500; i++) last = d.update(spike()).score;
    expect(last).toBeGreaterThan(0.9);
    expect(d.verdict.evidence.baselineMedian).toBeLessThan(700);
  });

  it('does not learn while the caller says the agent is anomalous, for at most maxFreeze counts', () => {
    const d = new TokenSpikeDetector({ maxFreeze: 50 });
    const normal = tokens(6, 500);
    for (let i = 0; i < 100; i++) d.update(normal());
    for (let i = 0; i < 40; i++) d.update(30, false); // a flood of tiny prompts while an anomaly is open
    expect(d.verdict.evidence.baselineMedian).toBeGreaterThan(350);
    for (let i = 0; i < 100; i++) d.update(30, false); // past maxFreeze it learns anyway
    expect(d.verdict.evidence.baselineMedian).toBeLessThan(100);
  });

  it('waits for minSamples', () => {
    const d = new TokenSpikeDetector({ minSamples: 10 });
    for (let i = 0; i < 10; i++) expect(d.update(100).ready).toBe(false);
    expect(d.update(100).ready).toBe(true);
  });
});
