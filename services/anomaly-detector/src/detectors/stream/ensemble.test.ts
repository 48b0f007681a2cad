import type { Detector, DetectorResult } from './detector';
import { defaultEnsemble, severityOf, StreamDetector } from './ensemble';
import { at, gaussian, seeded } from '../../test-support/random';

const DAY = 288;

describe('StreamDetector (default ensemble)', () => {
  it('keeps every score in [0, 1] and every confidence in [0, 1], whatever it is fed', () => {
    const random = seeded(1);
    const d = new StreamDetector();
    for (let i = 0; i < 5000; i++) {
      const kind = i % 1000;
      const value =
        kind < 300
          ? random() * 100
          : kind < 400
            ? 42
            : kind < 410
              ? 1e9 * random()
              : kind === 500
                ? Number.NaN
                : -random();
      const r = d.update(at(i), value);
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(1);
      expect(r.confidence).toBeGreaterThanOrEqual(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('raises one critical alert within 25 samples of a level shift, explained with its numbers', () => {
    const noise = gaussian(2);
    const d = new StreamDetector();
    let noiseCritical = 0;
    for (let i = 0; i < 1000; i++) if (d.update(at(i), 100 + 2 * noise()).severity === 'critical') noiseCritical++;
    expect(noiseCritical).toBeLessThanOrEqual(3); // a rare new record high or low of the noise itself
    let alerts = 0;
    let firstCritical = -1;
    let text = '';
    let detectors: string[] = [];
    for (let k = 0; k < 100; k++) {
      const r = d.update(at(1000 + k), 112 + 2 * noise()); // +6σ: above anything seen so far
      if (r.alert) alerts++;
      if (r.severity === 'critical' && firstCritical < 0) {
        firstCritical = k;
        const e = d.explain();
        text = e.text;
        detectors = e.contributors.map((c) => c.detector);
      }
    }
    expect(firstCritical).toBeGreaterThanOrEqual(0);
    expect(firstCritical).toBeLessThanOrEqual(25);
    expect(alerts).toBeGreaterThanOrEqual(1);
    expect(alerts).toBeLessThanOrEqual(4); // range at the onset, pattern at its first bucket end, CUSUM, a later record
    expect(detectors.some((n) => n === 'range' || n === 'cusum')).toBe(true);
    expect(text).toMatch(/^critical anomaly \(score 0\.9\d*|^critical anomaly \(score 1/);
    expect(text).toMatch(/\d/);
  });

  it('raises a critical CUSUM alert for a shift that stays inside the range already seen', () => {
    const noise = gaussian(3);
    const d = new StreamDetector();
    for (let i = 0; i < 600; i++) d.update(at(i), (i === 300 ? 200 : 100) + noise()); // one early spike widens the range
    let firstCritical = -1;
    for (let k = 0; k < 60 && firstCritical < 0; k++)
      if (d.update(at(600 + k), 108 + noise()).severity === 'critical') firstCritical = k;
    expect(firstCritical).toBeGreaterThanOrEqual(0);
    expect(firstCritical).toBeLessThanOrEqual(25);
    expect(d.explain().contributors[0]!.detector).toBe('cusum');
  });

  it('does not flag a busy hour that comes every day, but flags the day it does not come', () => {
    const noise = gaussian(4);
    const d = new StreamDetector();
    const busy = (i: number) => i % DAY >= 120 && i % DAY < 150;
    let busyMax = 0;
    for (let i = 0; i < 8 * DAY; i++) {
      const r = d.update(at(i), (busy(i) ? 80 : 20) + noise());
      if (i >= 4 * DAY && busy(i)) busyMax = Math.max(busyMax, r.score);
    }
    expect(d.deseasonalizing).toBe(true);
    expect(busyMax).toBeLessThan(0.45);
    let missingMax = 0;
    for (let i = 8 * DAY; i < 8 * DAY + 150; i++)
      missingMax = Math.max(missingMax, d.update(at(i), 20 + noise()).score);
    expect(missingMax).toBeGreaterThanOrEqual(0.8);
  });

  it('sees nothing but the past: a prefix scores exactly as the start of the whole series', () => {
    const noise = gaussian(5);
    const values = Array.from(
      { length: 3000 },
      (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / DAY) + noise() + (i > 2000 ? 15 : 0),
    );
    const whole = new StreamDetector();
    const wholeScores = values.map((v, i) => whole.update(at(i), v).score);
    const prefix = new StreamDetector();
    const prefixScores = values.slice(0, 2100).map((v, i) => prefix.update(at(i), v).score);
    expect(prefixScores).toEqual(wholeScores.slice(0, 2100));
  });

  it('scores a non-finite value 0 and does not learn from it', () => {
    const noise = gaussian(6);
    const values = Array.from({ length: 800 }, () => 10 + noise());
    const plain = new StreamDetector();
    const withGap = new StreamDetector();
    for (let i = 0; i < 800; i++) {
      if (i === 400) {
        const r = withGap.update(at(i), Number.NaN);
        expect(r.score).toBe(0);
        expect(r.confidence).toBe(0);
      }
      const a = plain.update(at(i), values[i]!).score;
      const b = withGap.update(at(i), values[i]!).score;
      expect(b).toBe(a);
    }
  });

  it('holds bounded state: constant once the first day is seen', () => {
    const noise = gaussian(7);
    const d = new StreamDetector();
    for (let i = 0; i < 400; i++) d.update(at(i), noise());
    const bytes = d.stateBytes();
    for (let i = 400; i < 20_000; i++) d.update(at(i), noise() + (i % 5000 === 0 ? 50 : 0));
    expect(d.stateBytes()).toBe(bytes);
    expect(bytes).toBeLessThan(32 * 1024); // ≈ 16 KB of it the pattern memory (1,024 bucket means and distances)
  });

  it('grows confidence with warm-up', () => {
    const noise = gaussian(8);
    const d = new StreamDetector();
    const early = d.update(at(0), noise()).confidence;
    for (let i = 1; i < 300; i++) d.update(at(i), noise());
    expect(d.update(at(300), noise()).confidence).toBeGreaterThan(early);
  });
});

describe('ensemble seam', () => {
  class Constant implements Detector {
    readonly name = 'constant';
    private readonly r: DetectorResult = { score: 0.7, deviation: 3, expected: 1, ready: true };
    update(): DetectorResult {
      return this.r;
    }
    stateBytes(): number {
      return 8;
    }
  }

  it('combines any set of detectors: a direct member is a channel of its own, explained by default', () => {
    const config = defaultEnsemble();
    const d = new StreamDetector({
      ...config,
      members: [...config.members, { create: () => new Constant(), role: 'direct', weight: 0.9 }],
    });
    const r = d.update(at(0), 5);
    expect(r.score).toBeCloseTo(0.63, 12);
    const e = d.explain();
    expect(e.contributors[0]).toEqual({ detector: 'constant', score: 0.63, deviation: 3, expected: 1 });
    expect(e.text).toContain('constant scored 0.63');
  });
});

describe('StreamDetector refractory period', () => {
  /** A direct member that replays fixed scores. */
  class Scripted implements Detector {
    readonly name = 'scripted';
    private i = 0;
    private readonly result: DetectorResult = { score: 0, deviation: 0, expected: 0, ready: true };
    constructor(private readonly scores: readonly number[]) {}
    update(): DetectorResult {
      this.result.score = this.scores[this.i++] ?? 0;
      return this.result;
    }
    stateBytes(): number {
      return 8;
    }
  }
  const run = (scores: number[], refractory?: { samples: number; above: number }) => {
    const base = defaultEnsemble();
    const d = new StreamDetector({
      ...base,
      seasonal: false,
      likelihood: false,
      refractory,
      members: [{ create: () => new Scripted(scores), role: 'direct' }],
    });
    return scores.map((_, i) => d.update(at(i), 0).score);
  };

  it('caps the scores after a high one at 0.9 × its level for the given samples, then scores freely again', () => {
    const scores = [0.2, 1, 1, 0.95, 0.5, 1, 0.3];
    expect(run(scores)).toEqual(scores);
    expect(run(scores, { samples: 3, above: 0.9 })).toEqual([0.2, 1, 0.81, 0.81, 0.5, 1, 0.3]);
    // Scores below the trigger never start a refractory period.
    expect(run([0.89, 0.89, 0.89], { samples: 3, above: 0.9 })).toEqual([0.89, 0.89, 0.89]);
  });
});

describe('severityOf', () => {
  it('maps scores to severities', () => {
    expect([0, 0.25, 0.45, 0.8, 0.98, 1].map(severityOf)).toEqual([
      'none',
      'low',
      'medium',
      'high',
      'critical',
      'critical',
    ]);
  });
});
