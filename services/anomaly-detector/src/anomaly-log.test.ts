import type { AnomalyEvent } from '@swarmscope/core';
import { AnomalyLog } from './anomaly-log';

const event = (id: string, over: Partial<AnomalyEvent> = {}): AnomalyEvent => ({
  id,
  event: 'opened',
  time: 1000,
  startedAt: 1000,
  agentId: 'a',
  model: 'm',
  pool: 'p',
  type: 'latency_spike',
  severity: 'medium',
  score: 0.7,
  confidence: 0.5,
  detectors: ['robust_zscore'],
  features: ['response_time_seconds'],
  evidence: {},
  explanation: 'x',
  ...over,
});

describe('AnomalyLog', () => {
  it('filters by risk class (no risk counts as low) and keeps the highest risk an anomaly reached', () => {
    const log = new AnomalyLog(10);
    log.apply(event('flood', { type: 'request_surge', risk: 'medium' }));
    log.apply(event('flood', { event: 'updated', time: 2000, type: 'request_surge', risk: 'high' }));
    log.apply(event('flood', { event: 'resolved', time: 3000, type: 'request_surge', risk: 'medium' }));
    log.apply(event('exfil', { type: 'token_spike', risk: 'medium' }));
    log.apply(event('slow', { startedAt: 900 }));
    expect(log.query({ risk: 'high', limit: 10 }).map((r) => r.id)).toEqual(['flood']);
    expect(log.query({ risk: 'medium', limit: 10 }).map((r) => r.id)).toEqual(['exfil']);
    expect(log.query({ risk: 'low', limit: 10 }).map((r) => r.id)).toEqual(['slow']);
    expect(log.get('slow')!.risk).toBe('low');
  });

  it('keeps the latest state, the worst severity and score reached, and counts updates', () => {
    const log = new AnomalyLog(10);
    log.apply(event('1'));
    log.apply(event('1', { event: 'updated', time: 2000, severity: 'critical', score: 0.99 }));
    const resolved = log.apply(
      event('1', { event: 'resolved', time: 3000, endedAt: 3000, severity: 'low', score: 0.2 }),
    );
    expect(resolved).toMatchObject({
      status: 'resolved',
      severity: 'critical',
      score: 0.99,
      startedAt: 1000,
      endedAt: 3000,
      updates: 2,
    });
  });

  it('filters by agent, severity, type, pool, status and since; newest first; up to the limit', () => {
    const log = new AnomalyLog(10);
    log.apply(event('old', { startedAt: 100, agentId: 'b', pool: 'q' }));
    log.apply(event('old', { event: 'resolved', startedAt: 100, endedAt: 200, agentId: 'b', pool: 'q' }));
    log.apply(event('mid', { startedAt: 500, type: 'error_surge', severity: 'high' }));
    log.apply(event('new', { startedAt: 900 }));
    expect(log.query({ limit: 10 }).map((r) => r.id)).toEqual(['new', 'mid', 'old']);
    expect(log.query({ limit: 1 }).map((r) => r.id)).toEqual(['new']);
    expect(log.query({ limit: 10, agentId: 'b' }).map((r) => r.id)).toEqual(['old']);
    expect(log.query({ limit: 10, severity: 'high' }).map((r) => r.id)).toEqual(['mid']);
    expect(log.query({ limit: 10, type: 'error_surge' }).map((r) => r.id)).toEqual(['mid']);
    expect(log.query({ limit: 10, pool: 'q' }).map((r) => r.id)).toEqual(['old']);
    expect(log.query({ limit: 10, status: 'open' }).map((r) => r.id)).toEqual(['new', 'mid']);
    expect(log.query({ limit: 10, since: 300 }).map((r) => r.id)).toEqual(['new', 'mid']);
    expect(log.query({ limit: 10, since: 150 }).map((r) => r.id)).toEqual(['new', 'mid', 'old']); // still open at 150
    expect(log.counts()).toEqual({ open: 2, total: 3 });
  });

  it('evicts the least recently changed resolved anomalies first and keeps open ones', () => {
    const log = new AnomalyLog(2);
    log.apply(event('r1'));
    log.apply(event('r1', { event: 'resolved', endedAt: 2000 }));
    log.apply(event('open'));
    log.apply(event('r2'));
    log.apply(event('r2', { event: 'resolved', endedAt: 3000 }));
    expect(log.get('r1')).toBeUndefined();
    expect(log.get('open')?.status).toBe('open');
    expect(log.get('r2')?.status).toBe('resolved');
  });

  it('merges events read back from the bus once each, in (time, opened < updated < resolved) order', () => {
    const log = new AnomalyLog(10);
    const opened = event('m', { time: 1000 });
    const updated = event('m', { event: 'updated', time: 2000, severity: 'critical', score: 0.99 });
    log.apply(opened);
    log.apply(updated);
    // A replica's own events come back from the bus after it applied them: nothing changes.
    expect(log.merge(opened)).toBe(false);
    expect(log.merge(updated)).toBe(false);
    expect(log.get('m')).toMatchObject({ updates: 2, status: 'open' });
    // Another replica's anomaly arrives only through the bus.
    expect(log.merge(event('n', { agentId: 'z', time: 1500 }))).toBe(true);
    expect(log.merge(event('n', { agentId: 'z', event: 'resolved', time: 1500, endedAt: 1500 }))).toBe(true);
    expect(log.merge(event('n', { agentId: 'z', event: 'updated', time: 1400 }))).toBe(false);
    expect(log.get('n')).toMatchObject({ status: 'resolved', updates: 1 });
    expect(log.openWhere((agent) => agent !== 'z')).toBe(1);
    expect(log.openWhere(() => false)).toBe(0);
  });
});
