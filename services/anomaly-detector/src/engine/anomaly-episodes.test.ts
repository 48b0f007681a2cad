import { EpisodeTracker, type Finding } from './anomaly-episodes';

const subject = { agentId: 'a-1', model: 'gpt-4o', pool: 'support' };

function finding(score: number, type = 'latency_spike', risk: Finding['risk'] = 'low'): Finding {
  const severity = score >= 0.98 ? 'critical' : score >= 0.8 ? 'high' : 'medium';
  return {
    score,
    confidence: 0.8,
    severity,
    type,
    risk,
    detectors: ['cusum'],
    features: ['response_time_seconds'],
    evidence: { score },
    explanation: `${type} ${score}`,
  };
}

describe('EpisodeTracker', () => {
  it('groups consecutive anomalous reports into one anomaly and resolves it after k normal reports', () => {
    const e = new EpisodeTracker({ recoveryReports: 3, recoveryMs: 60_000 });
    const opened = e.onReport(subject, 1000, finding(0.6));
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({
      id: 'a-1:1000:1',
      event: 'opened',
      time: 1000,
      startedAt: 1000,
      agentId: 'a-1',
      model: 'gpt-4o',
      pool: 'support',
      type: 'latency_spike',
      severity: 'medium',
      score: 0.6,
      risk: 'low',
    });
    expect(e.onReport(subject, 2000, finding(0.62))).toEqual([]); // same episode, no escalation
    expect(e.onReport(subject, 3000, undefined)).toEqual([]);
    expect(e.onReport(subject, 4000, finding(0.61))).toEqual([]); // the streak of normal reports restarts
    expect(e.onReport(subject, 5000, undefined)).toEqual([]);
    expect(e.onReport(subject, 6000, undefined)).toEqual([]);
    const resolved = e.onReport(subject, 7000, undefined);
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({
      id: 'a-1:1000:1',
      event: 'resolved',
      time: 7000,
      startedAt: 1000,
      endedAt: 4000,
      score: 0.62,
    });
    expect(e.open).toBe(false);
    expect(e.onReport(subject, 8000, finding(0.7))[0]).toMatchObject({ id: 'a-1:8000:2', event: 'opened' });
  });

  it('publishes an update when severity, score (by ≥ escalation) or risk rises, with the highest values reached', () => {
    const e = new EpisodeTracker({ escalation: 0.1 });
    e.onReport(subject, 0, finding(0.5));
    expect(e.onReport(subject, 1, finding(0.55))).toEqual([]);
    const up = e.onReport(subject, 2, finding(0.61)); // +0.11
    expect(up[0]).toMatchObject({ event: 'updated', score: 0.61, severity: 'medium' });
    expect(e.onReport(subject, 3, finding(0.85))[0]).toMatchObject({ event: 'updated', severity: 'high', score: 0.85 });
    expect(e.onReport(subject, 4, finding(0.6, 'latency_spike', 'medium'))[0]).toMatchObject({
      event: 'updated',
      risk: 'medium',
      score: 0.85,
      severity: 'high',
    });
    expect(e.onReport(subject, 5, finding(0.55))).toEqual([]); // lower: nothing to say
  });

  it('takes a more specific type within the escalation margin of the best score', () => {
    const e = new EpisodeTracker({ typePriority: ['model_drift', 'quality_degradation'] });
    e.onReport(subject, 0, finding(0.99, 'quality_degradation'));
    expect(e.onReport(subject, 1, finding(0.7, 'model_drift'))).toEqual([]); // 0.29 below the best: not enough
    const up = e.onReport(subject, 2, finding(0.95, 'model_drift'));
    expect(up[0]).toMatchObject({ event: 'updated', type: 'model_drift', score: 0.99 });
    expect(e.onReport(subject, 3, finding(0.99, 'quality_degradation'))).toEqual([]); // less specific: keeps model_drift
    expect(e.strongest!.type).toBe('model_drift');
  });

  it('resolves after recoveryMs of data time without an anomalous report, at a report or by onTime', () => {
    const e = new EpisodeTracker({ recoveryMs: 60_000 });
    e.onReport(subject, 0, finding(0.6));
    expect(e.onTime(subject, 59_999)).toBeUndefined();
    expect(e.onTime(subject, 60_000)).toMatchObject({ event: 'resolved', endedAt: 0, time: 60_000 });
    e.onReport(subject, 100_000, finding(0.6));
    const both = e.onReport(subject, 200_000, finding(0.9)); // a gap, then a new anomaly: the old one closes first
    expect(both.map((x) => x.event)).toEqual(['resolved', 'opened']);
    expect(both[1]!.id).toBe('a-1:200000:3');
    expect(e.close(subject, 300_000)).toMatchObject({ event: 'resolved', id: 'a-1:200000:3' });
    expect(e.close(subject, 300_000)).toBeUndefined();
  });

  it('a slow agent (an anomalous report every 20–25 s) keeps one anomaly across an 80-s gap; it closes after 8 of its usual gaps', () => {
    // Before, a 60-s timer split a slow agent's quality slide into several anomalies (recoveryGaps 0 is that rule).
    const seconds = [0, 20, 45, 65, 90, 170];
    const old = new EpisodeTracker({ recoveryGaps: 0 });
    const opened = seconds.flatMap((s) => old.onReport(subject, s * 1000, finding(0.9))).map((x) => x.event);
    expect(opened).toEqual(['opened', 'resolved', 'opened']);
    const e = new EpisodeTracker();
    expect(seconds.flatMap((s) => e.onReport(subject, s * 1000, finding(0.9))).map((x) => x.event)).toEqual(['opened']);
    // Gaps 20, 25, 20, 25, 80 s; EWMA (weight 1/8, from the first): 20, 20.625, 20.547, 21.104, 28.466 s → 8 × = 227.7 s.
    expect(e.onTime(subject, 397_000)).toBeUndefined();
    expect(e.onTime(subject, 398_000)).toMatchObject({ event: 'resolved', endedAt: 170_000 });
    // A fast agent's gaps (1 s) keep the 60-s floor.
    const fast = new EpisodeTracker();
    for (let s = 0; s <= 30; s++) fast.onReport(subject, s * 1000, finding(0.9));
    expect(fast.onTime(subject, 89_999)).toBeUndefined();
    expect(fast.onTime(subject, 90_000)).toMatchObject({ event: 'resolved', endedAt: 30_000 });
  });

  it('from its first episode, an agent reporting every 30 s keeps one anomaly across a 100-s gap (8 × 30 s = 240 s)', () => {
    // bursty seed 3: a request-only agent's one quality drop was published as three anomalies within 4 minutes.
    const seconds = [0, 100, 170];
    const unknown = new EpisodeTracker();
    expect(seconds.flatMap((s) => unknown.onReport(subject, s * 1000, finding(0.9))).map((x) => x.event)).toEqual([
      'opened',
      'resolved',
      'opened',
      'resolved',
      'opened',
    ]);
    const e = new EpisodeTracker();
    expect(seconds.flatMap((s) => e.onReport(subject, s * 1000, finding(0.9), 30_000)).map((x) => x.event)).toEqual([
      'opened',
    ]);
    // Its own gaps (100, then 70 s: EWMA 96.25 s → 770 s) now exceed the agent's usual 30 s: the longer rules.
    expect(e.onTime(subject, 939_000, 30_000)).toBeUndefined();
    expect(e.onTime(subject, 940_000, 30_000)).toMatchObject({ event: 'resolved', endedAt: 170_000 });
  });
});
